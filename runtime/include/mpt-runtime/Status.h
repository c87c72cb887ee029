//===- Status.h - Error values of the mpt runtime -------------*- C++ -*-===//
//
// The runtime does not throw: every operation a user's input can make fail
// returns a Status (or an Expected<T>) whose message is one complete sentence
// naming what went wrong and where (the file, the tensor, the step).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_STATUS_H
#define MPT_RUNTIME_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace mpt {
namespace rt {

/// Success, or an error with a message.
class [[nodiscard]] Status {
public:
  Status() = default;
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return !failed_; }
  bool failed() const { return failed_; }
  const std::string &message() const { return message_; }

  /// Prefixes the message with `context: ` (no-op on success).
  Status &withContext(const std::string &context) {
    if (failed_)
      message_ = context + ": " + message_;
    return *this;
  }

private:
  bool failed_ = false;
  std::string message_;
};

/// A value or an error.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Status status) : status_(std::move(status)) {
    if (status_.ok())
      status_ = Status::error("internal error: Expected built from success");
  }

  bool ok() const { return value_.has_value(); }
  bool failed() const { return !ok(); }
  const Status &status() const { return status_; }
  const std::string &message() const { return status_.message(); }

  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T take() { return std::move(*value_); }

private:
  std::optional<T> value_;
  Status status_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_STATUS_H
