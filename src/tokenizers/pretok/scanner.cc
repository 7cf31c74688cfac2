#include "tokenizers/pretok/scanner.h"

namespace epubtok::tokenizers::pretok {
namespace {

// The exact pattern strings of the vocab files (data/vocab/*.json).
constexpr std::string_view kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace

std::optional<PatternFamily> recognize_pattern(std::string_view pat_str) {
  if (pat_str == kCl100kPattern) return PatternFamily::kCl100k;
  if (pat_str == kO200kPattern) return PatternFamily::kO200k;
  if (pat_str == kGpt2Pattern) return PatternFamily::kGpt2;
  return std::nullopt;
}

size_t cl100k_piece_end(std::string_view text, size_t pos) { return detail::cl100k_end(text, pos); }
size_t o200k_piece_end(std::string_view text, size_t pos) { return detail::o200k_end(text, pos); }
size_t gpt2_piece_end(std::string_view text, size_t pos) { return detail::gpt2_end(text, pos); }

}  // namespace epubtok::tokenizers::pretok
