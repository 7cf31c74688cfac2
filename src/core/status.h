// Status and Result<T>: how errors cross module boundaries in epubtok.
//
// Every failure carries a stable string code from the single list in
// error_codes.h (the same codes appear in results.json, errors.log, CLI
// messages and HTTP error bodies) plus a human message that names the bad
// datum: the entry name, the offset, the JSON path, the file.
//
// Exceptions may be used inside a module, but never escape a public function.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/error_codes.h"

namespace epubtok {

// A success, or an error code with a message. Cheap to copy on success.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }

  ErrorCode code() const { return code_; }
  // The stable string form of code(), e.g. "EPUB_DRM".
  std::string_view code_name() const { return error_code_name(code_); }
  const std::string& message() const { return message_; }

  // "EPUB_DRM: book is encrypted (…)" — for logs and terminal output.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status. Accessing value() on an error is a bug
// (asserts in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).is_ok() && "Result built from an OK status");
  }
  Result(ErrorCode code, std::string message) : data_(Status(code, std::move(message))) {}

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  const T& value() const& {
    assert(is_ok());
    return std::get<T>(data_);
  }
  T& value() & {
    assert(is_ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; an OK Status when this holds a value.
  Status status() const { return is_ok() ? Status() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace epubtok
