//===- Json.h - A small JSON value, parser and printer --------*- C++ -*-===//
//
// Enough JSON for the artifact's signature table and mpt-run's report: a DOM
// with ordered objects, numbers that keep their source text (so unsigned
// 64-bit seeds survive a round trip exactly), a strict parser whose errors
// name the line and column, and a printer (compact or indented). Non-finite
// numbers are printed as the strings "NaN", "Infinity" and "-Infinity"
// (JSON has no literal for them).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_JSON_H
#define MPT_RUNTIME_JSON_H

#include "mpt-runtime/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpt {
namespace rt {

class Json {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json null() { return Json(); }
  static Json boolean(bool b);
  static Json number(double d);
  static Json integer(int64_t i);
  static Json unsignedInteger(uint64_t u);
  /// A number printed as `text` (which must be valid JSON number text).
  static Json rawNumber(double d, std::string text);
  static Json string(std::string s);
  static Json array();
  static Json object();

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }
  /// "null", "boolean", "number", "string", "array" or "object".
  const char *kindName() const;

  bool asBool() const { return bool_; }
  double asDouble() const { return number_; }
  const std::string &asString() const { return string_; }
  /// The number as an exact integer: false when it is not a number written
  /// as an integer in range (a number like 1.0 or 1e3 is not accepted).
  bool getInt64(int64_t &out) const;
  bool getUInt64(uint64_t &out) const;

  const std::vector<Json> &items() const { return items_; }
  std::vector<Json> &items() { return items_; }
  const std::vector<Member> &members() const { return members_; }
  std::vector<Member> &members() { return members_; }
  /// The member `key` of an object, or nullptr.
  const Json *find(std::string_view key) const;
  /// Sets (replaces or appends) member `key`; returns *this.
  Json &set(std::string key, Json value);
  /// Appends to an array; returns *this.
  Json &push(Json value);

  /// Compact (`indent < 0`) or indented text.
  std::string dump(int indent = -1) const;

  /// Parses a complete document; errors say `line L, column C: ...`.
  static Expected<Json> parse(std::string_view text);

private:
  void dumpTo(std::string &out, int indent, int depth, bool inArray) const;

  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_; ///< string value, or the source text of a number
  std::vector<Json> items_;
  std::vector<Member> members_;
};

/// Appends `s` as a quoted JSON string (escaping as needed).
void appendJsonString(std::string &out, std::string_view s);
/// The shortest decimal text that reads back as exactly `d`.
std::string formatDouble(double d);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_JSON_H
