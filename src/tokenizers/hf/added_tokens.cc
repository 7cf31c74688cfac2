#include "tokenizers/hf/added_tokens.h"

#include "tokenizers/hf/unicode.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace epubtok::tokenizers::hf {

void AddedTokenMatcher::build(std::vector<std::string> patterns, std::vector<AddedToken> tokens) {
  patterns_ = std::move(patterns);
  tokens_ = std::move(tokens);
  trie_.clear();
  for (size_t p = 0; p < patterns_.size(); ++p) {
    const std::string& pat = patterns_[p];
    if (pat.empty()) continue;
    first_byte_[static_cast<unsigned char>(pat[0])] = true;
    if (pat.size() < 4) {
      short_first_[static_cast<unsigned char>(pat[0])] = true;
    } else {
      uint32_t w;
      std::memcpy(&w, pat.data(), 4);
      uint32_t h = prefix_hash(w);
      prefix_bits_[h >> 6] |= uint64_t(1) << (h & 63);
    }
    uint32_t node = trie_.insert(pat);
    // Of identical patterns the first one wins, as in the reference's automaton.
    if (trie_.value(node) < 0) trie_.value(node) = int32_t(p);
  }
  int distinct = 0;
  for (int b = 0; b < 256; ++b) {
    if (first_byte_[b]) {
      ++distinct;
      only_first_byte_ = b;
    }
  }
  if (distinct != 1) only_first_byte_ = -1;
  few_first_bytes_.clear();
  if (distinct <= int(kFewFirstBytes)) {
    for (int b = 0; b < 256; ++b)
      if (first_byte_[b]) few_first_bytes_.push_back(static_cast<unsigned char>(b));
  }
}

size_t AddedTokenMatcher::next_first_byte(std::string_view s, size_t i) const {
  const size_t n = s.size();
#if defined(__SSE2__)
  if (!few_first_bytes_.empty()) {
    __m128i wanted[kFewFirstBytes];
    const size_t k = few_first_bytes_.size();
    for (size_t j = 0; j < k; ++j) wanted[j] = _mm_set1_epi8(static_cast<char>(few_first_bytes_[j]));
    for (; i + 16 <= n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      __m128i hit = _mm_cmpeq_epi8(v, wanted[0]);
      for (size_t j = 1; j < k; ++j) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, wanted[j]));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
  }
#endif
  while (i < n && !first_byte_[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

int AddedTokenMatcher::longest_at(std::string_view s, size_t i, size_t* len) const {
  int found = -1;
  uint32_t node = 0;
  for (size_t k = i; k < s.size(); ++k) {
    node = trie_.child(node, static_cast<unsigned char>(s[k]));
    if (node == 0) break;
    if (trie_.value(node) >= 0) {
      found = trie_.value(node);
      *len = k + 1 - i;
    }
  }
  return found;
}

namespace {

char32_t last_char(std::string_view s, size_t end) {
  size_t k = end - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  size_t len;
  return decode_valid_utf8(s, k, &len);
}

size_t prev_char_start(std::string_view s, size_t end) {
  size_t k = end - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return k;
}

}  // namespace

void AddedTokenMatcher::split(std::string_view s, std::vector<AddedSplit>& out) const {
  if (s.empty() || tokens_.empty()) {
    out.push_back({0, s.size(), std::nullopt});
    return;
  }
  size_t start_offset = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (only_first_byte_ >= 0) {
      // Typical: every special token starts with '<'; memchr skips ahead.
      const void* hit = std::memchr(s.data() + i, only_first_byte_, s.size() - i);
      if (!hit) break;
      i = size_t(static_cast<const char*>(hit) - s.data());
    } else {
      i = next_first_byte(s, i);
      if (i >= s.size()) break;
    }
    if (i + 4 <= s.size() && !may_match_at(s.data() + i)) {
      ++i;
      continue;
    }
    size_t len = 0;
    int p = longest_at(s, i, &len);
    if (p < 0) {
      ++i;
      continue;
    }
    size_t start = i, stop = i + len;
    i = stop;  // the automaton resumes after the match, kept or not
    const AddedToken& tok = tokens_[size_t(p)];
    if (tok.single_word) {
      bool start_space = start == 0 || !(char_class(last_char(s, start)) & kWord);
      size_t l2;
      bool stop_space = stop == s.size() || !(char_class(decode_valid_utf8(s, stop, &l2)) & kWord);
      if (!start_space || !stop_space) continue;
    }
    if (tok.lstrip) {
      size_t ns = start;
      while (ns > 0 && (char_class(last_char(s, ns)) & kWhiteSpace)) ns = prev_char_start(s, ns);
      start = std::max(ns, start_offset);
    }
    if (tok.rstrip) {
      while (stop < s.size()) {
        size_t l2;
        char32_t cp = decode_valid_utf8(s, stop, &l2);
        if (!(char_class(cp) & kWhiteSpace)) break;
        stop += l2;
      }
    }
    if (start_offset < start) out.push_back({start_offset, start, std::nullopt});
    out.push_back({start, stop, tok.id});
    start_offset = stop;
  }
  if (start_offset != s.size()) out.push_back({start_offset, s.size(), std::nullopt});
}

}  // namespace epubtok::tokenizers::hf
