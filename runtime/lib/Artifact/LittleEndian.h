//===- LittleEndian.h - Little-endian integers in byte strings -*- C++ -*-===//
//
// The artifact container and the checkpoint format store every integer
// little-endian, byte by byte, whatever the host's byte order.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_ARTIFACT_LITTLEENDIAN_H
#define MPT_RUNTIME_LIB_ARTIFACT_LITTLEENDIAN_H

#include <cstdint>
#include <string>

namespace mpt {
namespace rt {

/// Appends the low `bytes` bytes of `v`, least significant first.
inline void putLE(std::string &out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

/// Overwrites `bytes` bytes at `at` with `v`, least significant first.
inline void setLE(std::string &out, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

/// Reads `bytes` bytes at `p`, least significant first.
inline uint64_t getLE(const char *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_ARTIFACT_LITTLEENDIAN_H
