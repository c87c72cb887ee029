//===- Npy.cpp - The .npy container: header parser and writer -------------===//

#include "mpt-tooling/Npy.h"

#include <algorithm>
#include <cstdlib>

using namespace mpt::rt;

namespace {
/// Parses the Python dict literal of a .npy header.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view s) : s_(s) {}

  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skip();
    if (!eat('{'))
      return fail(error, "expected '{'");
    while (true) {
      skip();
      if (eat('}'))
        break;
      std::string key;
      if (!str(key))
        return fail(error, "expected a quoted key");
      if ((key == "descr" && haveDescr) ||
          (key == "fortran_order" && haveOrder) ||
          (key == "shape" && haveShape))
        return fail(error, "the key '" + key + "' appears twice");
      skip();
      if (!eat(':'))
        return fail(error, "expected ':'");
      skip();
      if (key == "descr") {
        if (!str(descr))
          return fail(error, "descr must be a string (structured dtypes are "
                             "not supported)");
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (s_.substr(p_, 4) == "True") {
          fortran = true;
          p_ += 4;
        } else if (s_.substr(p_, 5) == "False") {
          fortran = false;
          p_ += 5;
        } else {
          return fail(error, "fortran_order must be True or False");
        }
        haveOrder = true;
      } else if (key == "shape") {
        if (!eat('('))
          return fail(error, "shape must be a tuple");
        while (true) {
          skip();
          if (eat(')'))
            break;
          size_t start = p_;
          while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9')
            ++p_;
          if (start == p_ || p_ - start > 18)
            return fail(error, "shape entries must be non-negative integers");
          shape.push_back(std::strtoll(
              std::string(s_.substr(start, p_ - start)).c_str(), nullptr, 10));
          skip();
          if (eat(','))
            continue;
          if (eat(')'))
            break;
          return fail(error, "bad shape tuple");
        }
        haveShape = true;
      } else {
        return fail(error, "unknown header key '" + key + "'");
      }
      skip();
      if (eat(','))
        continue;
      skip();
      if (eat('}'))
        break;
      return fail(error, "expected ',' or '}'");
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return fail(error, "the header lacks descr, fortran_order or shape");
    // What follows the dict is padding: spaces and the final newline.
    for (; p_ < s_.size(); ++p_)
      if (s_[p_] != ' ' && s_[p_] != '\n')
        return fail(error, "unexpected text after the dict (the padding holds "
                           "only spaces and a newline)");
    return true;
  }

private:
  bool fail(std::string &error, const std::string &msg) {
    error = msg;
    return false;
  }
  void skip() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n'))
      ++p_;
  }
  bool eat(char c) {
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool str(std::string &out) {
    if (p_ >= s_.size() || (s_[p_] != '\'' && s_[p_] != '"'))
      return false;
    char q = s_[p_++];
    size_t start = p_;
    while (p_ < s_.size() && s_[p_] != q)
      ++p_;
    if (p_ >= s_.size())
      return false;
    out.assign(s_.substr(start, p_ - start));
    ++p_;
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
};
} // namespace

bool mpt::rt::npyCheckedSize(const std::vector<int64_t> &shape,
                             uint64_t itemSize, int64_t &elements,
                             int64_t &bytes) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return false;
  int64_t b;
  if (itemSize > static_cast<uint64_t>(INT64_MAX) ||
      __builtin_mul_overflow(n, static_cast<int64_t>(itemSize), &b))
    return false;
  elements = n;
  bytes = b;
  return true;
}

static std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

Expected<NpyHeader> mpt::rt::parseNpyHeader(std::string_view bytes,
                                            const std::string &name) {
  auto fail = [&](const std::string &why) {
    return Status::error(name + ": " + why);
  };
  if (bytes.size() < 10 || bytes.substr(0, 6) != "\x93NUMPY")
    return fail("not a .npy file");
  int major = static_cast<unsigned char>(bytes[6]);
  int minor = static_cast<unsigned char>(bytes[7]);
  if (minor != 0 && major >= 1 && major <= 3)
    return fail(".npy format version " + std::to_string(major) + "." +
                std::to_string(minor) + " is not supported");
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    headerStart = 12;
  } else {
    return fail(".npy format version " + std::to_string(major) +
                " is not supported");
  }
  if (bytes.size() - headerStart < headerLen)
    return fail("truncated .npy header");
  std::string error;
  bool fortran = false;
  NpyHeader h;
  HeaderParser hp(bytes.substr(headerStart, headerLen));
  if (!hp.parse(h.descr, fortran, h.shape, error))
    return fail("bad .npy header: " + error);
  if (fortran)
    return fail("Fortran-order arrays are not supported (save with "
                "np.ascontiguousarray)");
  if (h.descr.size() >= 2 && h.descr[0] == '=')
    h.descr[0] = '<';
  int64_t bytesOfOne;
  if (!npyCheckedSize(h.shape, 1, h.numElements, bytesOfOne))
    return fail("bad .npy header: shape " + shapeTuple(h.shape) +
                " has more elements than fit in 64 bits");
  h.dataOffset = headerStart + headerLen;
  return h;
}

Expected<std::string_view> mpt::rt::npyData(std::string_view bytes,
                                            const NpyHeader &header,
                                            size_t itemSize,
                                            const std::string &name,
                                            const std::string &what) {
  auto fail = [&](const std::string &why) {
    return Status::error(name + ": " + why);
  };
  int64_t elements, want;
  if (!npyCheckedSize(header.shape, itemSize, elements, want))
    return fail("bad .npy header: " + what + " is more than 2^63 bytes");
  if (header.dataOffset > bytes.size())
    return fail("truncated .npy header");
  uint64_t have = bytes.size() - header.dataOffset;
  if (have < static_cast<uint64_t>(want))
    return fail("truncated .npy data (" + std::to_string(have) + " of " +
                std::to_string(want) + " bytes for " + what + ")");
  if (have > static_cast<uint64_t>(want))
    return fail("corrupt .npy file (" +
                std::to_string(have - static_cast<uint64_t>(want)) +
                " bytes after the data)");
  return bytes.substr(header.dataOffset);
}

std::string mpt::rt::serializeNpyFile(std::string_view descr,
                                      const std::vector<int64_t> &shape,
                                      std::string_view data) {
  // numpy.lib.format._write_array_header + _wrap_header.
  std::string header =
      "{'descr': '" + std::string(descr) +
      "', 'fortran_order': False, 'shape': " + shapeTuple(shape) + ", }";
  if (!shape.empty()) // room to grow the first axis in place
    header.append(21 - std::min<size_t>(21, std::to_string(shape[0]).size()),
                  ' ');
  // Version 1.0 has a 2-byte header length, 2.0 a 4-byte one.
  bool v2 = header.size() + 1 + 64 > 65535;
  size_t prefix = v2 ? 12 : 10;
  size_t hlen = header.size() + 1;
  header.append(64 - ((prefix + hlen) % 64), ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += v2 ? '\x02' : '\x01';
  out += '\x00';
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  out += header;
  out.append(data.data(), data.size());
  return out;
}

size_t mpt::rt::npyItemSize(std::string_view descr) {
  // '<f4', '|b1', '<V2': a byte order, a kind with fixed-size items, the
  // size (unicode, dates and objects need more than the size to tell).
  if (descr.size() < 3 || descr.size() > 4 ||
      std::string_view("<>|=").find(descr[0]) == std::string_view::npos ||
      std::string_view("fiubcV").find(descr[1]) == std::string_view::npos)
    return 0;
  size_t n = 0;
  for (char c : descr.substr(2)) {
    if (c < '0' || c > '9')
      return 0;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

SizePromise mpt::rt::npySizePromise() {
  SizePromise p;
  // Every version 1.0 header fits; a longer one (2.0, 3.0) leaves the file
  // unbounded here, and its parser still checks every byte.
  p.headBytes = 12 + 65535;
  p.promisedSize = [](std::string_view head) -> std::optional<uint64_t> {
    Expected<NpyHeader> h = parseNpyHeader(head, "");
    if (h.failed())
      return std::nullopt;
    int64_t elements, bytes;
    size_t item = npyItemSize(h->descr);
    if (!item || !npyCheckedSize(h->shape, item, elements, bytes) ||
        static_cast<uint64_t>(bytes) > UINT64_MAX - h->dataOffset)
      return std::nullopt;
    return h->dataOffset + static_cast<uint64_t>(bytes);
  };
  return p;
}
