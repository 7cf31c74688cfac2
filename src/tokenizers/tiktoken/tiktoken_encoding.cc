#include "tokenizers/tiktoken/tiktoken_encoding.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstring>

#include "core/compiled_file.h"
#include "core/data_dir.h"
#include "tokenizers/bpe/bpe.h"
#include "tokenizers/pretok/ascii_piece.h"
#include "tokenizers/tiktoken/nfkc.h"

namespace epubtok::tokenizers::tiktoken {
namespace {

// Standard base64 with padding, as the vocab files use. False on bad input.
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out.clear();
  if (in.size() % 4 != 0 || in.empty()) return false;
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = value(c)) < 0) {
        return false;
      }
    }
    const uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(bits >> 16);
    if (pad < 2) out += static_cast<char>((bits >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(bits & 0xFF);
  }
  return true;
}

// Parses the "bpe_ranks" text: lines "! <first_rank> <b64> <b64> …" whose
// tokens take consecutive ranks from first_rank (the compact form of the
// npm tiktoken encoders), or the plain .tiktoken form "<b64> <rank>" per
// line. Returns an error message, empty on success.
std::string parse_bpe_ranks(std::string_view text, std::vector<std::pair<std::string, bpe::Rank>>& tokens) {
  const bool compact = !text.empty() && text[0] == '!';
  size_t line_no = 0;
  std::string bytes;
  while (!text.empty()) {
    ++line_no;
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string_view> fields;
    fields.reserve(std::count(line.begin(), line.end(), ' ') + 1);
    for (size_t start = 0; start <= line.size();) {
      size_t sp = line.find(' ', start);
      if (sp == std::string_view::npos) sp = line.size();
      fields.push_back(line.substr(start, sp - start));
      start = sp + 1;
    }
    auto parse_rank = [](std::string_view s, uint64_t& r) {
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), r);
      return ec == std::errc() && ptr == s.data() + s.size() && r < bpe::kNoRank;
    };
    uint64_t rank = 0;
    if (compact) {
      if (fields.size() < 2 || fields[0] != "!" || !parse_rank(fields[1], rank)) {
        return "bpe_ranks line " + std::to_string(line_no) + " does not start with '! <rank>'";
      }
      tokens.reserve(tokens.size() + fields.size() - 2);  // o200k: 200k tokens on one line
      for (size_t k = 2; k < fields.size(); ++k, ++rank) {
        if (!decode_base64(fields[k], bytes) || rank >= bpe::kNoRank) {
          return "bpe_ranks line " + std::to_string(line_no) + " token " + std::to_string(k - 1) + " is not base64";
        }
        tokens.emplace_back(bytes, static_cast<bpe::Rank>(rank));
      }
    } else {
      if (fields.size() != 2 || !decode_base64(fields[0], bytes) || !parse_rank(fields[1], rank)) {
        return "bpe_ranks line " + std::to_string(line_no) + " is not '<base64> <rank>'";
      }
      tokens.emplace_back(bytes, static_cast<bpe::Rank>(rank));
    }
  }
  return {};
}

Status corrupt(const std::string& source, const std::string& what) {
  return Status(ErrorCode::kVocabCorrupt,
                "vocabulary file " + source + " is damaged (" + what + "); " + kFetchVocabHint);
}

// The sections of a compiled tiktoken file (compiled::Kind::kTiktoken).
enum : uint32_t {
  kConfigSection = 1,       // JSON {"pat_str", "special_tokens"}, as in the source
  kRankSections = 16,       // bpe::RankTable::kSections from here
  kSplitSections = 32,      // bpe::SplitFilter::kSections from here
  kPairSections = 48,       // bpe::PairTable::kSections from here
  kWhitespaceSections = 64  // bpe::WhitespaceCuts::kSections from here
};

}  // namespace

Status TiktokenEncoding::configure(const boost::json::object& obj, const std::string& source) {
  const auto* pat = obj.if_contains("pat_str");
  const auto* specials = obj.if_contains("special_tokens");
  if (!pat || !pat->is_string()) return corrupt(source, "no string \"pat_str\"");
  if (specials && !specials->is_object()) return corrupt(source, "\"special_tokens\" is not an object");
  if (specials) {
    for (const auto& [key, value] : specials->as_object()) {
      if (!value.is_int64() || value.as_int64() < 0 || value.as_int64() >= bpe::kNoRank) {
        return corrupt(source, "special token " + std::string(key) + " has no valid id");
      }
      specials_.emplace_back(std::string(key), static_cast<uint32_t>(value.as_int64()));
    }
    // Longest first: at one position the longest special wins (the
    // references' token sets never have one special prefixing another).
    std::sort(specials_.begin(), specials_.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (const auto& [str, id] : specials_) {
      if (str.empty()) return corrupt(source, "empty special token");
      if (special_first_bytes_.find(str[0]) == std::string::npos) special_first_bytes_ += str[0];
    }
  }
  pat_str_ = pat->as_string();
  if (!options_.force_regex) family_ = pretok::recognize_pattern(pat_str_);
  if (!family_) {
    auto re = pretok::RegexPretokenizer::compile(pat_str_);
    if (!re) return corrupt(source, "pat_str: " + re.status().message());
    regex_ = *re;
  }
  return Status::ok();
}

Result<std::shared_ptr<const TiktokenEncoding>> TiktokenEncoding::from_json(std::string_view json, TokenizerInfo info,
                                                                            EncodingOptions options,
                                                                            const std::string& source) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object()) return corrupt(source, "not a JSON object");
  const boost::json::object& obj = doc.as_object();
  const auto* ranks = obj.if_contains("bpe_ranks");
  if (!ranks || !ranks->is_string()) return corrupt(source, "no string \"bpe_ranks\"");

  std::shared_ptr<TiktokenEncoding> enc(new TiktokenEncoding());
  enc->info_ = std::move(info);
  enc->options_ = options;
  enc->cache_owner_ = PieceCache::new_owner();

  std::vector<std::pair<std::string, bpe::Rank>> tokens;
  if (std::string err = parse_bpe_ranks(ranks->as_string(), tokens); !err.empty()) return corrupt(source, err);
  if (options.expected_ranks != 0 && tokens.size() != options.expected_ranks) {
    return corrupt(source, "expected " + std::to_string(options.expected_ranks) + " ranks, found " +
                               std::to_string(tokens.size()));
  }
  // BPE needs every single byte to be a token.
  {
    std::vector<bool> seen(256, false);
    for (const auto& [bytes, rank] : tokens) {
      if (bytes.size() == 1) seen[static_cast<unsigned char>(bytes[0])] = true;
    }
    for (int b = 0; b < 256; ++b) {
      if (!seen[b]) return corrupt(source, "byte " + std::to_string(b) + " has no token");
    }
  }
  enc->ranks_ = bpe::RankTable(tokens);
  if (enc->ranks_.size() != tokens.size()) return corrupt(source, "duplicate tokens");
  enc->split_ = bpe::SplitFilter(tokens);
  enc->pairs_ = bpe::PairTable(enc->ranks_);  // one BPE per token: after the cheap checks
  if (!enc->pairs_.usable()) {
    return corrupt(source, "ranks above " + std::to_string(bpe::PairTable::kMaxRank) + " are not supported");
  }
  enc->whitespace_ = bpe::WhitespaceCuts(enc->ranks_);
  if (Status st = enc->configure(obj, source); !st) return st;
  return std::shared_ptr<const TiktokenEncoding>(std::move(enc));
}

std::shared_ptr<const TiktokenEncoding> TiktokenEncoding::from_compiled(const compiled::Reader& in, TokenizerInfo info,
                                                                        EncodingOptions options,
                                                                        const std::string& source) {
  const auto config = in.section(kConfigSection);
  if (!config) return nullptr;
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(*config, ec);
  if (ec || !doc.is_object()) return nullptr;
  std::shared_ptr<TiktokenEncoding> enc(new TiktokenEncoding());
  enc->info_ = std::move(info);
  enc->options_ = options;
  enc->cache_owner_ = PieceCache::new_owner();
  if (!bpe::RankTable::from_sections(in, kRankSections, enc->ranks_) ||
      !bpe::SplitFilter::from_sections(in, kSplitSections, enc->split_) ||
      !bpe::PairTable::from_sections(in, kPairSections, enc->pairs_) ||
      !bpe::WhitespaceCuts::from_sections(in, kWhitespaceSections, enc->whitespace_)) {
    return nullptr;
  }
  // The source's rank count is checked as from_json checks it, so a
  // compiled file never hides a vocabulary the provider would refuse.
  if (options.expected_ranks != 0 && enc->ranks_.size() != options.expected_ranks) return nullptr;
  if (!enc->pairs_.usable()) return nullptr;
  if (!enc->configure(doc.as_object(), source)) return nullptr;
  enc->compiled_ = true;
  return enc;
}

std::string TiktokenEncoding::write_compiled(const std::filesystem::path& out, const compiled::SourceStamp& source,
                                             const compiled::FileIdentity& identity) const {
  boost::json::object config;
  config["pat_str"] = pat_str_;
  boost::json::object specials;
  for (const auto& [str, id] : specials_) specials[str] = id;
  config["special_tokens"] = std::move(specials);
  compiled::Writer w;
  w.add(kConfigSection, boost::json::serialize(config));
  ranks_.write_sections(w, kRankSections);
  split_.write_sections(w, kSplitSections);
  pairs_.write_sections(w, kPairSections);
  whitespace_.write_sections(w, kWhitespaceSections);
  return w.write(out, compiled::Kind::kTiktoken, source, identity);
}

std::filesystem::path TiktokenEncoding::compiled_path(const std::filesystem::path& source) {
  std::filesystem::path p = source;
  p += compiled::kFileSuffix;
  return p;
}

Result<std::shared_ptr<const TiktokenEncoding>> TiktokenEncoding::load_file(const std::filesystem::path& path,
                                                                            TokenizerInfo info,
                                                                            EncodingOptions options) {
  std::string error;
  const auto identity = compiled::identity_of(path, error);
  if (!identity) {
    if (error == "missing") {
      return Status(ErrorCode::kVocabMissing,
                    "vocabulary file " + path.string() + " is not installed; " + kFetchVocabHint);
    }
    return corrupt(path.string(), error);
  }
  std::shared_ptr<const compiled::MappedFile> source;  // mapped when needed
  auto map_source = [&] {
    if (!source) source = compiled::MappedFile::open(path, error);
    return source != nullptr;
  };
  if (options.use_compiled && compiled::enabled()) {
    const std::filesystem::path cpath = compiled_path(path);
    auto stamp = [&] { return map_source() ? compiled::stamp_of(source->bytes()) : compiled::SourceStamp{}; };
    std::string why;
    if (auto reader = compiled::Reader::open(cpath, compiled::Kind::kTiktoken, *identity, stamp, why)) {
      if (auto enc = from_compiled(*reader, info, options, path.string())) return enc;
      why = "its tables do not fit this epubtok";
    }
    compiled::report_fallback(cpath, why);
  }
  if (!map_source()) return corrupt(path.string(), error);
  return from_json(source->bytes(), std::move(info), options, path.string());
}

std::string TiktokenEncoding::compile_file(const std::filesystem::path& source, const std::filesystem::path& out) {
  std::string error;
  // Identity first: a source rewritten while compiling then no longer
  // matches it, and gets hashed at load.
  const auto identity = compiled::identity_of(source, error);
  auto bytes = identity ? compiled::MappedFile::open(source, error) : nullptr;
  if (!bytes) return source.string() + ": " + error;
  auto enc = from_json(bytes->bytes(), {}, {}, source.string());
  if (!enc) return enc.status().message();
  return (*enc)->write_compiled(out, compiled::stamp_of(bytes->bytes()), *identity);
}

template <typename F>
void TiktokenEncoding::for_each_piece(std::string_view text, F&& f) const {
  if (family_) {
    pretok::for_each_piece(*family_, text, f);
    return;
  }
  for (const auto& [begin, end] : regex_->split(text)) f(text.substr(begin, end - begin));
}

template <typename Ordinary, typename Special>
void TiktokenEncoding::split_special(std::string_view text, Ordinary&& ordinary, Special&& special) const {
  if (!options_.allow_special || specials_.empty()) {
    ordinary(text);
    return;
  }
  size_t segment = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // Jump to the next byte that can start a special token (all of
    // Claude's start with '<', so this is one memchr).
    pos = special_first_bytes_.size() == 1 ? text.find(special_first_bytes_[0], pos)
                                           : text.find_first_of(special_first_bytes_, pos);
    if (pos == std::string_view::npos) break;
    bool matched = false;
    for (const auto& [str, id] : specials_) {
      if (text.compare(pos, str.size(), str) == 0) {
        if (pos > segment) ordinary(text.substr(segment, pos - segment));
        special(id);
        pos += str.size();
        segment = pos;
        matched = true;
        break;
      }
    }
    if (!matched) ++pos;
  }
  if (segment < text.size()) ordinary(text.substr(segment));
}

// Inline (only used in this file) so the front's hit path costs no call:
// CJK chunks are mostly 1-2 characters and reach here one by one.
inline uint64_t TiktokenEncoding::count_piece_cached(std::string_view piece, size_t readable, PieceCache& cache) const {
  if (piece.size() <= PieceCache::kMaxFrontKey) {
    const PieceCache::FrontKey key =
        readable >= 16 ? PieceCache::front_key16(piece.data(), piece.size()) : PieceCache::front_key(piece);
    PieceCache::FrontEntry& front = cache.front_slot(key);
    if (PieceCache::front_hit(front, key)) return front.n;
    return count_front_miss(piece, readable, key, front, cache);
  }
  return count_long_cached(piece, readable, cache);
}

__attribute__((noinline)) uint32_t TiktokenEncoding::count_front_miss(std::string_view piece, size_t readable,
                                                                      const PieceCache::FrontKey& key,
                                                                      PieceCache::FrontEntry& front,
                                                                      PieceCache& cache) const {
  const uint32_t n = cache.long_count(PieceCache::long_key(key), [&] { return count_uncached(piece, readable); });
  PieceCache::front_fill_count(front, key, n);
  return n;
}

uint32_t TiktokenEncoding::count_uncached(std::string_view piece, size_t readable) const {
  // Single-token pieces are cached too: their rank lookup is a likely miss
  // in the big table.
  if (ranks_.find_in_buffer(reinterpret_cast<const unsigned char*>(piece.data()), piece.size(), readable) !=
      bpe::kNoRank) {
    return 1;
  }
  return static_cast<uint32_t>(bpe::count_merged(pairs_, piece));
}

__attribute__((noinline)) uint64_t TiktokenEncoding::count_long_cached(std::string_view piece, size_t readable,
                                                                       PieceCache& cache) const {
  auto count = [&] { return count_uncached(piece, readable); };
  if (piece.size() > PieceCache::kMaxBigKey) return count();
  if (piece.size() > PieceCache::kMaxLongKey) return cache.big_count(piece, count);
  return cache.long_count(
      PieceCache::long_key(reinterpret_cast<const unsigned char*>(piece.data()), piece.size(), readable), count);
}

// Whether the caches take the piece [p, p + len) whole rather than cut at
// exact split points first: short pieces, pieces of up to kMaxLongKey bytes
// ending in ASCII, and front-sized ones ending in a two-byte character
// (Cyrillic, Greek, Arabic words). Longer runs of non-ASCII letters (CJK
// clauses, Thai and Indic runs, long words) are cut, as their chunks
// repeat far more often than the runs do.
inline bool cached_whole(const unsigned char* p, size_t len) {
  return len <= 8 || (len <= PieceCache::kMaxLongKey && p[len - 1] < 0x80) ||
         (len <= PieceCache::kMaxFrontKey && p[len - 2] >= 0xC0);
}

uint64_t TiktokenEncoding::count_piece_any(std::string_view piece, size_t readable, PieceCache& cache) const {
  // Long white-space pieces (blank indented lines) are cut where no
  // white-space token spans: the chunks repeat and hit the caches.
  if (piece.size() > PieceCache::kMaxLongKey && bpe::WhitespaceCuts::applies(piece)) {
    uint64_t total = 0;
    whitespace_.for_each_chunk(piece, [&](std::string_view chunk) {
      const size_t chunk_readable = readable - static_cast<size_t>(chunk.data() - piece.data());
      if (chunk.size() <= PieceCache::kMaxBigKey || chunk.size() > PieceCache::kMaxHugeKey) {
        total += count_piece_cached(chunk, chunk_readable, cache);
        return;
      }
      int64_t n = cache.find_huge(chunk);
      if (n < 0) {
        n = static_cast<int64_t>(count_piece_cached(chunk, chunk_readable, cache));
        cache.store_huge(chunk, static_cast<uint32_t>(n));
      }
      total += static_cast<uint64_t>(n);
    });
    return total;
  }
  if (cached_whole(reinterpret_cast<const unsigned char*>(piece.data()), piece.size())) {
    return count_piece_cached(piece, readable, cache);
  }
  // Long piece (CJK clause, run without spaces): cut it at the positions
  // no token can span (split_filter.h) and count the chunks, which are
  // short and repeat, so they mostly hit the whole-token lookup or cache.
  // No whole-piece lookup first: a piece with a split point cannot be one
  // token, and one without reaches count_piece_cached() whole, which looks
  // it up (that lookup misses the CPU caches for nearly every Chinese
  // clause).
  uint64_t total = 0;
  size_t chunk = 0;
  for (size_t b = 1; b < piece.size(); ++b) {
    if ((static_cast<unsigned char>(piece[b]) & 0xC0) == 0x80) continue;  // split only at code point starts
    if (!split_.can_split(piece, b)) continue;
    total += count_piece_cached(piece.substr(chunk, b - chunk), readable - chunk, cache);
    chunk = b;
  }
  total += count_piece_cached(piece.substr(chunk), readable - chunk, cache);
  return total;
}

template <pretok::PatternFamily kFamily>
uint64_t TiktokenEncoding::count_scanned(std::string_view text) const {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  PieceCache& cache = PieceCache::of(cache_owner_);  // once per call
  uint64_t total = 0;
  size_t pos = 0;
  while (pos < n) {
    size_t end = pretok::detail::ascii_piece_end<kFamily>(s, n, pos);
    if (end == 0) {
      if constexpr (kFamily == pretok::PatternFamily::kCl100k) {
        end = pretok::detail::cl100k_end(text, pos);
      } else if constexpr (kFamily == pretok::PatternFamily::kO200k) {
        end = pretok::detail::o200k_end(text, pos);
      } else {
        end = pretok::detail::gpt2_end(text, pos);
      }
    }
    const size_t len = end - pos;
    const bool whole = cached_whole(s + pos, len);
    if (len <= PieceCache::kMaxFrontKey && n - pos >= 16 && whole) {
      // The hot path, inline: two masked loads and one front slot (a call
      // of count_piece_cached here would cost its prologue and epilogue on
      // every piece).
      const PieceCache::FrontKey key = PieceCache::front_key16(text.data() + pos, len);
      PieceCache::FrontEntry& front = cache.front_slot(key);
      total += __builtin_expect(PieceCache::front_hit(front, key), 1)
                   ? front.n
                   : count_front_miss(std::string_view(text.data() + pos, len), n - pos, key, front, cache);
    } else if (whole) {
      total += count_piece_cached(std::string_view(text.data() + pos, len), n - pos, cache);
    } else {
      total += count_piece_any(std::string_view(text.data() + pos, len), n - pos, cache);
    }
    pos = end;
  }
  return total;
}

uint64_t TiktokenEncoding::count_ordinary(std::string_view text) const {
  if (family_) {
    switch (*family_) {
      case pretok::PatternFamily::kCl100k: return count_scanned<pretok::PatternFamily::kCl100k>(text);
      case pretok::PatternFamily::kO200k: return count_scanned<pretok::PatternFamily::kO200k>(text);
      case pretok::PatternFamily::kGpt2: return count_scanned<pretok::PatternFamily::kGpt2>(text);
    }
  }
  uint64_t total = 0;
  const char* text_end = text.data() + text.size();
  PieceCache& cache = PieceCache::of(cache_owner_);
  for_each_piece(text, [&](std::string_view piece) {
    total += count_piece_any(piece, static_cast<size_t>(text_end - piece.data()), cache);
  });
  return total;
}

std::vector<uint32_t> TiktokenEncoding::encode_ordinary(std::string_view text) const {
  std::vector<uint32_t> ids;
  for_each_piece(text, [&](std::string_view piece) { bpe::encode_piece(ranks_, pairs_, piece, ids); });
  return ids;
}

uint64_t TiktokenEncoding::count(std::string_view text) const {
  std::string normalized;
  if (options_.nfkc && nfkc_if_needed(text, normalized)) text = normalized;
  uint64_t total = 0;
  split_special(
      text, [&](std::string_view segment) { total += count_ordinary(segment); }, [&](uint32_t) { ++total; });
  return total;
}

std::vector<uint32_t> TiktokenEncoding::encode(std::string_view text) const {
  std::string normalized;
  if (options_.nfkc && nfkc_if_needed(text, normalized)) text = normalized;
  std::vector<uint32_t> ids;
  split_special(
      text,
      [&](std::string_view segment) {
        for_each_piece(segment, [&](std::string_view piece) { bpe::encode_piece(ranks_, pairs_, piece, ids); });
      },
      [&](uint32_t id) { ids.push_back(id); });
  return ids;
}

std::string_view TiktokenEncoding::token_bytes(uint32_t id) const {
  std::string_view b = ranks_.bytes_of(id);
  if (!b.empty()) return b;
  for (const auto& [str, sid] : specials_) {
    if (sid == id) return str;
  }
  return {};
}

}  // namespace epubtok::tokenizers::tiktoken
