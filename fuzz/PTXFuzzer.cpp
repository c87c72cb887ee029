//===- PTXFuzzer.cpp - libFuzzer target: the PTX parser and emulator ------===//
//
// PTX text through the emulator's lexer, parser and decoder
// (ptxemu::Module::load, what cuda-emu and mpt-ptx-emu do with an
// artifact's PTX); when it loads, its first kernel is launched on one block
// of at most 64 threads, every pointer parameter aimed at one 4 KiB
// allocation and every other parameter zero, stopped after 20,000 warp
// instructions: a wrong address must be an error of the launch, never a
// fault of the emulator. Seeds: the PTX of test/PTXEmu and of kernels mpt
// compiles (fuzz/corpus.sh).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/PTXEmu.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace mpt::ptxemu;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::unique_ptr<Module> m = Module::load(text, error, "fuzz.ptx");
  if (!m || m->kernels().empty())
    return 0;
  const KernelInfo &k = m->kernels().front();
  Device dev;
  DevicePtr buf = dev.alloc(4096);
  std::vector<KernelArg> args;
  for (const ParamInfo &p : k.params) {
    if (p.isPointer && p.size == 8) {
      args.push_back(KernelArg::ptr(buf));
    } else {
      std::vector<uint8_t> zero(p.size, 0);
      args.push_back(KernelArg::raw(zero.data(), zero.size()));
    }
  }
  Dim3 block{32, 1, 1};
  if (k.reqntid.x)
    block = {k.reqntid.x, std::max(1u, k.reqntid.y), std::max(1u, k.reqntid.z)};
  if (uint64_t(block.x) * block.y * block.z > 64)
    return 0;
  LaunchOptions options;
  options.maxWarpInstructions = 20000;
  (void)dev.launch(*m, k.name, Dim3{1, 1, 1}, block, 0, args, options);
  return 0;
}
