// The one error vocabulary of epubtok.
//
// These string codes are a public interface: they appear in results.json,
// errors.log, CLI output and HTTP error bodies, and users script against
// them. Never rename one; add new ones at the end of their group.
// docs/error-codes.md explains each for users.
#pragma once

#include <optional>
#include <string_view>

namespace epubtok {

#define EPUBTOK_ERROR_CODES(X)                                                                        \
  X(kOk, "OK", "no error")                                                                            \
  /* Reading a book. */                                                                               \
  X(kFileNotFound, "FILE_NOT_FOUND", "the path does not exist")                                       \
  X(kFileUnreadable, "FILE_UNREADABLE", "the file exists but cannot be read")                         \
  X(kNotZip, "EPUB_NOT_ZIP", "the file is not a ZIP archive")                                         \
  X(kZipTruncated, "EPUB_ZIP_TRUNCATED", "the ZIP archive is truncated")                              \
  X(kZipCorrupt, "EPUB_ZIP_CORRUPT", "a ZIP entry is damaged")                                        \
  X(kZipBomb, "EPUB_ZIP_BOMB", "an entry is too large or too compressed")                             \
  X(kMissingContainer, "EPUB_NO_CONTAINER", "META-INF/container.xml is missing")                      \
  X(kMissingOpf, "EPUB_NO_OPF", "the package document (OPF) is missing")                              \
  X(kMissingSpineItem, "EPUB_MISSING_SPINE_ITEM", "a spine item is not in the archive")               \
  X(kMalformedXml, "EPUB_MALFORMED_XML", "a required XML document is malformed")                      \
  X(kUnknownEncoding, "EPUB_UNKNOWN_ENCODING", "a document uses an unknown encoding")                 \
  X(kDrm, "EPUB_DRM", "the book is DRM-encrypted")                                                    \
  X(kEmptyBook, "EPUB_EMPTY", "the book contains no text")                                            \
  X(kTooLarge, "EPUB_TOO_LARGE", "the book's text exceeds --max-mb")                                  \
  /* Tokenizers. */                                                                                   \
  X(kUnknownTokenizer, "UNKNOWN_TOKENIZER", "no tokenizer has that id or alias")                      \
  X(kVocabMissing, "VOCAB_MISSING", "a vocabulary file is not installed")                             \
  X(kVocabCorrupt, "VOCAB_CORRUPT", "a vocabulary file is damaged")                                   \
  X(kTokenizerJson, "TOKENIZER_JSON_INVALID", "a tokenizer.json is invalid")                          \
  X(kUnsupportedComponent, "TOKENIZER_UNSUPPORTED", "a tokenizer component type is not supported")    \
  X(kHubError, "HF_HUB_ERROR", "the Hugging Face Hub could not provide the file")                     \
  X(kApiKeyMissing, "API_KEY_MISSING", "a tokenizer that counts through an API needs a key")          \
  X(kApiError, "API_ERROR", "the token-counting API refused or failed a request")                     \
  X(kApiRateLimited, "API_RATE_LIMITED", "the token-counting API was still busy after every retry")   \
  /* Usage, I/O and the server. */                                                                    \
  X(kInvalidArgument, "INVALID_ARGUMENT", "an argument is invalid")                                   \
  X(kIoError, "IO_ERROR", "reading or writing a file failed")                                         \
  X(kInvalidJson, "INVALID_JSON", "the body is not valid JSON")                                       \
  X(kInvalidSchema, "INVALID_SCHEMA", "the document does not match the schema")                       \
  X(kResultsIncomplete, "RESULTS_INCOMPLETE", "a JSONL part has no end line: its run did not finish") \
  X(kResultsDuplicate, "RESULTS_DUPLICATE", "a book appears in two JSONL parts")                      \
  X(kInvalidPath, "INVALID_PATH", "the path is not acceptable")                                       \
  X(kPathOutsideLibrary, "PATH_OUTSIDE_LIBRARY", "the path is outside the library roots")             \
  X(kJobNotFound, "JOB_NOT_FOUND", "no job has that id")                                              \
  X(kJobFinished, "JOB_FINISHED", "the job has already finished")                                     \
  X(kCancelled, "CANCELLED", "the operation was cancelled")                                           \
  X(kJobRunning, "JOB_RUNNING", "the job is queued or running; cancel it first")                      \
  X(kQueueFull, "QUEUE_FULL", "too many jobs are waiting; retry later")                               \
  X(kPayloadTooLarge, "PAYLOAD_TOO_LARGE", "the body or upload exceeds a limit")                      \
  X(kMethodNotAllowed, "METHOD_NOT_ALLOWED", "the endpoint does not take that method")                \
  X(kNotFound, "NOT_FOUND", "no such endpoint or resource")                                           \
  X(kHostNotAllowed, "HOST_NOT_ALLOWED", "the Host header is not this server's")                      \
  X(kInternal, "INTERNAL", "an internal error")

enum class ErrorCode {
#define EPUBTOK_ENUM(name, str, desc) name,
  EPUBTOK_ERROR_CODES(EPUBTOK_ENUM)
#undef EPUBTOK_ENUM
};

// The stable string form, e.g. "EPUB_DRM". Never empty.
std::string_view error_code_name(ErrorCode code);
// A one-line plain-words description for users.
std::string_view error_code_description(ErrorCode code);
// Inverse of error_code_name(); nullopt for an unknown string.
std::optional<ErrorCode> parse_error_code(std::string_view name);

}  // namespace epubtok
