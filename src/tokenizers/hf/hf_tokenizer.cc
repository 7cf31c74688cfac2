#include "tokenizers/hf/hf_tokenizer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/compiled_file.h"
#include "tokenizers/hf/added_tokens.h"
#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/normalizers.h"
#include "tokenizers/hf/pre_tokenizers.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/scanners.h"
#include "tokenizers/hf/string_map.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;

// Per-thread piece → ids memo. Book text repeats the same words endlessly,
// so most pieces are answered here without running the model.
//
// Two levels. The front is a small direct-mapped table of pieces of at most
// 16 bytes, keyed by their bytes packed into two words, holding the token
// count (and the id when there is one): it stays in L2 and needs no key
// comparison through a pointer. The back is an open-addressing map of every
// piece up to kMaxKey bytes seen so far with all its ids. Measured on
// llama-3 (4 MB of book text, ~10k distinct pieces): the back map alone
// spent a third of its time waiting for the slot's cache line.
class PieceCache {
 public:
  static constexpr size_t kMaxKey = 128;
  static constexpr size_t kMaxFrontKey = 16;

  // A piece of at most kMaxFrontKey bytes as the front compares it: its
  // bytes zero-padded to two words, plus the length (a piece may hold NUL
  // bytes).
  struct FrontKey {
    uint64_t w0, w1;
    uint32_t len;
  };
  // The key of [p, p + n), n <= kMaxFrontKey, when at least 16 bytes may be
  // read from p: two loads masked to n bytes. Branch-free: piece lengths
  // alternate unpredictably, and the earlier length-dependent packing
  // mispredicted on about every other piece.
  static FrontKey front_key16(const char* p, size_t n) {
    // kLengthMask + 16 - n: n bytes of 0xFF, then zeros.
    alignas(32) static constexpr unsigned char kLengthMask[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint64_t a, b, ma, mb;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&ma, kLengthMask + 16 - n, 8);
    std::memcpy(&mb, kLengthMask + 24 - n, 8);
    return FrontKey{a & ma, b & mb, uint32_t(n)};
  }
  // The same key when no byte past the piece may be read (n <= 16).
  // Overlapping loads, shifted so that no byte appears twice.
  static FrontKey front_key(std::string_view piece) {
    const char* d = piece.data();
    const size_t n = piece.size();
    FrontKey k{0, 0, uint32_t(n)};
    if (n >= 8) {
      std::memcpy(&k.w0, d, 8);
      if (n > 8) {
        std::memcpy(&k.w1, d + n - 8, 8);
        k.w1 >>= 8 * (16 - n);
      }
    } else if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, d, 4);
      std::memcpy(&hi, d + n - 4, 4);
      k.w0 = lo | ((uint64_t(hi) >> (8 * (8 - n))) << 32);
    } else if (n > 0) {
      const uint64_t w = uint64_t(static_cast<unsigned char>(d[0])) |
                         (uint64_t(static_cast<unsigned char>(d[n / 2])) << 8) |
                         (uint64_t(static_cast<unsigned char>(d[n - 1])) << 16);
      k.w0 = w & ((uint64_t(1) << (8 * n)) - 1);
    }
    return k;
  }

  // The front entry for `k`: hit when its key equals k.
  struct FrontEntry {
    uint64_t w0 = 0, w1 = 0;
    uint32_t len = 0;  // 0: empty (empty pieces never reach the cache)
    uint32_t n = 0;    // token count
    uint32_t id = 0;   // the id when n == 1
    uint32_t pad = 0;
  };
  FrontEntry& front_slot(const FrontKey& k) {
    // One multiply; its top bits pick the slot (a collision only costs a
    // miss: the whole key is compared).
    const uint64_t h = (k.w0 ^ ((k.w1 << 29) | (k.w1 >> 35)) ^ k.len) * 0x9E3779B97F4A7C15ULL;
    return front_[h >> (64 - kFrontBits)];
  }
  static bool front_hit(const FrontEntry& e, const FrontKey& k) {
    return ((e.w0 ^ k.w0) | (e.w1 ^ k.w1) | (e.len ^ k.len)) == 0;
  }
  static void front_fill(FrontEntry& e, const FrontKey& k, const uint32_t* ids, uint32_t n) {
    e.w0 = k.w0;
    e.w1 = k.w1;
    e.len = k.len;
    e.n = n;
    e.id = n == 1 ? ids[0] : 0;
  }

  // Inline compare: most pieces are a few bytes, where a libc call costs
  // more than the comparison (measured: memcmp was 5% of counting time).
  static bool same_bytes(const char* a, const char* b, size_t n) {
    while (n >= 8) {
      uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
      a += 8;
      b += 8;
      n -= 8;
    }
    while (n--) {
      if (*a++ != *b++) return false;
    }
    return true;
  }

  bool find(std::string_view key, uint64_t h, const uint32_t** ids, uint32_t* n) const {
    if (slots_.empty()) return false;
    size_t i = h & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return false;
      if (s.hash == h && s.key_len == key.size() && same_bytes(keys_.data() + s.key_off, key.data(), key.size())) {
        *ids = ids_.data() + s.ids_off;
        *n = s.ids_len;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }

  void insert(std::string_view key, uint64_t h, const uint32_t* ids, size_t n) {
    if (count_ + 1 > slots_.size() / 2) {
      if (slots_.size() >= (size_t(1) << 20)) {
        clear();  // bounded memory: start over rather than grow without end
      }
      grow();
    }
    size_t i = h & mask_;
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, uint32_t(keys_.size()), uint32_t(key.size()), uint32_t(ids_.size()), uint32_t(n)};
    keys_.append(key);
    ids_.insert(ids_.end(), ids, ids + n);
    ++count_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0, key_len = 0, ids_off = 0, ids_len = 0;
  };
  void clear() {
    slots_.clear();
    keys_.clear();
    ids_.clear();
    count_ = 0;
  }
  void grow() { mask_ = rehash_slots(slots_, slots_.empty() ? (size_t(1) << 14) : slots_.size() * 2); }
  static constexpr unsigned kFrontBits = 14;
  static constexpr size_t kFrontSize = size_t(1) << kFrontBits;  // 512 KB
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::string keys_;
  std::vector<uint32_t> ids_;
  std::vector<FrontEntry> front_ = std::vector<FrontEntry>(kFrontSize);
};

namespace {

PieceCache& cache_for(uint64_t serial) {
  thread_local std::unordered_map<uint64_t, std::unique_ptr<PieceCache>> caches;
  thread_local uint64_t last_serial = 0;
  thread_local PieceCache* last = nullptr;
  if (last && last_serial == serial) return *last;
  auto& slot = caches[serial];
  if (!slot) slot = std::make_unique<PieceCache>();
  last_serial = serial;
  last = slot.get();
  return *slot;
}

std::atomic<uint64_t> g_serial{1};

uint64_t post_processor_overhead(const json::value& v, const std::string& path) {
  if (v.is_null()) return 0;
  const json::object& o = need_object(v, path);
  std::string_view type = get_type(o, path);
  if (type == "ByteLevel") return 0;
  if (type == "BertProcessing" || type == "RobertaProcessing") return 2;
  if (type == "TemplateProcessing") {
    const json::value* single = o.if_contains("single");
    if (!single) fail_at(path, "missing \"single\"");
    const json::array& items = need_array(*single, path + ".single");
    const json::object* specials = nullptr;
    if (const json::value* st = o.if_contains("special_tokens")) specials = &need_object(*st, path + ".special_tokens");
    uint64_t n = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      std::string ipath = path + ".single[" + std::to_string(i) + "]";
      const json::object& item = need_object(items[i], ipath);
      const json::value* sp = item.if_contains("SpecialToken");
      if (!sp) continue;
      std::string name = get_string(need_object(*sp, ipath + ".SpecialToken"), "id", ipath + ".SpecialToken");
      const json::value* def = specials ? specials->if_contains(name) : nullptr;
      if (!def) fail_at(ipath, "special token \"" + name + "\" is not in special_tokens");
      const json::value* ids = need_object(*def, path + ".special_tokens." + name).if_contains("ids");
      n += ids ? need_array(*ids, path + ".special_tokens." + name + ".ids").size() : 1;
    }
    return n;
  }
  if (type == "Sequence") {
    const json::value* list = o.if_contains("processors");
    if (!list) fail_at(path, "missing \"processors\"");
    const json::array& arr = need_array(*list, path + ".processors");
    uint64_t n = 0;
    for (size_t i = 0; i < arr.size(); ++i)
      n += post_processor_overhead(arr[i], path + ".processors[" + std::to_string(i) + "]");
    return n;
  }
  fail_unsupported(path + ".type", "post-processor", type);
}

std::string line_col(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (byte " + std::to_string(offset) + ")";
}

// The sections of a compiled file holding the added tokens (the
// configuration JSON then has an empty "added_tokens").
constexpr uint32_t kAddedTokenSection = 2;  // AddedTokenRecord records
constexpr uint32_t kAddedTextSection = 3;   // their contents, concatenated

struct AddedTokenRecord {
  uint32_t id;
  uint32_t offset;  // of the content in the text section
  uint32_t length;
  uint8_t special, single_word, lstrip, rstrip, normalized;
  uint8_t pad[3];
};
static_assert(sizeof(AddedTokenRecord) == 20);

// The "added_tokens" of tokenizer.json, validated, without empty contents
// (which never match).
std::vector<AddedToken> declared_added_tokens(const json::object& o) {
  std::vector<AddedToken> tokens;
  const json::value* at = o.if_contains("added_tokens");
  if (!at || at->is_null()) return tokens;
  const json::array& arr = need_array(*at, "$.added_tokens");
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string ipath = "$.added_tokens[" + std::to_string(i) + "]";
    const json::object& a = need_object(arr[i], ipath);
    AddedToken tok;
    int64_t id = get_int(a, "id", ipath, -1);
    if (id < 0 || id > int64_t(UINT32_MAX)) fail_at(ipath + ".id", "missing or out of range");
    tok.id = uint32_t(id);
    tok.content = get_string(a, "content", ipath);
    tok.special = get_bool(a, "special", ipath, false);
    tok.single_word = get_bool(a, "single_word", ipath, false);
    tok.lstrip = get_bool(a, "lstrip", ipath, false);
    tok.rstrip = get_bool(a, "rstrip", ipath, false);
    tok.normalized = get_bool(a, "normalized", ipath, !tok.special);
    if (tok.content.empty()) continue;
    if (!is_valid_utf8(tok.content)) fail_at(ipath + ".content", "is not valid UTF-8");
    tokens.push_back(std::move(tok));
  }
  return tokens;
}

// declared_added_tokens() as written to a compiled file.
void write_added_tokens(const std::vector<AddedToken>& tokens, compiled::Writer& out) {
  std::vector<AddedTokenRecord> records;
  std::string text;
  for (const AddedToken& tok : tokens) {
    AddedTokenRecord r{};
    r.id = tok.id;
    r.offset = static_cast<uint32_t>(text.size());
    r.length = static_cast<uint32_t>(tok.content.size());
    r.special = tok.special;
    r.single_word = tok.single_word;
    r.lstrip = tok.lstrip;
    r.rstrip = tok.rstrip;
    r.normalized = tok.normalized;
    records.push_back(r);
    text += tok.content;
  }
  out.add_records(kAddedTokenSection, std::span<const AddedTokenRecord>(records));
  out.add(kAddedTextSection, text);
}

// The added tokens write_added_tokens() stored. Throws TablesDoNotFit when
// the sections are missing or out of range.
std::vector<AddedToken> added_tokens_from(const compiled::Reader& in) {
  const auto records = in.records<AddedTokenRecord>(kAddedTokenSection);
  const auto text = in.section(kAddedTextSection);
  if (!records || !text) throw TablesDoNotFit{};
  std::vector<AddedToken> tokens;
  tokens.reserve(records->size());
  for (const AddedTokenRecord& r : *records) {
    if (r.offset > text->size() || r.length > text->size() - r.offset) throw TablesDoNotFit{};
    AddedToken tok;
    tok.id = r.id;
    tok.content = std::string(text->substr(r.offset, r.length));
    tok.special = r.special != 0;
    tok.single_word = r.single_word != 0;
    tok.lstrip = r.lstrip != 0;
    tok.rstrip = r.rstrip != 0;
    tok.normalized = r.normalized != 0;
    tokens.push_back(std::move(tok));
  }
  return tokens;
}

}  // namespace

HfTokenizer::~HfTokenizer() = default;

Result<std::shared_ptr<const HfTokenizer>> HfTokenizer::from_json(std::string_view text, TokenizerInfo info,
                                                                  const HfLoadOptions& options) {
  return build(text, std::move(info), options, nullptr);
}

Result<std::shared_ptr<const HfTokenizer>> HfTokenizer::build(std::string_view text, TokenizerInfo info,
                                                              const HfLoadOptions& options,
                                                              const compiled::Reader* tables) {
  // The document lives only while the tokenizer is built, so it goes in a
  // monotonic arena: no per-node malloc, and no per-node free when `root`
  // dies (measured on gemma-3's 33 MB file: allocation and destruction of
  // ~1.5M nodes were 40% of the load time).
  json::monotonic_resource arena(text.size() * 2);
  json::stream_parser parser;
  parser.reset(&arena);  // the parsed value's storage (the constructor's is scratch)
  {
    boost::system::error_code ec;
    size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      return Status(ErrorCode::kTokenizerJson, (info.source.empty() ? std::string("tokenizer.json") : info.source) +
                                                   ": malformed JSON at " + line_col(text, used) + ": " + ec.message());
    }
  }
  // Constructed, not assigned: assignment across storages would deep-copy.
  const json::value root = parser.release();
  try {
    std::shared_ptr<HfTokenizer> t(new HfTokenizer());
    t->serial_ = g_serial.fetch_add(1);
    t->compiled_ = tables != nullptr;
    const json::object& o = need_object(root, "$");

    const json::value null_value;
    auto field = [&](const char* key) -> const json::value& {
      const json::value* v = o.if_contains(key);
      return v ? *v : null_value;
    };
    const json::value* model_v = o.if_contains("model");
    if (!model_v) fail_at("$", "missing \"model\"");

    // Byte-level BPE runs on raw bytes when ByteLevel ends the pre-tokenizer.
    bool is_bpe = model_v->is_object() && model_v->get_object().contains("merges");
    bool raw = options.raw_byte_level && is_bpe && ends_with_byte_level(field("pre_tokenizer"));

    t->normalizer_ = make_normalizer(field("normalizer"), "$.normalizer");
    PreTokenizerOptions popt;
    popt.raw_byte_level = raw;
    popt.use_scanners = options.use_scanners;
    t->pre_tokenizer_ = make_pre_tokenizer(field("pre_tokenizer"), "$.pre_tokenizer", popt);
    ModelOptions mopt;
    mopt.byte_level_input = raw;
    mopt.tables = tables;
    t->model_ = make_model(*model_v, "$.model", mopt);
    t->model_splits_ = t->model_->splits_for_cache();
    if (t->pre_tokenizer_ && t->pre_tokenizer_->views_only() && !t->pre_tokenizer_->isolating_chain(t->chain_)) {
      t->chain_.clear();
    }
    if (t->chain_.size() > 1 && (t->fused_ = make_fused_chain(t->chain_))) t->chain_ = {t->fused_.get()};
    // The covering scanners: their pieces go straight from run() to the
    // cache (scan_pieces); other chains stream through ChainFeed.
    if (t->chain_.size() == 1 && !t->model_splits_) {
      switch (t->chain_[0]->kind()) {
        case MatcherKind::kDeepSeekFused: t->fast_scan_ = FastScan::kDeepSeek; break;
        case MatcherKind::kLlama3:
        case MatcherKind::kQwen: t->fast_scan_ = FastScan::kGpt4; break;
        default: break;
      }
    }
    t->special_overhead_ = post_processor_overhead(field("post_processor"), "$.post_processor");

    // Added tokens.
    std::vector<std::string> raw_patterns, norm_patterns;
    std::vector<AddedToken> raw_tokens, norm_tokens;
    uint64_t extra = 0;
    for (AddedToken& tok : tables ? added_tokens_from(*tables) : declared_added_tokens(o)) {
      if (std::find(options.unmatched_added_tokens.begin(), options.unmatched_added_tokens.end(), tok.content) !=
          options.unmatched_added_tokens.end()) {
        continue;
      }
      if (!t->model_->token_to_id(tok.content)) ++extra;
      if (tok.normalized) {
        std::string pat = tok.content;
        if (t->normalizer_) t->normalizer_->normalize(pat);
        norm_patterns.push_back(std::move(pat));
        norm_tokens.push_back(std::move(tok));
      } else {
        raw_patterns.push_back(tok.content);
        raw_tokens.push_back(std::move(tok));
      }
    }
    // Clean splits (see is_clean_split): only for the pre-tokenizers whose
    // pieces are known to end at a letter or digit before ' ' / '\n', and
    // only at a cut character no added token contains (a token could then
    // straddle the cut), with no rstrip token (one ending in a letter would
    // swallow the space after it).
    if (t->pre_tokenizer_ && t->pre_tokenizer_->views_only() && t->chain_.size() == 1) {
      const MatcherKind kind = t->chain_[0]->kind();
      if (kind == MatcherKind::kLlama3 || kind == MatcherKind::kQwen || kind == MatcherKind::kDeepSeekFused) {
        t->space_cut_ = t->newline_cut_ = true;
        auto exclude = [&](const std::vector<AddedToken>& tokens, const std::vector<std::string>& patterns) {
          for (size_t k = 0; k < tokens.size(); ++k) {
            if (tokens[k].rstrip) t->space_cut_ = t->newline_cut_ = false;
            for (const std::string* text : {&tokens[k].content, &patterns[k]}) {
              if (text->find(' ') != std::string::npos) t->space_cut_ = false;
              if (text->find('\n') != std::string::npos) t->newline_cut_ = false;
            }
          }
        };
        exclude(raw_tokens, raw_patterns);
        exclude(norm_tokens, norm_patterns);
      }
    }
    t->raw_added_ = std::make_unique<AddedTokenMatcher>();
    t->raw_added_->build(std::move(raw_patterns), std::move(raw_tokens));
    t->normalized_added_ = std::make_unique<AddedTokenMatcher>();
    t->normalized_added_->build(std::move(norm_patterns), std::move(norm_tokens));

    info.type = t->model_->type();
    info.vocab_size = t->model_->vocab_size() + extra;
    t->info_ = std::move(info);
    return std::shared_ptr<const HfTokenizer>(std::move(t));
  } catch (const LoadError& e) {
    std::string where = info.source.empty() ? std::string("tokenizer.json") : info.source;
    return Status(e.code, where + ": " + e.message);
  } catch (const TablesDoNotFit&) {
    return Status(ErrorCode::kTokenizerJson, "compiled tables do not fit the model");
  } catch (const std::exception& e) {
    return Status(ErrorCode::kTokenizerJson,
                  (info.source.empty() ? std::string("tokenizer.json") : info.source) + ": " + e.what());
  }
}

Result<std::shared_ptr<const HfTokenizer>> HfTokenizer::from_file(const std::filesystem::path& path, TokenizerInfo info,
                                                                  const HfLoadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(ErrorCode::kFileNotFound, "tokenizer file " + path.string() + " does not exist");
  }
  if (info.source.empty()) info.source = path.string();
  std::string error;
  const auto identity = compiled::identity_of(path, error);
  if (!identity) return Status(ErrorCode::kFileUnreadable, "cannot read " + path.string() + ": " + error);
  // Mapped, not read into a string: a 33 MB file (gemma-3) would otherwise
  // be zero-filled, then copied, page-faulting twice over its size. Only
  // when needed: a current compiled file is used without reading it.
  std::shared_ptr<const compiled::MappedFile> source;
  auto map_source = [&] {
    if (!source) source = compiled::MappedFile::open(path, error);
    return source != nullptr;
  };
  // The compiled form holds tables built with the default byte-level
  // setting; the differential tests' literal pipeline parses the source.
  if (options.raw_byte_level && options.use_compiled && compiled::enabled()) {
    const std::filesystem::path cpath = compiled_path(path);
    auto stamp = [&] { return map_source() ? compiled::stamp_of(source->bytes()) : compiled::SourceStamp{}; };
    std::string why;
    if (auto reader = compiled::Reader::open(cpath, compiled::Kind::kHfBpe, *identity, stamp, why)) {
      if (auto config = reader->section(kConfigSection)) {
        auto t = build(*config, info, options, reader.get());
        if (t) return t;
      }
      why = "its tables do not fit this epubtok";
    }
    compiled::report_fallback(cpath, why);
  }
  if (!map_source()) return Status(ErrorCode::kFileUnreadable, "cannot read " + path.string() + ": " + error);
  return from_json(source->bytes(), std::move(info), options);
}

std::filesystem::path HfTokenizer::compiled_path(const std::filesystem::path& source) {
  std::filesystem::path p = source;
  p += compiled::kFileSuffix;
  return p;
}

std::string HfTokenizer::compile_file(const std::filesystem::path& source, const std::filesystem::path& out) {
  std::string error;
  // Identity first, as in TiktokenEncoding::compile_file.
  const auto identity = compiled::identity_of(source, error);
  auto bytes = identity ? compiled::MappedFile::open(source, error) : nullptr;
  if (!bytes) return source.string() + ": " + error;
  TokenizerInfo info;
  info.source = source.string();
  auto t = from_json(bytes->bytes(), info, {});
  if (!t) return t.status().message();
  compiled::Writer w;
  if (!(*t)->model_->write_tables(w)) return source.string() + ": only BPE models have a compiled form";
  // The configuration is the source itself without the model's vocabulary,
  // merges and the added tokens, which the sections replace.
  boost::system::error_code ec;
  json::value doc = json::parse(bytes->bytes(), ec);
  if (ec || !doc.is_object() || !doc.as_object().contains("model") || !doc.at("model").is_object()) {
    return source.string() + ": not a tokenizer.json object";
  }
  json::object& model = doc.at("model").as_object();
  model["vocab"] = json::object();
  model["merges"] = json::array();
  try {
    write_added_tokens(declared_added_tokens(doc.as_object()), w);
  } catch (const LoadError& e) {
    return source.string() + ": " + e.message;
  }
  doc.as_object()["added_tokens"] = json::array();
  w.add(kConfigSection, json::serialize(doc));
  return w.write(out, compiled::Kind::kHfBpe, compiled::stamp_of(bytes->bytes()), *identity);
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
// scanners' loops; the rest is out of line (measured: the thread-local
// scratch vector's guard and the back map's code around every hit cost
// ~10% of counting time).
template <typename Sink>
__attribute__((always_inline)) inline void HfTokenizer::cached_piece(const char* p, size_t n, size_t readable,
                                                                     PieceCache& cache, Sink& sink) const {
  const PieceCache::FrontEntry* front = front_lookup(p, n, readable, cache);
  // Counting needs only the number of ids; encoding needs the id itself.
  if (front && (Sink::kCountOnly || front->n == 1)) {
    sink(&front->id, front->n);
    return;
  }
  cached_part_slow(std::string_view(p, n), cache, sink);
}

// The pieces of `segment` from one of the hand-written scanners, each
// looked up as the scanner finds it: no vector of spans and no virtual
// call in between (measured: collecting the spans first and walking them
// cost ~5 instructions per byte).
//
// Flattened, and out of line: one function per scanner with everything on
// its hot path inlined (GCC otherwise outlined the SSE2 letter run, or the
// scanner's own fast path, depending on what else run_segment held).
template <typename Scanner, typename Sink>
__attribute__((flatten, noinline)) void HfTokenizer::scan_pieces(const Scanner& scanner, std::string_view segment,
                                                                 Sink& sink) const {
  PieceCache& cache = cache_for(serial_);
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
        local.n += count_part_slow<Sink>(std::string_view(p + b, e - b), cache);
      }
    });
    sink(nullptr, local.n);
  } else {
    scanner.run(segment, [&](size_t b, size_t e) { cached_piece(p + b, e - b, n - b, cache, sink); });
  }
}

// The number of ids of a piece the front cache missed.
template <typename Sink>
__attribute__((noinline)) uint64_t HfTokenizer::count_part_slow(std::string_view part, PieceCache& cache) const {
  Sink tally;
  cached_part_slow(part, cache, tally);
  return tally.n;
}

template <typename Sink>
__attribute__((noinline)) void HfTokenizer::cached_part_slow(std::string_view part, PieceCache& cache,
                                                             Sink& sink) const {
  thread_local std::vector<uint32_t> scratch;
  PieceCache::FrontEntry* front = nullptr;
  PieceCache::FrontKey key{0, 0, 0};
  if (part.size() <= PieceCache::kMaxFrontKey) {
    key = PieceCache::front_key(part);
    front = &cache.front_slot(key);
  }
  if (part.size() <= PieceCache::kMaxKey) {
    uint64_t h = hash_bytes(part) | 1;
    const uint32_t* ids;
    uint32_t n;
    if (cache.find(part, h, &ids, &n)) {
      if (front) PieceCache::front_fill(*front, key, ids, n);
      sink(ids, n);
      return;
    }
    scratch.clear();
    if (!model_->tokenize(part, scratch)) scratch.clear();
    cache.insert(part, h, scratch.data(), scratch.size());
    if (front) PieceCache::front_fill(*front, key, scratch.data(), uint32_t(scratch.size()));
    sink(scratch.data(), scratch.size());
  } else {
    scratch.clear();
    if (!model_->tokenize(part, scratch)) scratch.clear();
    sink(scratch.data(), scratch.size());
  }
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
  PieceCache& cache = cache_for(serial_);
  if (!model_splits_) {
    cached_part(piece, cache, sink);
    return;
  }
  // Reused: a vector per piece was ~8% of SentencePiece counting time. No
  // re-entry is possible (the model never calls back into the tokenizer).
  thread_local std::vector<std::string_view> parts;
  parts.clear();
  model_->split_for_cache(piece, parts);
  for (std::string_view part : parts) cached_part(part, cache, sink);
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
    ChainFeed<Sink> feed(this, 0, segment, cache_for(serial_), sink);
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
  // Reused across calls: count() runs once per paragraph, and two vector
  // allocations per call were ~5% of counting time.
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
    std::string normalized;
    std::string_view nseg = seg;
    bool head_dropped = false;
    // Most book text is already in the normalizer's form (NFC for Qwen) or
    // the normalizer is an empty Sequence (DeepSeek): then no copy is made
    // (measured: the copy and the in-place check were ~9 of qwen-3's 49
    // instructions per byte).
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
