//===- CudaEmuDevice.cpp - GPU kernels on the PTX emulator ----------------===//

#include "CudaEmuDevice.h"

#include <cstring>

using namespace mpt::rt;

namespace {
/// A PTX module loaded for the emulator.
class EmuModule : public Module {
public:
  explicit EmuModule(std::unique_ptr<mpt::ptxemu::Module> module)
      : module_(std::move(module)) {}
  CodeKind kind() const override { return CodeKind::Ptx; }
  bool hasEntry(const std::string &entry) const override {
    return module_->findKernel(entry) != nullptr;
  }
  const mpt::ptxemu::Module &ptx() const { return *module_; }

private:
  std::unique_ptr<mpt::ptxemu::Module> module_;
};
} // namespace

std::string CudaEmuDevice::description() const {
  return "PTX emulator on the host CPU (functional GPU model, no timing)";
}

Expected<DevicePtr> CudaEmuDevice::allocate(size_t bytes) {
  DevicePtr p = emu_.alloc(bytes);
  if (!p)
    return Status::error("cuda-emu: out of emulated device memory allocating " +
                         std::to_string(bytes) + " bytes");
  memory_.allocated(p, bytes);
  return p;
}

void CudaEmuDevice::release(DevicePtr ptr) {
  if (memory_.released(ptr))
    emu_.free(ptr);
}

Status CudaEmuDevice::copyToDevice(DevicePtr dst, const void *src,
                                   size_t bytes) {
  std::string error;
  if (!emu_.memcpyHtoD(dst, src, bytes, error))
    return Status::error("cuda-emu: copy to device failed: " + error);
  return Status::success();
}

Status CudaEmuDevice::copyToHost(void *dst, DevicePtr src, size_t bytes) {
  std::string error;
  if (!emu_.memcpyDtoH(dst, src, bytes, error))
    return Status::error("cuda-emu: copy to host failed: " + error);
  return Status::success();
}

Status CudaEmuDevice::copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) {
  std::string error;
  if (!emu_.memcpyDtoD(dst, src, bytes, error))
    return Status::error("cuda-emu: device copy failed: " + error);
  return Status::success();
}

Status CudaEmuDevice::fillZero(DevicePtr dst, size_t bytes) {
  if (!bytes)
    return Status::success();
  std::string error;
  if (!emu_.memset(dst, 0, bytes, error))
    return Status::error("cuda-emu: memset failed: " + error);
  return Status::success();
}

DeviceMemoryUsage CudaEmuDevice::memoryUsage() const { return memory_.usage(); }

Expected<std::unique_ptr<Module>>
CudaEmuDevice::loadModule(const CodeImage &image) {
  if (image.kind != CodeKind::Ptx)
    return Status::error(image.name +
                         ": device cuda-emu runs PTX, not native code");
  std::string error;
  std::unique_ptr<mpt::ptxemu::Module> module =
      mpt::ptxemu::Module::load(image.bytes, error, image.name);
  if (!module)
    return Status::error(error);
  return std::unique_ptr<Module>(new EmuModule(std::move(module)));
}

Status CudaEmuDevice::launch(Module &module, const std::string &entry,
                             const LaunchConfig &config, void *const *args,
                             size_t numArgs) {
  if (module.kind() != CodeKind::Ptx)
    return Status::error("cuda-emu: cannot launch native code (" + entry + ")");
  const mpt::ptxemu::Module &ptx = static_cast<EmuModule &>(module).ptx();
  const mpt::ptxemu::KernelInfo *kernel = ptx.findKernel(entry);
  if (!kernel)
    return Status::error("cuda-emu: module " + ptx.name() + " has no kernel " +
                         entry);
  if (numArgs != kernel->params.size())
    return Status::error("cuda-emu: kernel " + entry + " takes " +
                         std::to_string(kernel->params.size()) +
                         " parameters, the launch gives " +
                         std::to_string(numArgs));
  // Each argument points at its value; the parameter list gives the size.
  std::vector<mpt::ptxemu::KernelArg> kernelArgs;
  kernelArgs.reserve(numArgs);
  for (size_t i = 0; i < numArgs; ++i)
    kernelArgs.push_back(
        mpt::ptxemu::KernelArg::raw(args[i], kernel->params[i].size));
  mpt::ptxemu::LaunchResult result =
      emu_.launch(ptx, entry, {config.grid.x, config.grid.y, config.grid.z},
                  {config.block.x, config.block.y, config.block.z},
                  config.sharedBytes, kernelArgs);
  if (!result.ok)
    return Status::error("cuda-emu: kernel " + entry + ": " + result.error);
  return Status::success();
}

Expected<std::unique_ptr<Program>>
CudaEmuDevice::loadProgram(const ArtifactContents &artifact,
                           const std::string &name) {
  return loadPlanProgram(*this, artifact, name);
}

std::vector<std::pair<std::string, uint64_t>> CudaEmuDevice::counters() const {
  const ptxemu::LaunchStats &s = emu_.stats();
  return {{"thread_instructions", s.threadInstructions},
          {"warp_instructions", s.warpInstructions},
          {"mma_instructions", s.mmaInstructions},
          {"blocks", s.blocks}};
}
