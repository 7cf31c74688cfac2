// Counting and encoding with an HfTokenizer: added tokens, normalizer,
// pre-tokenizer scanners and model, with the piece cache in between.
#include "tokenizers/hf/hf_tokenizer.h"

#include <algorithm>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tokenizers/bpe/piece_cache.h"
#include "tokenizers/bpe/split_filter.h"
#include "tokenizers/hf/added_tokens.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/normalizers.h"
#include "tokenizers/hf/pre_tokenizers.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/scanners.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {

namespace {

// Appends `raw` to `out` with each byte `from` replaced by "▁".
void append_with_markers(std::string& out, std::string_view raw, char from) {
  for (size_t i = 0; i < raw.size();) {
    const size_t hit = raw.find(from, i);
    const size_t end = hit == std::string_view::npos ? raw.size() : hit;
    out.append(raw, i, end - i);
    if (hit == std::string_view::npos) break;
    out.append("\xE2\x96\x81");
    i = hit + 1;
  }
}

}  // namespace

// Counting and encoding keep their pieces apart: a count-only owner's
// front holds no ids (PieceCache::front_fill_count).
template <typename Sink>
inline PieceCache& HfTokenizer::cache_for() const {
  return PieceCache::of(Sink::kCountOnly ? count_serial_ : serial_);
}

// The ids of `part`, with nothing readable beyond it (cached_piece).
template <typename Sink>
inline void HfTokenizer::cached_part(std::string_view part, PieceCache& cache, Sink& sink) const {
  cached_piece(part.data(), part.size(), part.size(), cache, sink);
}

// The front entry holding the piece [p, p + n), or null (a miss, or a
// piece longer than the front's keys) when `readable` bytes may be read
// from p: with 16 of them the key is two masked loads (front_key16), no
// branch on the length.
__attribute__((always_inline)) inline const PieceCache::FrontEntry* front_lookup(const char* p, size_t n,
                                                                                 size_t readable, PieceCache& cache) {
  if (n > PieceCache::kMaxFrontKey) return nullptr;
  const PieceCache::FrontKey key =
      readable >= 16 ? PieceCache::front_key16(p, n) : PieceCache::front_key(std::string_view(p, n));
  const PieceCache::FrontEntry& front = cache.front_slot(key);
  return __builtin_expect(PieceCache::front_hit(front, key), 1) ? &front : nullptr;
}

// The ids of the piece [p, p + n), when `readable` bytes may be read from
// p (see front_lookup). The hit path of the front cache is inline in the
// scanners' loops; the rest is out of line, so that the thread-local
// scratch vector's guard and the ids map's code stay off every hit.
template <typename Sink>
__attribute__((always_inline)) inline void HfTokenizer::cached_piece(const char* p, size_t n, size_t readable,
                                                                     PieceCache& cache, Sink& sink) const {
  const PieceCache::FrontEntry* front = front_lookup(p, n, readable, cache);
  // Counting needs only the number of ids; encoding needs the id itself.
  if (front && (Sink::kCountOnly || front->n == 1)) {
    sink(&front->id, front->n);
    return;
  }
  if constexpr (Sink::kCountOnly) {
    sink(nullptr, count_part_slow<Sink>(p, n, readable, cache));
  } else {
    cached_part_slow(std::string_view(p, n), cache, sink);
  }
}

// The pieces of `segment` from one of the hand-written scanners, each
// looked up as the scanner finds it: no vector of spans and no virtual
// call in between.
//
// Flattened, and out of line: one function per scanner with everything on
// its hot path inlined (GCC otherwise outlined the SSE2 letter run, or the
// scanner's own fast path, depending on what else run_segment held).
template <typename Scanner, typename Sink>
__attribute__((flatten, noinline)) void HfTokenizer::scan_pieces(const Scanner& scanner, std::string_view segment,
                                                                 Sink& sink) const {
  PieceCache& cache = cache_for<Sink>();
  const char* p = segment.data();
  const size_t n = segment.size();
  if constexpr (Sink::kCountOnly) {
    // The total in a local the loop keeps in a register: the caller's sink
    // sits in memory, and a miss's out-of-line call forced a load and a
    // store around every piece.
    // (A count-only sink keeps its total in a public member n.)
    Sink local;
    scanner.run(segment, [&](size_t b, size_t e) {
      const PieceCache::FrontEntry* front = front_lookup(p + b, e - b, n - b, cache);
      if (__builtin_expect(front != nullptr, 1)) {
        local.n += front->n;
      } else {
        local.n += count_part_slow<Sink>(p + b, e - b, n - b, cache);
      }
    });
    sink(nullptr, local.n);
  } else {
    scanner.run(segment, [&](size_t b, size_t e) { cached_piece(p + b, e - b, n - b, cache, sink); });
  }
}

inline bool HfTokenizer::tokenize_piece(std::string_view piece, std::vector<uint32_t>& out) const {
  // Only long pieces ending in U+3000..U+9FFF (CJK punctuation, kana, Han:
  // lead bytes E3..E9): whole clauses of Chinese and Japanese, whose parts
  // repeat far more than the clauses do. Shorter pieces are mostly whole
  // words, cached as they are; other scripts' long pieces are words too,
  // and cutting them costs more than it saves.
  constexpr size_t kCutFromBytes = PieceCache::kMaxFrontKey + 1;
  if (piece.size() >= kCutFromBytes) {
    const auto lead = static_cast<unsigned char>(piece[piece.size() - 3]);
    if (lead >= 0xE3 && lead <= 0xE9) return tokenize_cut(piece, out);
  }
  return model_->tokenize(piece, out);
}

__attribute__((noinline)) bool HfTokenizer::tokenize_cut(std::string_view piece, std::vector<uint32_t>& out) const {
  const bpe::SplitFilter* split = model_->split_filter();
  if (split == nullptr) return model_->tokenize(piece, out);
  PieceCache& cache = PieceCache::of(chunk_serial_);
  const size_t mark = out.size();
  size_t part = 0;
  bool ok = true;
  for (size_t b = 1; b < piece.size() && ok; ++b) {
    if ((static_cast<unsigned char>(piece[b]) & 0xC0) == 0x80) continue;  // cut only at code point starts
    if (!split->can_split(piece, b)) continue;
    ok = part_ids(piece.substr(part, b - part), cache, out);
    part = b;
  }
  if (part > 0 && ok && part_ids(piece.substr(part), cache, out)) return true;
  // Uncut (the whole piece may be one token under ignore_merges), or a part
  // the model refused: the whole piece, as the reference sees it.
  out.resize(mark);
  return model_->tokenize(piece, out);
}

bool HfTokenizer::part_ids(std::string_view part, PieceCache& cache, std::vector<uint32_t>& out) const {
  if (part.size() <= PieceCache::kMaxFrontKey) {
    const PieceCache::FrontKey key = PieceCache::front_key(part);
    const PieceCache::FrontEntry& front = cache.front_slot(key);
    if (PieceCache::front_hit(front, key) && front.n == 1) {
      out.push_back(front.id);
      return true;
    }
  }
  thread_local std::vector<uint32_t> scratch;
  const uint32_t* ids;
  uint32_t n;
  auto merged = [&](std::string_view p, std::vector<uint32_t>& v) { return model_->tokenize_merged(p, v); };
  if (!cache.ids_of(part, scratch, merged, &ids, &n)) return false;
  out.insert(out.end(), ids, ids + n);
  return true;
}

// The number of ids of the piece [p, p + n), which the front missed, from
// the count tiers behind it (`readable` bytes may be read from p): one
// cache line per lookup with the key inside, where the ids map costs a
// slot and a key elsewhere. Longer pieces take the ids map.
template <typename Sink>
__attribute__((noinline)) uint64_t HfTokenizer::count_part_slow(const char* p, size_t n, size_t readable,
                                                                PieceCache& cache) const {
  const std::string_view piece(p, n);
  auto count = [&] { return count_uncached(piece); };
  if (n <= PieceCache::kMaxLongKey) {
    const uint32_t c =
        cache.long_count(PieceCache::long_key(reinterpret_cast<const unsigned char*>(p), n, readable), count);
    if (n <= PieceCache::kMaxFrontKey) {
      const PieceCache::FrontKey front = PieceCache::front_key(piece);
      PieceCache::front_fill_count(cache.front_slot(front), front, c);
    }
    return c;
  }
  if (n <= PieceCache::kMaxBigKey) return cache.big_count(piece, count);
  Sink tally;
  cached_part_slow(piece, cache, tally);
  return tally.n;
}

uint32_t HfTokenizer::count_uncached(std::string_view piece) const {
  thread_local std::vector<uint32_t> ids;
  ids.clear();
  model_ids(piece, ids);
  return static_cast<uint32_t>(ids.size());
}

void HfTokenizer::model_ids(std::string_view piece, std::vector<uint32_t>& out) const {
  // run_marker_cut's keys are raw text: the model sees it normalized.
  thread_local std::string normalized;
  if (marker_fused_ && piece.find(marker_from_) != std::string_view::npos) {
    normalized.clear();
    append_with_markers(normalized, piece, marker_from_);
    piece = normalized;
  }
  const size_t mark = out.size();
  // A piece the model refuses counts as no ids.
  if (!tokenize_piece(piece, out)) out.resize(mark);
}

template <typename Sink>
__attribute__((noinline)) void HfTokenizer::cached_part_slow(std::string_view part, PieceCache& cache,
                                                             Sink& sink) const {
  thread_local std::vector<uint32_t> scratch;
  const uint32_t* ids;
  uint32_t n;
  // A piece the model refuses counts as no ids, and is remembered so.
  cache.ids_of(
      part, scratch,
      [&](std::string_view p, std::vector<uint32_t>& v) {
        model_ids(p, v);
        return true;
      },
      &ids, &n);
  sink(ids, n);
}

// One level of the isolating chain: receives the matches of chain_[level]
// in `s` and passes each match and each gap to the next level, or to the
// model after the last.
template <typename Sink>
struct ChainFeed final : SpanSink {
  ChainFeed(const HfTokenizer* self, size_t level, std::string_view s, PieceCache& cache, Sink& sink)
      : self_(self), level_(level), s_(s), cache_(cache), sink_(sink) {}
  void on_span(size_t b, size_t e) override {
    if (b > prev_) piece(s_.substr(prev_, b - prev_));
    piece(s_.substr(b, e - b));
    prev_ = e;
  }
  void finish() {
    if (prev_ < s_.size()) piece(s_.substr(prev_));
  }
  void piece(std::string_view p) {
    if (__builtin_expect(level_ + 1 == self_->chain_.size(), 1)) {
      self_->cached_part(p, cache_, sink_);
    } else {
      descend(p);
    }
  }
  // Out of line so that the hot single-level path stays small.
  __attribute__((noinline)) void descend(std::string_view p) {
    ChainFeed next(self_, level_ + 1, p, cache_, sink_);
    self_->chain_[level_ + 1]->scan(p, next);
    next.finish();
  }
  const HfTokenizer* self_;
  size_t level_;
  std::string_view s_;
  PieceCache& cache_;
  Sink& sink_;
  size_t prev_ = 0;
};

template <typename Sink>
void HfTokenizer::model_piece(std::string_view piece, Sink& sink) const {
  PieceCache& cache = cache_for<Sink>();
  if (!model_splits_) {
    cached_part(piece, cache, sink);
    return;
  }
  // Reused rather than allocated per piece. No re-entry is possible (the
  // model never calls back into the tokenizer).
  thread_local std::vector<std::string_view> parts;
  parts.clear();
  model_->split_for_cache(piece, parts);
  for (std::string_view part : parts) cached_part(part, cache, sink);
}

// The pieces split_for_cache cuts normalize(segment) into, found on the
// raw segment: each "▁" of the normalized text is a raw marker_from_ byte,
// a raw "▁", or the last character of the prefix. A piece after the first
// is looked up by its raw bytes: normalize maps them to the normalized
// piece, and is the identity on normalized text (see ByteReplace), so a
// cache key names the same ids whichever form it is in.
template <typename Sink>
void HfTokenizer::run_marker_cut(std::string_view segment, Sink& sink) const {
  PieceCache& cache = cache_for<Sink>();
  const char* p = segment.data();
  const size_t n = segment.size();
  const char from = marker_from_;
  // split_for_cache leaves a short text whole; each `from` grows by two bytes.
  if (marker_prefix_.size() + n < Model::kMarkerCutMinBytes &&
      marker_prefix_.size() + n + 2 * size_t(std::count(segment.begin(), segment.end(), from)) <
          Model::kMarkerCutMinBytes) {
    marker_head(segment, cache, sink);
    return;
  }
  size_t start = 0;
  bool head = true;
  auto cut_at = [&](size_t q) {
    if (head) {
      marker_head(segment.substr(0, q), cache, sink);
      head = false;
    } else {
      cached_piece(p + start, q - start, n - start, cache, sink);
    }
    start = q;
  };
  // A "▁" at q starts a piece unless the character before it is a "▁" or
  // joins a following "▁" in some vocabulary entry.
  auto at_marker = [&](size_t q) {
    if (q == 0) {
      if (marker_cut_at_start_) cut_at(q);
      return;
    }
    const auto b = static_cast<unsigned char>(p[q - 1]);
    if (b == static_cast<unsigned char>(from)) return;
    const char32_t prev = b < 0x80 ? char32_t(b) : code_point_before(segment, q);
    if (prev == 0x2581 || ((marker_joins_[prev >> 6] >> (prev & 63)) & 1)) return;
    cut_at(q);
  };
  // Valid UTF-8: an E2 lead byte has two bytes after it.
  auto is_marker = [&](size_t q) { return p[q] == from || (p[q + 1] == '\x96' && p[q + 2] == '\x81'); };
  size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: in most scripts a space comes every few
  // characters, and a byte loop's branch per byte mispredicts at each.
  const __m128i from16 = _mm_set1_epi8(from);
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    auto mask =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, from16), _mm_cmpeq_epi8(v, e2))));
    while (mask != 0) {
      const size_t q = i + static_cast<size_t>(__builtin_ctz(mask));
      mask &= mask - 1;
      if (is_marker(q)) at_marker(q);
    }
  }
#endif
  for (; i < n; ++i) {
    if ((p[i] == from || p[i] == '\xE2') && is_marker(i)) at_marker(i);
  }
  cut_at(n);
}

template <typename Sink>
void HfTokenizer::marker_head(std::string_view raw, PieceCache& cache, Sink& sink) const {
  // Not the buffer cached_part_slow normalizes misses in: `head` is the key.
  thread_local std::string head;
  head = marker_prefix_;
  append_with_markers(head, raw, marker_from_);
  cached_part(head, cache, sink);
}

template <typename Sink>
void HfTokenizer::run_segment(std::string_view segment, bool at_start, Sink& sink) const {
  if (segment.empty()) return;
  if (!pre_tokenizer_) {
    model_piece(segment, sink);
    return;
  }
  if (fast_scan_ == FastScan::kDeepSeek) {
    scan_pieces(static_cast<const detail::DeepSeekFusedScanner&>(*chain_[0]), segment, sink);
    return;
  }
  if (fast_scan_ == FastScan::kGpt4) {
    scan_pieces(static_cast<const detail::Gpt4StyleScanner&>(*chain_[0]), segment, sink);
    return;
  }
  if (!chain_.empty() && !model_splits_) {
    // Stream pieces straight from the scanners: matches and the gaps
    // between, each cut again by the next matcher of the chain.
    ChainFeed<Sink> feed(this, 0, segment, cache_for<Sink>(), sink);
    chain_[0]->scan(segment, feed);
    feed.finish();
    return;
  }
  if (pre_tokenizer_->views_only()) {
    thread_local std::vector<std::string_view> views;
    views.clear();
    pre_tokenizer_->split_views(segment, views);
    // model_piece may reuse thread-local buffers, but not `views`.
    std::vector<std::string_view> local;
    local.swap(views);
    for (std::string_view v : local) model_piece(v, sink);
    local.clear();
    local.swap(views);
    return;
  }
  std::vector<Piece> pieces;
  pieces.push_back(Piece{std::string(segment), at_start});
  pre_tokenizer_->pre_tokenize(pieces);
  for (const Piece& p : pieces)
    if (!p.text.empty()) model_piece(p.text, sink);
}

template <typename Sink>
void HfTokenizer::run(std::string_view input, Sink&& sink) const {
  std::string sanitized;
  std::string_view text = input;
  if (!is_valid_utf8(input)) {
    sanitized = sanitize_utf8(input);
    text = sanitized;
  }
  // Reused across calls: count() runs once per paragraph, too often for two
  // vector allocations per call.
  thread_local std::vector<AddedSplit> splits_buffer, sub_buffer;
  std::vector<AddedSplit> splits, sub;
  splits.swap(splits_buffer);
  sub.swap(sub_buffer);
  splits.clear();
  raw_added_->split(text, splits);
  for (const AddedSplit& s : splits) {
    if (s.id) {
      uint32_t id = *s.id;
      sink(&id, 1);
      continue;
    }
    std::string_view seg = text.substr(s.begin, s.end - s.begin);
    if (marker_fused_) {
      if (!seg.empty()) run_marker_cut(seg, sink);
      continue;
    }
    std::string normalized;
    std::string_view nseg = seg;
    bool head_dropped = false;
    // Most book text is already in the normalizer's form (NFC for Qwen) or
    // the normalizer is an empty Sequence (DeepSeek): then no copy is made.
    if (normalizer_ && !normalizer_->is_unchanged(seg)) {
      normalized.assign(seg);
      normalizer_->normalize(normalized, &head_dropped);
      nseg = normalized;
    }
    sub.clear();
    normalized_added_->split(nseg, sub);
    for (const AddedSplit& t : sub) {
      if (t.id) {
        uint32_t id = *t.id;
        sink(&id, 1);
        continue;
      }
      run_segment(nseg.substr(t.begin, t.end - t.begin), s.begin == 0 && t.begin == 0 && !head_dropped, sink);
    }
  }
  splits.swap(splits_buffer);
  sub.swap(sub_buffer);
}

namespace {

// The sinks run() feeds. kCountOnly tells the piece cache whether the ids
// themselves are needed or only their number.
struct CountSink {
  static constexpr bool kCountOnly = true;
  uint64_t n = 0;
  void operator()(const uint32_t*, size_t k) { n += k; }
};

struct EncodeSink {
  static constexpr bool kCountOnly = false;
  std::vector<uint32_t> ids;
  void operator()(const uint32_t* p, size_t k) { ids.insert(ids.end(), p, p + k); }
};

}  // namespace

// Why a cut at pos, on ' ' or '\n' right after a letter or digit c, splits
// the ids exactly, stage by stage:
//  - Invalid UTF-8 becomes U+FFFD per maximal ill-formed subpart; an ASCII
//    byte is never inside one, so sanitizing the halves equals sanitizing
//    the whole (and c, checked on the raw bytes, is well-formed).
//  - Raw added tokens are found leftmost-longest; no token contains the cut
//    character, so none straddles pos and the scan of each half finds the
//    whole's matches. lstrip reaches back over white space only, and stops
//    at c; single_word treats ' ' and '\n' like the end of the text; rstrip
//    tokens switch clean splits off (space_cut_ / newline_cut_).
//  - The normalizer (none, or one keeping the cut: keeps_cut_before_space)
//    maps a + b to norm(a) + norm(b) with c still last in norm(a); the
//    normalized added tokens then split as the raw ones did.
//  - The pre-tokenizer is one covering scanner with no look-behind: the
//    piece starting at a position depends only on the text from there to
//    the end of the segment. The piece holding c ends at pos in the whole
//    as in the first half: a letter run (Llama 3/Qwen "[^\r\n\p{L}\p{N}]?
//    \p{L}+", DeepSeek "[\p{L}\p{M}]+", its ASCII "punct + letters" and
//    CJK runs) stops at the first non-letter, a contraction is fixed text,
//    a digit run ("\p{N}{1,3}" or "\p{N}") stops at a non-digit and is
//    chunked from its own start; no alternative lets a letter or digit
//    piece absorb a following ' ' or '\n' (only punctuation pieces take
//    line breaks), and the white-space alternatives cannot reach back over
//    c. DeepSeek's digit and CJK cuts fall at pos for the same reasons. So
//    the pieces before pos are the first half's and those after are the
//    second half's.
//  - The model maps each piece to ids on its own.
bool HfTokenizer::is_clean_split(std::string_view text, size_t pos) const {
  if (pos == 0 || pos >= text.size()) return false;
  if (!(text[pos] == ' ' ? space_cut_ : text[pos] == '\n' ? newline_cut_ : false)) return false;
  const char32_t c = code_point_before(text, pos);
  if (!(char_class(c) & (kLetter | kNumber))) return false;
  return !normalizer_ || normalizer_->keeps_cut_before_space(c);
}

uint64_t HfTokenizer::count(std::string_view text) const {
  CountSink sink;
  run(text, sink);
  return sink.n;
}

std::vector<uint32_t> HfTokenizer::encode(std::string_view text) const {
  EncodeSink sink;
  run(text, sink);
  return std::move(sink.ids);
}

}  // namespace epubtok::tokenizers::hf
