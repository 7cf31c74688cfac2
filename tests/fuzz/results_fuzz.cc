// libFuzzer target for the results reader (results/results_document.h), our
// schema 2.0 and the original tool's 1.0. Never a crash; a failure is
// INVALID_JSON or INVALID_SCHEMA; a document that parses renders in every
// format, and its JSON rendering parses back to the same rendering (the
// reader and the writer agree on every value the reader accepts).
//
//   make fuzz && build-fuzz/tests/fuzz/results_fuzz -max_total_time=600 build-fuzz/seeds/results_fuzz
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error_codes.h"
#include "fuzz_support.h"
#include "results/results_document.h"

using namespace epubtok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<results::ResultsDocument> doc = results::parse_results(input);
  if (!doc) {
    ErrorCode c = doc.status().code();
    if (c != ErrorCode::kInvalidJson && c != ErrorCode::kInvalidSchema)
      fuzz::fail("unexpected reader error", doc.status().message());
    return 0;
  }
  (void)results::summarize(*doc);
  (void)results::to_markdown(*doc);
  (void)results::to_csv(*doc);
  (void)results::to_errors_log(*doc);
  std::string json = results::to_json_text(*doc);
  Result<results::ResultsDocument> again = results::parse_results(json);
  if (!again) fuzz::fail("the reader rejects the writer's output:", again.status().message());
  if (results::to_json_text(*again) != json) fuzz::fail("the JSON rendering does not round-trip");
  return 0;
}
