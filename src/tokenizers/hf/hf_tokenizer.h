// A Tokenizer for one Hugging Face tokenizer.json: added tokens →
// normalizer → pre-tokenizer → model, counting what the reference's
// encode(text, add_special_tokens=false) returns.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::compiled {
class Reader;
}  // namespace epubtok::compiled

namespace epubtok::tokenizers::bpe {
class PieceCache;
}  // namespace epubtok::tokenizers::bpe

namespace epubtok::tokenizers::hf {

using bpe::PieceCache;
class Model;
class Normalizer;
class PreTokenizer;
class AddedTokenMatcher;

struct HfLoadOptions {
  // Use the hand-written scanners for known regex patterns, and cut
  // SentencePiece text before normalizing it (run_marker_cut) (default
  // true); false forces PCRE2 everywhere and normalizes whole texts
  // (differential tests).
  bool use_scanners = true;
  // Re-key byte-level BPE vocabularies to raw bytes (default true); false
  // keeps the reference's literal pipeline (differential tests).
  bool raw_byte_level = true;
  // Added tokens with these contents are not matched in the text, which is
  // then tokenized as the model tokenizes any other text (they keep their
  // ids). Default none. Google's SentencePiece counting for Gemini never
  // matches Gemma's control tokens (<bos>, <eos>, …) in text; see hf_provider.cc.
  std::vector<std::string> unmatched_added_tokens;
  // from_file() uses the file's compiled form (compiled_path()) when it is
  // present and was built from exactly these bytes (default true).
  bool use_compiled = true;
};

class HfTokenizer final : public Tokenizer {
 public:
  ~HfTokenizer() override;

  const TokenizerInfo& info() const override { return info_; }
  uint64_t count(std::string_view text) const override;
  std::vector<uint32_t> encode(std::string_view text) const override;
  uint64_t special_overhead() const override { return special_overhead_; }
  // True only at positions where ids(text[0, pos)) followed by
  // ids(text[pos, end)) equals ids(text): pos is on a ' ' or '\n' right
  // after a letter or digit, and the tokenizer is one whose every stage is
  // known to split there (the Llama 3, Qwen and DeepSeek V3 pre-tokenizers
  // with a normalizer that keeps the cut, and added tokens that cannot
  // reach across it). The argument is in the definition. False for every
  // other tokenizer. Thread-safe.
  bool is_clean_split(std::string_view text, size_t pos) const override;

  // Parses tokenizer.json text. `info` supplies id/name/family/source; type
  // and vocab_size are filled in from the file. Errors:
  // TOKENIZER_JSON_INVALID (malformed JSON with line:column, a bad field
  // with its JSON path, a vocab/merges mismatch), TOKENIZER_UNSUPPORTED
  // (an unknown component type, with its JSON path).
  static Result<std::shared_ptr<const HfTokenizer>> from_json(std::string_view json, TokenizerInfo info,
                                                              const HfLoadOptions& options = {});
  // Reads and parses a file. Adds FILE_NOT_FOUND / FILE_UNREADABLE. When
  // compiled_path(path) holds a compiled form of exactly this file (see
  // core/compiled_file.h), its tables are mapped and only the small rest
  // of the configuration is parsed; a stale or damaged one is reported on
  // stderr (compiled::report_fallback) and the source is parsed instead.
  static Result<std::shared_ptr<const HfTokenizer>> from_file(const std::filesystem::path& path, TokenizerInfo info,
                                                              const HfLoadOptions& options = {});

  // Where from_file() looks for the compiled form of `source`.
  static std::filesystem::path compiled_path(const std::filesystem::path& source);
  // Parses `source` and writes its compiled form to `out` (atomically): the
  // model's tables (Model::write_tables; BPE only) and the configuration
  // without the model's "vocab" and "merges". Returns an error message,
  // empty on success.
  static std::string compile_file(const std::filesystem::path& source, const std::filesystem::path& out);
  // True when the model's tables are mapped from a compiled file.
  bool compiled() const { return compiled_; }

 private:
  HfTokenizer() = default;
  // The section of a compiled file holding the configuration JSON (with
  // empty "added_tokens": they are sections 2 and 3, see hf_load.cc);
  // the model's tables start at kModelSections (model.h).
  static constexpr uint32_t kConfigSection = 1;
  // from_json(), with the model's tables from `tables` when not null.
  static Result<std::shared_ptr<const HfTokenizer>> build(std::string_view json, TokenizerInfo info,
                                                          const HfLoadOptions& options, const compiled::Reader* tables);
  template <typename Sink>
  void run(std::string_view text, Sink&& sink) const;
  template <typename Sink>
  void run_segment(std::string_view segment, bool at_start, Sink& sink) const;
  template <typename Sink>
  void model_piece(std::string_view piece, Sink& sink) const;
  // run_segment() on normalize(segment) for a byte-replacing normalizer
  // (marker_fused_): the pieces found on the raw segment.
  template <typename Sink>
  void run_marker_cut(std::string_view segment, Sink& sink) const;
  // The ids of normalize(raw) for the first piece of a segment, which
  // carries the normalizer's prefix.
  template <typename Sink>
  void marker_head(std::string_view raw, PieceCache& cache, Sink& sink) const;
  template <typename Sink>
  friend struct ChainFeed;
  template <typename Sink>
  void cached_part(std::string_view part, PieceCache& cache, Sink& sink) const;
  template <typename Sink>
  void cached_piece(const char* p, size_t n, size_t readable, PieceCache& cache, Sink& sink) const;
  template <typename Scanner, typename Sink>
  void scan_pieces(const Scanner& scanner, std::string_view segment, Sink& sink) const;
  template <typename Sink>
  PieceCache& cache_for() const;
  template <typename Sink>
  uint64_t count_part_slow(const char* p, size_t n, size_t readable, PieceCache& cache) const;
  // The number of ids of `piece`, from the model (model_ids).
  uint32_t count_uncached(std::string_view piece) const;
  // Appends the model's ids of a piece as a cache key holds it (normalized
  // first under marker_fused_), nothing when the model refuses it.
  void model_ids(std::string_view piece, std::vector<uint32_t>& out) const;
  template <typename Sink>
  void cached_part_slow(std::string_view part, PieceCache& cache, Sink& sink) const;
  // The model's ids of a piece the caches missed, cut first at the
  // vocabulary's exact split points when it is a long run of CJK (a clause
  // of Chinese or Japanese is one letter run), so that its parts, which
  // repeat, are cached. False as Model::tokenize().
  bool tokenize_piece(std::string_view piece, std::vector<uint32_t>& out) const;
  // tokenize_piece() for a piece it cuts: out of line, so the common case
  // stays a plain call of the model.
  bool tokenize_cut(std::string_view piece, std::vector<uint32_t>& out) const;
  // Appends the ids of the part of a cut piece (its own cache, chunk_serial_).
  bool part_ids(std::string_view part, PieceCache& cache, std::vector<uint32_t>& out) const;

  TokenizerInfo info_;
  uint64_t special_overhead_ = 0;
  uint64_t serial_ = 0;        // this instance's owner id in the piece caches (PieceCache::of), with ids
  uint64_t count_serial_ = 0;  // and the one counting uses (counts only)
  // The caches of the parts tokenize_piece() cuts: their ids come from
  // Model::tokenize_merged(), which may differ from a whole piece's.
  uint64_t chunk_serial_ = 0;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<AddedTokenMatcher> raw_added_;
  std::unique_ptr<AddedTokenMatcher> normalized_added_;
  // The pre-tokenizer as a chain of isolating splits (see
  // PreTokenizer::isolating_chain), or empty; owned by pre_tokenizer_.
  std::vector<const class Matcher*> chain_;
  // chain_ fused into one scanner when possible (then chain_ is {fused_}).
  std::unique_ptr<class Matcher> fused_;
  bool model_splits_ = false;
  // Which hand-written scanner chain_[0] is, when run_segment may call its
  // run() directly (one covering scanner, no model splits).
  enum class FastScan : uint8_t { kNone, kGpt4, kDeepSeek };
  FastScan fast_scan_ = FastScan::kNone;
  // Which cuts is_clean_split may accept (both false: none).
  bool space_cut_ = false;
  bool newline_cut_ = false;
  // SentencePiece's normalization folded into the cut for the cache (see
  // run_marker_cut): set when the normalizer is a ByteReplace to "▁" with
  // a prefix, no added token is matched after normalizing, the
  // pre-tokenizer keeps normalized text whole and the model cuts at "▁"
  // (Model::marker_joins, which marker_joins_ views).
  bool marker_fused_ = false;
  char marker_from_ = 0;              // the byte the normalizer replaces by "▁"
  std::string marker_prefix_;         // what it puts before a non-empty text
  bool marker_cut_at_start_ = false;  // a "▁" right after the prefix starts a piece
  std::span<const uint64_t> marker_joins_;
  bool compiled_ = false;
};

}  // namespace epubtok::tokenizers::hf
