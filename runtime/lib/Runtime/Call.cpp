//===- Call.cpp - Calling any function of an artifact once ----------------===//

#include "mpt-runtime/Call.h"

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/Init.h"
#include "mpt-runtime/ThreadPool.h"

#include <vector>

using namespace mpt::rt;

struct FunctionCall::Impl {
  ArtifactRef artifact;
  std::string name; ///< the artifact's, for messages
  std::unique_ptr<Device> device;
  std::unique_ptr<Program> program;
  /// The threads of a CPU function's ops; destroyed before the program.
  std::unique_ptr<ThreadPool> pool;
  const FunctionSig *function = nullptr;
  std::vector<DeviceBuffer> args, results;
  std::vector<bool> set;

  Status initialize(size_t i);
  /// Gives every argument that was not set its initial value.
  Status initializeArguments();
  /// Issues the program's call with every argument and result buffer.
  Status call();
};

FunctionCall::FunctionCall(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
FunctionCall::~FunctionCall() = default;

Expected<std::unique_ptr<FunctionCall>>
FunctionCall::create(ArtifactRef artifact, std::string_view device,
                     std::string_view function, const std::string &artifactName,
                     unsigned threads) {
  auto impl = std::make_unique<Impl>();
  impl->artifact = std::move(artifact);
  impl->name = artifactName;
  impl->function = impl->artifact->manifest.findFunction(function);
  if (!impl->function) {
    std::string list;
    for (const FunctionSig &f : impl->artifact->manifest.functions)
      list += (list.empty() ? "" : ", ") + f.name;
    return Status::error(artifactName + ": the artifact has no function '" +
                         std::string(function) + "' (it has: " + list + ")");
  }
  Expected<std::unique_ptr<Device>> dev = createDevice(device);
  if (dev.failed())
    return dev.status();
  impl->device = dev.take();
  Expected<std::unique_ptr<Program>> prog =
      impl->device->loadProgram(*impl->artifact, artifactName);
  if (prog.failed())
    return prog.status();
  impl->program = prog.take();
  if (impl->program->hostSymbol("mpt_set_parallel_for")) {
    impl->pool =
        std::make_unique<ThreadPool>(threads ? threads : defaultThreadCount());
    impl->pool->install(*impl->program);
  }
  auto allocate = [&](const TensorSpec &t, std::vector<DeviceBuffer> &into,
                      const std::string &what) -> Status {
    Expected<DeviceBuffer> b =
        DeviceBuffer::allocate(*impl->device, t.byteSize());
    Status st =
        b.ok() ? impl->device->fillZero(b->ptr(), t.byteSize()) : b.status();
    if (st.failed())
      return st.withContext(artifactName + ": " + what + " (" + t.typeString() +
                            ")");
    into.push_back(b.take());
    return Status::success();
  };
  for (const TensorSpec &a : impl->function->args)
    if (Status st = allocate(a, impl->args, "argument '" + a.name + "'");
        st.failed())
      return st;
  for (size_t r = 0; r < impl->function->results.size(); ++r)
    if (Status st = allocate(impl->function->results[r], impl->results,
                             "result #" + std::to_string(r));
        st.failed())
      return st;
  impl->set.assign(impl->args.size(), false);
  return std::unique_ptr<FunctionCall>(new FunctionCall(std::move(impl)));
}

const FunctionSig &FunctionCall::function() const { return *impl_->function; }
Device &FunctionCall::device() { return *impl_->device; }
const Program &FunctionCall::program() const { return *impl_->program; }
bool FunctionCall::isSet(size_t i) const { return impl_->set.at(i); }

Status FunctionCall::setArgument(std::string_view name, const void *data,
                                 size_t bytes) {
  int i = impl_->function->findArg(name);
  if (i < 0)
    return Status::error(impl_->function->name + " has no argument '" +
                         std::string(name) + "'");
  const TensorSpec &t = impl_->function->args[i];
  if (bytes != t.byteSize())
    return Status::error("argument '" + t.name + "' (" + t.typeString() +
                         ") takes " + std::to_string(t.byteSize()) +
                         " bytes, got " + std::to_string(bytes));
  if (Status st = checkClassLabels(t, data, bytes,
                                   impl_->function->name + ": argument '" +
                                       t.name + "'");
      st.failed())
    return st;
  if (Status st =
          impl_->device->copyToDevice(impl_->args[i].ptr(), data, bytes);
      st.failed())
    return st;
  impl_->set[i] = true;
  return Status::success();
}

Status FunctionCall::Impl::initialize(size_t i) {
  const TensorSpec &t = function->args[i];
  std::vector<unsigned char> host(t.byteSize());
  if (t.init.dist == InitSpec::Dist::CastOf) {
    int source = function->findArg(t.init.source);
    if (source < 0 || !set[source])
      return Status::error("argument '" + t.name + "' is a cast of '" +
                           t.init.source + "', which has no value yet");
    const TensorSpec &s = function->args[source];
    std::vector<unsigned char> from(s.byteSize());
    if (Status st =
            device->copyToHost(from.data(), args[source].ptr(), from.size());
        st.failed())
      return st;
    convertElements(s.dtype, from.data(), t.dtype, host.data(),
                    static_cast<size_t>(t.numElements()));
  } else if (Status st = fillInitialValue(t, host.data()); st.failed()) {
    return st;
  }
  if (Status st = device->copyToDevice(args[i].ptr(), host.data(), host.size());
      st.failed())
    return st;
  set[i] = true;
  return Status::success();
}

Status FunctionCall::Impl::initializeArguments() {
  const FunctionSig &f = *function;
  // Plain initial values first, then casts of values that exist.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < f.args.size(); ++i) {
      const TensorSpec &t = f.args[i];
      bool cast = t.init.dist == InitSpec::Dist::CastOf;
      if (set[i] || cast != (pass == 1))
        continue;
      if (t.init.dist == InitSpec::Dist::None)
        return Status::error(
            f.name + ": argument '" + t.name + "' (" + t.typeString() +
            ") has no value: give it (mpt-run --input=" + t.name +
            "=FILE.npy)");
      if (Status st = initialize(i); st.failed())
        return st.withContext(f.name);
    }
  return Status::success();
}

Status FunctionCall::Impl::call() {
  std::vector<DevicePtr> buffers;
  buffers.reserve(args.size() + results.size());
  for (const DeviceBuffer &b : args)
    buffers.push_back(b.ptr());
  for (const DeviceBuffer &b : results)
    buffers.push_back(b.ptr());
  return program->call(function->symbol, buffers.data(), buffers.size());
}

Status FunctionCall::run() {
  if (Status st = impl_->initializeArguments(); st.failed())
    return st;
  if (Status st = impl_->call(); st.failed())
    return st;
  return impl_->device->synchronize();
}

Expected<double> FunctionCall::runTimed() {
  if (Status st = impl_->initializeArguments(); st.failed())
    return st;
  Device &device = *impl_->device;
  if (Status st = device.startTimer(); st.failed())
    return st;
  if (Status st = impl_->call(); st.failed()) {
    // Leave no timer running: stop it, keeping the call's error.
    (void)device.stopTimer();
    return st;
  }
  return device.stopTimer();
}

Status FunctionCall::readResult(size_t index, void *dst, size_t bytes) const {
  const FunctionSig &f = *impl_->function;
  if (index >= f.results.size())
    return Status::error(f.name + " has " + std::to_string(f.results.size()) +
                         " results, not " + std::to_string(index + 1));
  if (bytes != f.results[index].byteSize())
    return Status::error("result #" + std::to_string(index) + " has " +
                         std::to_string(f.results[index].byteSize()) +
                         " bytes, not " + std::to_string(bytes));
  return impl_->device->copyToHost(dst, impl_->results[index].ptr(), bytes);
}
