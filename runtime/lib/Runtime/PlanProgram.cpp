//===- PlanProgram.cpp - GPU artifacts: interpreting the launch plan ------===//
//
// A cuda artifact's functions are launch plans (mpt-runtime/LaunchPlan.h).
// Loading one uploads the PTX and the constants and allocates the arena once;
// a call resolves the plan's buffers (the call's own, arena slices,
// constants) to device addresses and issues the steps in order on the
// device, without synchronising: the caller reads results after
// Device::synchronize().
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/Device.h"
#include "mpt-runtime/LaunchPlan.h"

#include <cstring>
#include <unordered_map>

using namespace mpt::rt;

namespace {

class PlanProgram : public Program {
public:
  PlanProgram(Device &device, LaunchPlan plan) : device_(device), plan_(plan) {}

  Status load(const ArtifactContents &artifact, const std::string &name);

  Status call(const std::string &symbol, const DevicePtr *buffers,
              size_t count) override;

  /// The arena holds every temporary of a step: its size is the step's
  /// scratch memory.
  std::optional<uint64_t> scratchPeakBytes() const override {
    return plan_.arenaBytes;
  }

  std::optional<ProgramStats> stats() const override { return stats_; }

private:
  Status launch(const FunctionPlan &f, const PlanStep &step,
                const std::vector<DevicePtr> &ptrs);

  Device &device_;
  LaunchPlan plan_;
  std::unique_ptr<Module> module_;
  DeviceBuffer arena_, constants_;
  std::unordered_map<std::string, const FunctionPlan *> bySymbol_;
  ProgramStats stats_;
  // Reused between launches: parameter values and pointers to them.
  std::vector<uint64_t> values_;
  std::vector<void *> params_;
};

Status PlanProgram::load(const ArtifactContents &artifact,
                         const std::string &name) {
  CodeImage image;
  image.kind = CodeKind::Ptx;
  image.bytes = artifact.ptx;
  image.name = name;
  Expected<std::unique_ptr<Module>> module = device_.loadModule(image);
  if (module.failed())
    return module.status();
  module_ = module.take();
  for (const PlanKernel &k : plan_.kernels)
    if (!module_->hasEntry(k.name))
      return Status::error(name + ": the PTX has no kernel '" + k.name +
                           "' that the launch plan launches");
  for (const FunctionSig &sig : artifact.manifest.functions)
    if (const FunctionPlan *f = plan_.findFunction(sig.name)) {
      bySymbol_[sig.symbol] = f;
      uint64_t launches = 0;
      for (const PlanStep &step : f->steps)
        launches += step.kind == PlanStep::Kind::Launch;
      stats_.launchesPerCall.push_back({sig.name, launches});
    }
  stats_.kernels = plan_.kernels.size();

  Expected<DeviceBuffer> arena =
      DeviceBuffer::allocate(device_, plan_.arenaBytes);
  if (arena.failed())
    return Status(arena.status())
        .withContext(name + ": allocating the arena of " +
                     std::to_string(plan_.arenaBytes) + " bytes");
  arena_ = arena.take();
  const std::string &data = artifact.deviceConstants;
  Expected<DeviceBuffer> constants =
      DeviceBuffer::allocate(device_, data.size());
  if (constants.failed())
    return Status(constants.status())
        .withContext(name + ": allocating constants");
  constants_ = constants.take();
  if (!data.empty())
    if (Status st =
            device_.copyToDevice(constants_.ptr(), data.data(), data.size());
        st.failed())
      return st;
  return Status::success();
}

Status PlanProgram::call(const std::string &symbol, const DevicePtr *buffers,
                         size_t count) {
  auto it = bySymbol_.find(symbol);
  if (it == bySymbol_.end())
    return Status::error("the launch plan has no function '" + symbol + "'");
  const FunctionPlan &f = *it->second;
  std::vector<DevicePtr> ptrs(f.buffers.size());
  for (size_t i = 0; i < f.buffers.size(); ++i) {
    const PlanBuffer &b = f.buffers[i];
    switch (b.kind) {
    case PlanBuffer::Kind::Argument:
      if (b.index >= count)
        return Status::error(f.name + ": the launch plan reads call buffer " +
                             std::to_string(b.index) + " of " +
                             std::to_string(count));
      ptrs[i] = buffers[b.index];
      break;
    case PlanBuffer::Kind::Arena:
      ptrs[i] = arena_.ptr() + b.offset;
      break;
    case PlanBuffer::Kind::Constant:
      ptrs[i] = constants_.ptr() + b.offset;
      break;
    }
  }
  ++stats_.calls;
  for (const PlanStep &step : f.steps) {
    Status st = Status::success();
    switch (step.kind) {
    case PlanStep::Kind::Launch:
      st = launch(f, step, ptrs);
      break;
    case PlanStep::Kind::Copy:
      ++stats_.copies;
      st = device_.copyOnDevice(ptrs[step.dst] + step.dstOffset,
                                ptrs[step.src] + step.srcOffset, step.bytes);
      break;
    case PlanStep::Kind::Zero:
      ++stats_.copies;
      st = device_.fillZero(ptrs[step.dst] + step.dstOffset, step.bytes);
      break;
    }
    if (st.failed())
      return st.withContext(f.name);
  }
  return Status::success();
}

Status PlanProgram::launch(const FunctionPlan &f, const PlanStep &step,
                           const std::vector<DevicePtr> &ptrs) {
  ++stats_.launches;
  // Every parameter value lives in one 8-byte slot; kernels read the
  // parameter's own size from its start (little-endian).
  values_.assign(step.args.size(), 0);
  params_.resize(step.args.size());
  for (size_t i = 0; i < step.args.size(); ++i) {
    const PlanValue &v = step.args[i];
    switch (v.kind) {
    case PlanValue::Kind::Buffer:
      values_[i] = ptrs[v.buffer];
      break;
    case PlanValue::Kind::I32: {
      int32_t x = static_cast<int32_t>(v.intValue);
      std::memcpy(&values_[i], &x, sizeof x);
      break;
    }
    case PlanValue::Kind::I64:
      std::memcpy(&values_[i], &v.intValue, sizeof v.intValue);
      break;
    case PlanValue::Kind::F32: {
      float x = static_cast<float>(v.floatValue);
      std::memcpy(&values_[i], &x, sizeof x);
      break;
    }
    case PlanValue::Kind::F64:
      std::memcpy(&values_[i], &v.floatValue, sizeof v.floatValue);
      break;
    }
    params_[i] = &values_[i];
  }
  LaunchConfig config;
  config.grid = {step.grid[0], step.grid[1], step.grid[2]};
  config.block = {step.block[0], step.block[1], step.block[2]};
  config.sharedBytes = step.sharedBytes;
  return device_.launch(*module_, step.kernel, config, params_.data(),
                        params_.size());
}

} // namespace

Expected<std::unique_ptr<Program>>
mpt::rt::loadPlanProgram(Device &device, const ArtifactContents &artifact,
                         const std::string &name) {
  if (artifact.manifest.target != "cuda")
    return Status::error(name + ": compiled for target '" +
                         artifact.manifest.target + "'; device " +
                         device.name() +
                         " runs artifacts compiled with --target=cuda");
  if (!artifact.launchPlan)
    return Status::error(name + ": the artifact has no launch plan");
  auto program = std::make_unique<PlanProgram>(device, *artifact.launchPlan);
  if (Status st = program->load(artifact, name); st.failed())
    return st;
  return std::unique_ptr<Program>(std::move(program));
}
