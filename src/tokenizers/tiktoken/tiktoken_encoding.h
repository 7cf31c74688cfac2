// A tiktoken-style encoding: a rank table, a pre-tokenizer pattern and
// special tokens, loaded from a vocab JSON file as the npm packages ship
// them ({"pat_str", "special_tokens", "bpe_ranks", "explicit_n_vocab"?}).
// Serves the OpenAI encodings (ordinary text only) and the legacy Claude
// tokenizer (NFKC first, special tokens recognised).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

#include "core/compiled_file.h"
#include "core/status.h"
#include "tokenizers/bpe/pair_table.h"
#include "tokenizers/bpe/piece_cache.h"
#include "tokenizers/bpe/rank_table.h"
#include "tokenizers/bpe/split_filter.h"
#include "tokenizers/bpe/whitespace_cuts.h"
#include "tokenizers/pretok/regex_pretokenizer.h"
#include "tokenizers/pretok/scanner.h"
#include "tokenizers/tokenizer.h"

namespace epubtok::tokenizers::tiktoken {

using bpe::PieceCache;

struct EncodingOptions {
  // NFKC-normalise the text before anything else (Claude). Default off.
  bool nfkc = false;
  // Text equal to a special token string encodes as that token (tiktoken's
  // allowed_special="all", as Claude's countTokens does). Default off: the
  // OpenAI counts are encode_ordinary(), where "<|endoftext|>" is plain text.
  bool allow_special = false;
  // Use the PCRE2 regex even when a hand-written scanner knows the pattern
  // (tests and benchmarks only). Default off.
  bool force_regex = false;
  // The rank count the file must hold (a cheap corruption check); 0 skips it.
  size_t expected_ranks = 0;
  // load_file() uses the compiled form of the file (compiled_path()) when
  // it is present and current. Default on; off loads the source only.
  bool use_compiled = true;
};

class TiktokenEncoding final : public Tokenizer {
 public:
  // Parses a vocab JSON document. Errors: VOCAB_CORRUPT naming `source`
  // (used in messages only) and what is wrong.
  static Result<std::shared_ptr<const TiktokenEncoding>> from_json(std::string_view json, TokenizerInfo info,
                                                                   EncodingOptions options, const std::string& source);

  // Loads `path`: from its compiled form (compiled_path(path)) when that
  // was built from exactly these source bytes and is intact, else by
  // parsing the source (a rejected compiled file gets a one-line note on
  // stderr, see compiled::report_fallback). Errors: VOCAB_MISSING when the
  // source does not exist, VOCAB_CORRUPT when it cannot be read or parsed;
  // both name the file and kFetchVocabHint.
  static Result<std::shared_ptr<const TiktokenEncoding>> load_file(const std::filesystem::path& path,
                                                                   TokenizerInfo info, EncodingOptions options);

  // Where load_file() looks for the compiled form of `source`:
  // "<source>" + compiled::kFileSuffix.
  static std::filesystem::path compiled_path(const std::filesystem::path& source);
  // Parses `source` and writes its compiled form to `out` (atomically).
  // Returns an error message, empty on success.
  static std::string compile_file(const std::filesystem::path& source, const std::filesystem::path& out);
  // True when this encoding's tables are mapped from a compiled file.
  bool compiled() const { return compiled_; }

  const TokenizerInfo& info() const override { return info_; }

  // count()/encode() follow the options: NFKC, then special tokens (if
  // allowed), then pre-tokenisation and BPE of the text between them.
  uint64_t count(std::string_view text) const override;
  std::vector<uint32_t> encode(std::string_view text) const override;

  // See Tokenizer::is_clean_split(); defined in clean_split.cc.
  bool is_clean_split(std::string_view text, size_t pos) const override;

  // tiktoken's encode_ordinary(): no normalisation, no special tokens.
  std::vector<uint32_t> encode_ordinary(std::string_view text) const;
  uint64_t count_ordinary(std::string_view text) const;

  // The bytes of token `id` (special tokens included); empty if unknown.
  std::string_view token_bytes(uint32_t id) const;

  const bpe::RankTable& ranks() const { return ranks_; }
  const bpe::PairTable& pairs() const { return pairs_; }
  std::optional<pretok::PatternFamily> scanner_family() const { return family_; }

  TiktokenEncoding(const TiktokenEncoding&) = delete;
  TiktokenEncoding& operator=(const TiktokenEncoding&) = delete;

 private:
  TiktokenEncoding() = default;

  // Calls f(piece) for each pre-tokenizer piece of `text`.
  template <typename F>
  void for_each_piece(std::string_view text, F&& f) const;
  // Calls ordinary(segment) / special(id) over `text` split at special
  // tokens (when allowed).
  // Token count of one piece: whole-piece lookup, piece cache, BPE.
  uint64_t count_piece_cached(std::string_view piece, size_t readable, PieceCache& cache) const;
  // count_piece_cached() for pieces longer than the front's keys.
  uint64_t count_long_cached(std::string_view piece, size_t readable, PieceCache& cache) const;
  // The front missed `piece` (its key `key`, its slot `front`): the long
  // tier's count, else the piece's own, stored in both. Out of line so the
  // hit path stays small.
  uint32_t count_front_miss(std::string_view piece, size_t readable, const PieceCache::FrontKey& key,
                            PieceCache::FrontEntry& front, PieceCache& cache) const;
  // Token count of a piece the caches do not hold: its rank, or BPE.
  uint32_t count_uncached(std::string_view piece, size_t readable) const;
  // Token count of one piece of any length (long pieces are cut at exact
  // split points first). `readable` = bytes readable from piece.data().
  uint64_t count_piece_any(std::string_view piece, size_t readable, PieceCache& cache) const;
  // count_ordinary() for a scanner family: scan and count fused in one loop.
  template <pretok::PatternFamily kFamily>
  uint64_t count_scanned(std::string_view text) const;

  template <typename Ordinary, typename Special>
  void split_special(std::string_view text, Ordinary&& ordinary, Special&& special) const;

  // Sets the pattern and special tokens from the source's "pat_str" and
  // "special_tokens" (the same fields a compiled file keeps as JSON).
  Status configure(const boost::json::object& obj, const std::string& source);
  // The encoding whose tables `in` holds, or null when they do not fit.
  static std::shared_ptr<const TiktokenEncoding> from_compiled(const compiled::Reader& in, TokenizerInfo info,
                                                               EncodingOptions options, const std::string& source);
  std::string write_compiled(const std::filesystem::path& out, const compiled::SourceStamp& source,
                             const compiled::FileIdentity& identity) const;

  TokenizerInfo info_;
  EncodingOptions options_;
  bpe::RankTable ranks_;
  bpe::PairTable pairs_;            // the same merges by token ids (the merge loop's lookups)
  bpe::SplitFilter split_;          // exact split points of long pieces (count path)
  bpe::WhitespaceCuts whitespace_;  // exact cuts of long white-space pieces (count path)
  std::optional<pretok::PatternFamily> family_;
  std::shared_ptr<const pretok::RegexPretokenizer> regex_;
  std::vector<std::pair<std::string, uint32_t>> specials_;
  std::string special_first_bytes_;  // distinct first bytes of specials_
  std::string pat_str_;
  bool compiled_ = false;
  uint64_t cache_owner_ = 0;  // this encoding's owner id in the piece caches (PieceCache::of)
};

}  // namespace epubtok::tokenizers::tiktoken
