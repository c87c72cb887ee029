//===- Json.cpp - A small JSON value, parser and printer ------------------===//
//
// See Json.h. The parser is strict RFC 8259 (no comments, no trailing
// commas, no NaN literals) with a nesting limit, so hostile input cannot
// exhaust the stack.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mpt::rt;

Json Json::boolean(bool b) {
  Json j;
  j.kind_ = Kind::Bool;
  j.bool_ = b;
  return j;
}

Json Json::number(double d) {
  Json j;
  j.kind_ = Kind::Number;
  j.number_ = d;
  return j;
}

Json Json::integer(int64_t i) {
  Json j = number(static_cast<double>(i));
  j.string_ = std::to_string(i);
  return j;
}

Json Json::unsignedInteger(uint64_t u) {
  Json j = number(static_cast<double>(u));
  j.string_ = std::to_string(u);
  return j;
}

Json Json::rawNumber(double d, std::string text) {
  Json j = number(d);
  j.string_ = std::move(text);
  return j;
}

Json Json::string(std::string s) {
  Json j;
  j.kind_ = Kind::String;
  j.string_ = std::move(s);
  return j;
}

Json Json::array() {
  Json j;
  j.kind_ = Kind::Array;
  return j;
}

Json Json::object() {
  Json j;
  j.kind_ = Kind::Object;
  return j;
}

const char *Json::kindName() const {
  switch (kind_) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "boolean";
  case Kind::Number:
    return "number";
  case Kind::String:
    return "string";
  case Kind::Array:
    return "array";
  case Kind::Object:
    return "object";
  }
  return "?";
}

static bool isIntegerText(const std::string &t) {
  if (t.empty())
    return false;
  size_t i = t[0] == '-' ? 1 : 0;
  if (i == t.size())
    return false;
  for (; i < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9')
      return false;
  return true;
}

bool Json::getInt64(int64_t &out) const {
  if (kind_ != Kind::Number)
    return false;
  if (string_.empty()) {
    // Built with number(): accept exact integers.
    if (!(number_ >= -9223372036854775808.0 &&
          number_ < 9223372036854775808.0) ||
        std::trunc(number_) != number_)
      return false;
    out = static_cast<int64_t>(number_);
    return true;
  }
  if (!isIntegerText(string_))
    return false;
  const char *b = string_.data(), *e = b + string_.size();
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e;
}

bool Json::getUInt64(uint64_t &out) const {
  if (kind_ != Kind::Number)
    return false;
  if (string_.empty()) {
    if (!(number_ >= 0 && number_ < 18446744073709551616.0) ||
        std::trunc(number_) != number_)
      return false;
    out = static_cast<uint64_t>(number_);
    return true;
  }
  if (!isIntegerText(string_) || string_[0] == '-')
    return false;
  const char *b = string_.data(), *e = b + string_.size();
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e;
}

const Json *Json::find(std::string_view key) const {
  for (const Member &m : members_)
    if (m.first == key)
      return &m.second;
  return nullptr;
}

Json &Json::set(std::string key, Json value) {
  kind_ = Kind::Object;
  for (Member &m : members_)
    if (m.first == key) {
      m.second = std::move(value);
      return *this;
    }
  members_.emplace_back(std::move(key), std::move(value));
  return *this;
}

Json &Json::push(Json value) {
  kind_ = Kind::Array;
  items_.push_back(std::move(value));
  return *this;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

void mpt::rt::appendJsonString(std::string &out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

std::string mpt::rt::formatDouble(double d) {
  if (std::isnan(d))
    return "NaN";
  if (std::isinf(d))
    return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, r.ptr);
  // Keep the value recognisably a float in the text ("1.0", not "1").
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

static void newline(std::string &out, int indent, int depth) {
  if (indent < 0)
    return;
  out += '\n';
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void Json::dumpTo(std::string &out, int indent, int depth, bool inArray) const {
  switch (kind_) {
  case Kind::Null:
    out += "null";
    return;
  case Kind::Bool:
    out += bool_ ? "true" : "false";
    return;
  case Kind::Number:
    if (!string_.empty())
      out += string_;
    else if (std::isfinite(number_))
      out += formatDouble(number_);
    else
      appendJsonString(out, formatDouble(number_));
    return;
  case Kind::String:
    appendJsonString(out, string_);
    return;
  case Kind::Array: {
    out += '[';
    // Arrays of scalars stay on one line: reports hold long curves.
    bool flat = true;
    for (const Json &j : items_)
      if (j.isArray() || j.isObject())
        flat = false;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i)
        out += indent >= 0 && flat ? ", " : ",";
      if (!flat)
        newline(out, indent, depth + 1);
      items_[i].dumpTo(out, indent, depth + 1, true);
    }
    if (!flat && !items_.empty())
      newline(out, indent, depth);
    out += ']';
    return;
  }
  case Kind::Object: {
    out += '{';
    // Objects of scalars inside arrays (a report's steps, a signature's
    // tensors) stay on one line.
    bool flat = inArray && indent >= 0;
    for (const Member &m : members_)
      if (m.second.isArray() || m.second.isObject())
        flat = false;
    if (flat) {
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i)
          out += ", ";
        appendJsonString(out, members_[i].first);
        out += ": ";
        members_[i].second.dumpTo(out, indent, depth + 1, false);
      }
      out += '}';
      return;
    }
    for (size_t i = 0; i < members_.size(); ++i) {
      if (i)
        out += ',';
      newline(out, indent, depth + 1);
      appendJsonString(out, members_[i].first);
      out += indent >= 0 ? ": " : ":";
      members_[i].second.dumpTo(out, indent, depth + 1, false);
    }
    if (!members_.empty())
      newline(out, indent, depth);
    out += '}';
    return;
  }
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  dumpTo(out, indent, 0, false);
  return out;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {
class Parser {
public:
  explicit Parser(std::string_view text) : text_(text) {}

  Expected<Json> parseDocument() {
    skipSpace();
    Json value;
    if (!parseValue(value, 0))
      return error_;
    skipSpace();
    if (pos_ != text_.size()) {
      fail("unexpected text after the JSON value");
      return error_;
    }
    return value;
  }

private:
  static constexpr int kMaxDepth = 200;

  bool fail(const std::string &what) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    error_ = Status::error("JSON line " + std::to_string(line) + ", column " +
                           std::to_string(col) + ": " + what);
    return false;
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(const char *word) {
    size_t n = std::strlen(word);
    if (text_.substr(pos_, n) != word)
      return fail("invalid literal");
    pos_ += n;
    return true;
  }

  bool parseValue(Json &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth));
    if (pos_ >= text_.size())
      return fail("unexpected end of input");
    char c = text_[pos_];
    switch (c) {
    case 'n':
      out = Json::null();
      return literal("null");
    case 't':
      out = Json::boolean(true);
      return literal("true");
    case 'f':
      out = Json::boolean(false);
      return literal("false");
    case '"': {
      std::string s;
      if (!parseString(s))
        return false;
      out = Json::string(std::move(s));
      return true;
    }
    case '[':
      return parseArray(out, depth);
    case '{':
      return parseObject(out, depth);
    default:
      if (c == '-' || (c >= '0' && c <= '9'))
        return parseNumber(out);
      return fail(std::string("unexpected character '") + c + "'");
    }
  }

  bool parseNumber(Json &out) {
    size_t start = pos_;
    auto digits = [&]() {
      size_t s = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
        ++pos_;
      return pos_ - s;
    };
    if (text_[pos_] == '-')
      ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return fail("invalid number");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0)
        return fail("invalid number: digits expected after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (digits() == 0)
        return fail("invalid number: digits expected in the exponent");
    }
    std::string textNum(text_.substr(start, pos_ - start));
    double d = std::strtod(textNum.c_str(), nullptr);
    // Keep the source text so integers (seeds) stay exact.
    out = Json::rawNumber(d, std::move(textNum));
    return true;
  }

  static void appendUtf8(std::string &s, uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t &v) {
    if (pos_ + 4 > text_.size())
      return fail("truncated \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return fail("invalid \\u escape");
    }
    return true;
  }

  bool parseString(std::string &s) {
    ++pos_; // opening quote
    while (true) {
      if (pos_ >= text_.size())
        return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"')
        return true;
      if (c < 0x20)
        return fail("control character in string");
      if (c != '\\') {
        s += static_cast<char>(c);
        continue;
      }
      if (pos_ >= text_.size())
        return fail("unterminated string");
      char e = text_[pos_++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        s += e;
        break;
      case 'b':
        s += '\b';
        break;
      case 'f':
        s += '\f';
        break;
      case 'n':
        s += '\n';
        break;
      case 'r':
        s += '\r';
        break;
      case 't':
        s += '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!hex4(cp))
          return false;
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t lo = 0;
          if (text_.substr(pos_, 2) != "\\u")
            return fail("unpaired surrogate in \\u escape");
          pos_ += 2;
          if (!hex4(lo))
            return false;
          if (lo < 0xDC00 || lo >= 0xE000)
            return fail("unpaired surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return fail("unpaired surrogate in \\u escape");
        }
        appendUtf8(s, cp);
        break;
      }
      default:
        return fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  bool parseArray(Json &out, int depth) {
    ++pos_;
    out = Json::array();
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      Json item;
      if (!parseValue(item, depth + 1))
        return false;
      out.push(std::move(item));
      skipSpace();
      if (pos_ >= text_.size())
        return fail("unterminated array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']' in array");
    }
  }

  bool parseObject(Json &out, int depth) {
    ++pos_;
    out = Json::object();
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"')
        return fail("expected a string key in object");
      std::string key;
      size_t keyStart = pos_;
      if (!parseString(key))
        return false;
      if (out.find(key)) {
        pos_ = keyStart;
        return fail("duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':')
        return fail("expected ':' after object key");
      ++pos_;
      skipSpace();
      Json value;
      if (!parseValue(value, depth + 1))
        return false;
      out.members().emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (pos_ >= text_.size())
        return fail("unterminated object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}' in object");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  Status error_;
};
} // namespace

Expected<Json> Json::parse(std::string_view text) {
  return Parser(text).parseDocument();
}
