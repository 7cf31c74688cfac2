#include "tokenizers/compile_vocab.h"

#include "core/compiled_file.h"
#include "tokenizers/hf/hf_provider.h"
#include "tokenizers/hf/hf_tokenizer.h"
#include "tokenizers/tiktoken/tiktoken_encoding.h"
#include "tokenizers/tiktoken/tiktoken_provider.h"

namespace epubtok::tokenizers {
namespace {

// Compiles `source` with `compile` unless its compiled file at `out` is
// already current.
template <typename Compile>
CompileOutcome compile_one(const std::filesystem::path& source, const std::filesystem::path& out, compiled::Kind kind,
                           bool force, Compile&& compile) {
  CompileOutcome r{source, {}, false};
  std::string error;
  const auto identity = compiled::identity_of(source, error);
  if (!identity) {
    r.what = error == "missing" ? "source missing" : error;
    return r;
  }
  std::shared_ptr<const compiled::MappedFile> bytes;
  auto stamp = [&] {
    bytes = compiled::MappedFile::open(source, error);
    return bytes ? compiled::stamp_of(bytes->bytes()) : compiled::SourceStamp{};
  };
  std::string why;
  if (!force && compiled::Reader::open(out, kind, *identity, stamp, why)) {
    r.what = "up to date";
    r.ok = true;
    return r;
  }
  r.what = compile(source, out);
  r.ok = r.what.empty();
  if (r.ok) r.what = "compiled";
  return r;
}

}  // namespace

std::vector<CompileOutcome> compile_builtin_vocabularies(const std::filesystem::path& data_dir, bool force) {
  std::vector<CompileOutcome> all;
  for (const auto& source : tiktoken::builtin_vocab_files(data_dir)) {
    all.push_back(compile_one(source, tiktoken::TiktokenEncoding::compiled_path(source), compiled::Kind::kTiktoken,
                              force, tiktoken::TiktokenEncoding::compile_file));
  }
  for (const auto& source : hf::preset_files(data_dir)) {
    all.push_back(compile_one(source, hf::HfTokenizer::compiled_path(source), compiled::Kind::kHfBpe, force,
                              hf::HfTokenizer::compile_file));
  }
  return all;
}

}  // namespace epubtok::tokenizers
