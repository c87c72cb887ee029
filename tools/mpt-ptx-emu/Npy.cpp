//===- Npy.cpp - Minimal .npy reader and writer ---------------------------===//

#include "Npy.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mpt {
namespace npy {

static const struct {
  const char *name;
  const char *descr;
} kDtypes[] = {
    {"f16", "<f2"}, {"bf16", "<u2"}, {"f32", "<f4"}, {"f64", "<f8"},
    {"i8", "|i1"},  {"u8", "|u1"},   {"i16", "<i2"}, {"u16", "<u2"},
    {"i32", "<i4"}, {"u32", "<u4"},  {"i64", "<i8"}, {"u64", "<u8"},
    {"bool", "|b1"},
};

std::string descrOf(const std::string &dtype) {
  for (const auto &d : kDtypes)
    if (dtype == d.name)
      return d.descr;
  return "";
}

size_t itemSizeOf(const std::string &descr) {
  if (descr.size() < 3)
    return 0;
  const char order = descr[0];
  if (order != '<' && order != '|' && order != '=')
    return 0; // big-endian is not supported
  const char kind = descr[1];
  if (!std::strchr("fiubV", kind))
    return 0;
  size_t n = 0;
  for (size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit((unsigned char)descr[i]))
      return 0;
    n = n * 10 + (size_t)(descr[i] - '0');
  }
  if (kind == 'f' && n != 2 && n != 4 && n != 8)
    return 0;
  if ((kind == 'i' || kind == 'u') && n != 1 && n != 2 && n != 4 && n != 8)
    return 0;
  if (kind == 'b' && n != 1)
    return 0;
  if (kind == 'V' && n != 2)
    return 0;
  return n;
}

size_t Array::itemSize() const { return itemSizeOf(descr); }
size_t Array::count() const {
  size_t n = 1;
  for (uint64_t d : shape)
    n *= d;
  return n;
}

/// Value of `key` in the header dict, as raw text up to the next top-level
/// comma or closing brace.
static bool dictValue(const std::string &h, const std::string &key,
                      std::string &out) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos)
    k = h.find("\"" + key + "\"");
  if (k == std::string::npos)
    return false;
  size_t colon = h.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t i = colon + 1;
  while (i < h.size() && std::isspace((unsigned char)h[i]))
    ++i;
  int depth = 0;
  size_t start = i;
  for (; i < h.size(); ++i) {
    char c = h[i];
    if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  out = h.substr(start, i - start);
  while (!out.empty() && std::isspace((unsigned char)out.back()))
    out.pop_back();
  return true;
}

bool read(const std::string &path, Array &out, std::string &error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                             std::istreambuf_iterator<char>());
  auto bad = [&](const std::string &why) {
    error = "'" + path + "' is not a supported .npy file: " + why;
    return false;
  };
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    return bad("missing the \\x93NUMPY magic");
  const unsigned major = bytes[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = bytes[8] | (bytes[9] << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return bad("truncated header");
    hlen = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) |
           ((size_t)bytes[11] << 24);
    hstart = 12;
  } else {
    return bad("format version " + std::to_string(major));
  }
  if (hstart + hlen > bytes.size())
    return bad("truncated header");
  const std::string h(bytes.begin() + (long)hstart,
                      bytes.begin() + (long)(hstart + hlen));
  std::string descr, fortran, shape;
  if (!dictValue(h, "descr", descr) || !dictValue(h, "fortran_order", fortran) ||
      !dictValue(h, "shape", shape))
    return bad("header without descr/fortran_order/shape");
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"'))
    return bad("structured dtypes are not supported");
  descr = descr.substr(1, descr.size() - 2);
  if (fortran != "False")
    return bad("Fortran-order arrays are not supported (use C order)");
  if (!itemSizeOf(descr))
    return bad("unsupported dtype '" + descr + "'");
  out.descr = descr;
  out.shape.clear();
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    return bad("malformed shape");
  std::stringstream ss(shape.substr(1, shape.size() - 2));
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(" \t");
    if (a == std::string::npos)
      continue;
    item = item.substr(a);
    while (!item.empty() && (item.back() == ' ' || item.back() == 'L'))
      item.pop_back();
    char *end;
    unsigned long long v = std::strtoull(item.c_str(), &end, 10);
    if (*end)
      return bad("malformed shape");
    out.shape.push_back(v);
  }
  const size_t need = out.count() * out.itemSize();
  const size_t have = bytes.size() - hstart - hlen;
  if (have < need)
    return bad("data is " + std::to_string(have) + " bytes, the header says " +
               std::to_string(need));
  out.data.assign(bytes.begin() + (long)(hstart + hlen),
                  bytes.begin() + (long)(hstart + hlen + need));
  return true;
}

bool write(const std::string &path, const Array &a, std::string &error) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i)
    shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : i + 1 < a.shape.size() ? ", " : "");
  shape += ")";
  std::string h = "{'descr': '" + a.descr +
                  "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot write '" + path + "'";
    return false;
  }
  const uint16_t hl = (uint16_t)h.size();
  f.write("\x93NUMPY\x01\x00", 8);
  f.put((char)(hl & 0xff));
  f.put((char)(hl >> 8));
  f.write(h.data(), (std::streamsize)h.size());
  f.write((const char *)a.data.data(), (std::streamsize)a.data.size());
  if (!f) {
    error = "error writing '" + path + "'";
    return false;
  }
  return true;
}

} // namespace npy
} // namespace mpt
