//===- Call.h - Calling any function of an artifact once --------*- C++ -*-===//
//
// A Session trains: it owns state across steps of one training function.
// A FunctionCall runs any public function of an artifact once (an eval
// step, a plain function of tensors with no roles, or one training step on
// given state) with host data in and out, on any device, so that one
// function can be compared across devices and targets:
//
//   auto art = mpt::rt::loadArtifact("model.mpt");
//   auto call = mpt::rt::FunctionCall::create(*art, "cuda-emu", "matmul",
//                                             "model.mpt");
//   (*call)->setArgument("a", a.data(), a.size());
//   (*call)->setArgument("b", b.data(), b.size());
//   if (Status st = (*call)->run(); st.failed()) ...
//   (*call)->readResult(0, c.data(), c.size());
//
// runTimed() runs it the same way and returns the device's time for the
// call (mpt-run --call --repeat=N --warmup=K is a loop of these).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_CALL_H
#define MPT_RUNTIME_CALL_H

#include "mpt-runtime/Device.h"
#include "mpt-runtime/Session.h"
#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

class FunctionCall {
public:
  /// Loads the artifact's code for `device` and allocates the function's
  /// argument and result buffers. `threads`: the threads a CPU function's
  /// ops run on (ThreadPool.h; 0: defaultThreadCount()).
  static Expected<std::unique_ptr<FunctionCall>>
  create(ArtifactRef artifact, std::string_view device,
         std::string_view function, const std::string &artifactName,
         unsigned threads = 0);
  ~FunctionCall();

  const FunctionSig &function() const;
  Device &device();
  /// The program running the function (launch counts on GPU devices).
  const Program &program() const;

  /// Sets argument `name` to `bytes` bytes in its dtype (row-major).
  Status setArgument(std::string_view name, const void *data, size_t bytes);
  /// Whether argument `i` has been set.
  bool isSet(size_t i) const;

  /// Runs the function once and waits for it. Arguments that were not set
  /// take their initial value (`mpt.init`; `cast_of` converts the value the
  /// source argument has for this call); one with no initial value is an
  /// error naming it.
  Status run();

  /// Runs the function once like run() and returns the milliseconds the
  /// device took for the call, as Device::startTimer/stopTimer measure
  /// them around the program's call: GPU time between two CUDA events on
  /// `cuda`, the host's clock around the finished work on `cpu` and
  /// `cuda-emu`. Arguments that take their initial value get it before the
  /// timer starts, so only the function's own work is timed.
  Expected<double> runTimed();

  /// Copies result `index` (its spec's byteSize() bytes) to the host.
  Status readResult(size_t index, void *dst, size_t bytes) const;

private:
  struct Impl;
  explicit FunctionCall(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_CALL_H
