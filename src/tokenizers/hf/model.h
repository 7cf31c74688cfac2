// tokenizer.json models: BPE, WordPiece, WordLevel and Unigram.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::compiled {
class Reader;
class Writer;
}  // namespace epubtok::compiled

namespace epubtok::tokenizers::bpe {
class SplitFilter;
}  // namespace epubtok::tokenizers::bpe

namespace epubtok::tokenizers::hf {

class Model {
 public:
  virtual ~Model() = default;

  // Appends the ids of one pre-token (non-empty, valid UTF-8 — or raw bytes
  // for a BPE model built with byte_level_input). Returns false, appending
  // nothing, where the reference fails (an unknown character and no
  // unk_token); the caller then counts the piece as zero tokens.
  // Thread-safe.
  virtual bool tokenize(std::string_view piece, std::vector<uint32_t>& out) const = 0;

  // The id of `token` (as written in tokenizer.json), if the model has it.
  virtual std::optional<uint32_t> token_to_id(std::string_view token) const = 0;

  // Number of entries in the model's vocabulary.
  virtual uint64_t vocab_size() const = 0;
  // "BPE", "WordPiece", "WordLevel" or "Unigram".
  virtual const char* type() const = 0;

  // Cuts `piece` into parts that tokenize independently (so each can be
  // cached on its own); by default the piece itself.
  virtual void split_for_cache(std::string_view piece, std::vector<std::string_view>& out) const {
    out.push_back(piece);
  }
  // False when split_for_cache never cuts (lets callers skip it).
  virtual bool splits_for_cache() const { return false; }
  // For a model whose split_for_cache cuts SentencePiece text (a BPE model
  // over a vocabulary with "▁"): a bit per code point c (word c >> 6, bit
  // c & 63), set when some vocabulary entry joins c to a following "▁".
  // split_for_cache cuts a piece of at least kMarkerCutMinBytes bytes
  // before each "▁" after its first byte that follows neither a "▁" nor a
  // code point with its bit set. Empty for every other model.
  virtual std::span<const uint64_t> marker_joins() const { return {}; }
  static constexpr size_t kMarkerCutMinBytes = 8;

  // The exact split points of the model's vocabulary (bpe/split_filter.h):
  // a piece cut where no token can span gives, part by part through
  // tokenize_merged(), the ids tokenize() gives the whole piece. Built on
  // first use (reading the whole vocabulary); null for models where that
  // does not hold. Thread-safe.
  virtual const bpe::SplitFilter* split_filter() const { return nullptr; }
  // tokenize() by merging alone, without ignore_merges' whole-piece
  // vocabulary lookup: the ids of a part of a piece cut at split points.
  virtual bool tokenize_merged(std::string_view piece, std::vector<uint32_t>& out) const {
    return tokenize(piece, out);
  }

  // Adds the tables the model built from its vocabulary and merges to a
  // compiled file (section ids kModelSections and up), for
  // ModelOptions::tables to load. False when the model has no compiled
  // form (only BPE has one).
  virtual bool write_tables(compiled::Writer& /*out*/) const { return false; }
};

// The first section id of a model's tables in a compiled tokenizer file.
inline constexpr uint32_t kModelSections = 16;

// Thrown by make_model() when ModelOptions::tables does not hold tables
// this model can use; the caller then loads the source instead.
struct TablesDoNotFit {};

struct ModelOptions {
  // The pre-tokenizer ends with ByteLevel, and its pieces reach the model as
  // raw bytes (not GPT-2 alphabet characters). BPE only. Default false.
  bool byte_level_input = false;
  // BPE: take the vocabulary, merges and the tables derived from them from
  // this compiled file (written by write_tables from the same source) and
  // ignore the JSON's "vocab" and "merges". Default none.
  const compiled::Reader* tables = nullptr;
};

// Builds the model at JSON path `path`. Throws LoadError: TOKENIZER_UNSUPPORTED
// for an unknown type, TOKENIZER_JSON_INVALID for malformed fields or a
// vocab/merges mismatch (naming the merge and the missing token).
std::unique_ptr<Model> make_model(const boost::json::value& v, const std::string& path, const ModelOptions& options);

std::unique_ptr<Model> make_bpe(const boost::json::object& o, const std::string& path, const ModelOptions& options);
std::unique_ptr<Model> make_wordpiece(const boost::json::object& o, const std::string& path);
std::unique_ptr<Model> make_wordlevel(const boost::json::object& o, const std::string& path);
std::unique_ptr<Model> make_unigram(const boost::json::object& o, const std::string& path);

}  // namespace epubtok::tokenizers::hf
