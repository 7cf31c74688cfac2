// Loading an HfTokenizer: tokenizer.json parsing into the pipeline's
// stages, the compiled form (write and map), and the added tokens.
#include <algorithm>
#include <span>

#include "core/compiled_file.h"
#include "tokenizers/bpe/piece_cache.h"
#include "tokenizers/hf/added_tokens.h"
#include "tokenizers/hf/hf_tokenizer.h"
#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/normalizers.h"
#include "tokenizers/hf/pre_tokenizers.h"
#include "tokenizers/hf/regex.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;
namespace {

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
  // dies (a large tokenizer.json has over a million nodes).
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
    t->serial_ = PieceCache::new_owner();
    t->count_serial_ = PieceCache::new_owner();
    t->chunk_serial_ = PieceCache::new_owner();
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
    // SentencePiece's normalization folded into the cut (run_marker_cut).
    if (options.use_scanners && t->normalizer_ && t->normalized_added_->empty()) {
      const std::span<const uint64_t> joins = t->model_->marker_joins();
      const std::optional<Normalizer::ByteReplace> rep = t->normalizer_->as_byte_replace();
      if (!joins.empty() && rep && rep->to == "\xE2\x96\x81" &&
          (!t->pre_tokenizer_ || t->pre_tokenizer_->keeps_whole_without(rep->from))) {
        t->marker_fused_ = true;
        t->marker_from_ = rep->from;
        t->marker_prefix_ = rep->prefix;
        t->marker_joins_ = joins;
        if (!rep->prefix.empty()) {
          const char32_t last = code_point_before(rep->prefix, rep->prefix.size());
          t->marker_cut_at_start_ = last != 0x2581 && !((joins[last >> 6] >> (last & 63)) & 1);
        }
      }
    }

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

}  // namespace epubtok::tokenizers::hf
