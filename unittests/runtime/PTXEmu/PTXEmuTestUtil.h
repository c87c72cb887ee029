//===- PTXEmuTestUtil.h - Helpers for the PTX emulator tests ----*- C++ -*-===//

#ifndef MPT_UNITTESTS_PTXEMU_TESTUTIL_H
#define MPT_UNITTESTS_PTXEMU_TESTUTIL_H

#include "mpt-runtime/PTXEmu.h"

#include "gtest/gtest.h"

#include <cstring>
#include <string>
#include <vector>

namespace mpt {
namespace ptxemu {
namespace test {

inline std::string module(const std::string &body) {
  return ".version 8.0\n.target sm_80\n.address_size 64\n" + body;
}

/// An entry `k(.param .u64 out)` whose body starts with the usual register
/// declarations and computes %rd3 = &out[tid.x] (4-byte elements) and
/// %rd4 = &out[tid.x] (8-byte elements); %r0 = %tid.x.
inline std::string kernel(const std::string &code,
                          const std::string &extraParams = "",
                          const std::string &decls = "") {
  return module(decls + ".visible .entry k(.param .u64 out" + extraParams +
                ")\n{\n"
                "  .reg .pred %p<10>;\n  .reg .b16 %h<10>;\n"
                "  .reg .b32 %r<40>;\n  .reg .f32 %f<20>;\n"
                "  .reg .b64 %rd<20>;\n  .reg .f64 %fd<10>;\n"
                "  ld.param.u64 %rd1, [out];\n  mov.u32 %r0, %tid.x;\n"
                "  mul.wide.u32 %rd2, %r0, 4;\n  add.s64 %rd3, %rd1, %rd2;\n"
                "  mul.wide.u32 %rd2, %r0, 8;\n  add.s64 %rd4, %rd1, %rd2;\n" +
                code + "\n  ret;\n}\n");
}

/// Loads `ptx`, runs kernel k over grid x block with an output buffer of
/// `n` elements of T (initialised to 0xFF bytes) plus `args`, and returns
/// the buffer. On a failure sets `error` (or fails the test if null).
template <typename T>
std::vector<T> run(const std::string &ptx, size_t n, Dim3 grid = {1, 1, 1},
                   Dim3 block = {32, 1, 1},
                   std::vector<KernelArg> args = {},
                   std::string *error = nullptr, size_t dynShared = 0,
                   LaunchOptions opts = {}) {
  std::string err;
  auto mod = Module::load(ptx, err);
  if (!mod) {
    if (error)
      *error = err;
    else
      ADD_FAILURE() << err << "\n" << ptx;
    return {};
  }
  Device dev;
  DevicePtr out = dev.alloc(n * sizeof(T));
  args.insert(args.begin(), KernelArg::ptr(out));
  LaunchResult r = dev.launch(*mod, "k", grid, block, dynShared, args, opts);
  if (!r.ok) {
    if (error)
      *error = r.error;
    else
      ADD_FAILURE() << r.error;
    return {};
  }
  std::vector<T> host(n);
  EXPECT_TRUE(dev.memcpyDtoH(host.data(), out, n * sizeof(T), err)) << err;
  return host;
}

inline uint32_t bitsF(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float floatB(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

} // namespace test
} // namespace ptxemu
} // namespace mpt

#endif
