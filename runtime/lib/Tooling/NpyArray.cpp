//===- NpyArray.cpp - Typed .npy arrays: read, parse, write ---------------===//
//
// The .npy files of data sets, dumps and --call inputs as arrays of the
// runtime's element types (the container itself is Npy.cpp's).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/FileIO.h"
#include "mpt-tooling/Npy.h"

#include <new>

using namespace mpt::rt;

int64_t NpyArray::numElements() const {
  int64_t n, bytes;
  return npyCheckedSize(shape, 1, n, bytes) ? n : -1;
}

std::string mpt::rt::npyShapeText(const std::vector<int64_t> &shape,
                                  bool anyFirst) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += anyFirst && i == 0 ? "N" : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string mpt::rt::numpyTypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "float32";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16 (uint16 bits)";
  case DType::F64:
    return "float64";
  case DType::I1:
    return "bool";
  case DType::I8:
    return "int8";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  }
  return "?";
}

std::string NpyArray::describe() const {
  return numpyTypeName(dtype) + " " + npyShapeText(shape);
}

static const char *npyDescr(DType t) {
  switch (t) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<u2";
  case DType::F64:
    return "<f8";
  case DType::I1:
    return "|b1";
  case DType::I8:
    return "|i1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

/// Parses a .npy file; the data is taken from `owned` (the same bytes as
/// `bytes`, moved rather than copied) when it is given.
static Expected<NpyArray> parseNpyFrom(std::string_view bytes,
                                       const std::string &name,
                                       std::string *owned) {
  Expected<NpyHeader> h = parseNpyHeader(bytes, name);
  if (h.failed())
    return h.status();
  NpyArray a;
  a.shape = h->shape;
  std::string descr = h->descr;
  bool found = false;
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I1,
                  DType::I8, DType::I32, DType::I64})
    if (descr == npyDescr(t)) {
      a.dtype = t;
      found = true;
    }
  if (!found) {
    std::string why = "dtype '" + descr + "' is not supported";
    if (!descr.empty() && descr[0] == '>')
      why += " (big-endian)";
    return Status::error(name + ": " + why +
                         "; use float32/float16/float64, int8/int32/int64 or "
                         "bool");
  }
  Expected<std::string_view> data =
      npyData(bytes, *h, dtypeSize(a.dtype), name, a.describe());
  if (data.failed())
    return data.status();
  if (owned) {
    owned->erase(0, h->dataOffset);
    a.data = std::move(*owned);
    return a;
  }
  try {
    a.data.assign(*data);
  } catch (const std::bad_alloc &) {
    return Status::error(name + ": out of memory reading " + a.describe());
  }
  return a;
}

Expected<NpyArray> mpt::rt::parseNpy(std::string_view bytes,
                                     const std::string &name) {
  return parseNpyFrom(bytes, name, nullptr);
}

Expected<NpyArray> mpt::rt::readNpy(const std::string &path) {
  Expected<std::string> bytes = readFile(path, npySizePromise());
  if (bytes.failed())
    return bytes.status();
  return parseNpyFrom(*bytes, path, &*bytes);
}

std::string mpt::rt::serializeNpy(DType dtype,
                                  const std::vector<int64_t> &shape,
                                  std::string_view data) {
  return serializeNpyFile(npyDescr(dtype), shape, data);
}

Status mpt::rt::writeNpy(const std::string &path, const NpyArray &array) {
  return writeFileAtomic(path,
                         serializeNpy(array.dtype, array.shape, array.data));
}
