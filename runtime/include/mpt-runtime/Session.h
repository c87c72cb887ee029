//===- Session.h - Training sessions: state, steps, checkpoints -*- C++ -*-===//
//
// A Session runs the compiled functions of one artifact on one device. It
// owns every state tensor (parameters, working copies, optimizer state,
// loss-scale state) in two device buffers: a step reads the current buffer
// of each state argument and writes the result that updates it into the
// other one, then the two are swapped (results never alias arguments, so a
// failed step leaves the state as it was). It binds each step's inputs,
// reads back the loss, the loss scale and the skip flag, evaluates with
// eval_step, and saves and restores checkpoints.
//
//   auto art = mpt::rt::loadArtifact("model.mpt");            // Expected<>
//   auto s = mpt::rt::Session::create(*art, "cpu");            // state from
//   init s->setInput("x", x, xBytes); s->setInput("y", y, yBytes); auto r =
//   s->step();  // r->loss, r->scale, r->skipped, r->step
//   s->saveCheckpoint("run.ckpt");
//
// A session is not thread-safe; use one per thread.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_SESSION_H
#define MPT_RUNTIME_SESSION_H

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/Collective.h"
#include "mpt-runtime/Device.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

/// A parsed artifact, shared by the sessions that run it.
using ArtifactRef = std::shared_ptr<const ArtifactContents>;
Expected<ArtifactRef> loadArtifact(const std::string &path);

struct SessionOptions {
  std::string trainFunction = "train_step";
  /// May be absent from the artifact (then evalBatch() is an error).
  std::string evalFunction = "eval_step";
  /// Initialise state from the signature's init specs. Off when the state
  /// will come from a checkpoint (it starts zeroed), so artifacts whose
  /// state has no init can still resume.
  bool initializeState = true;
  /// The name used in messages (usually the artifact's path).
  std::string artifactName = "artifact";
  /// The collective a data-parallel step's all-reduce runs on (borrowed:
  /// it must outlive the session). Null: a single-process collective of the
  /// session's own, so a data-parallel artifact also trains alone.
  Collective *collective = nullptr;
  /// Threads the ops of a CPU step run on (ThreadPool.h), the calling
  /// thread included; 0: defaultThreadCount(). Results are bit for bit the
  /// same for every count.
  unsigned threads = 0;
};

struct StepResult {
  uint64_t step = 0; ///< global step count after this step (1 for the first)
  double loss = 0;   ///< the loss result (NaN when the function has none)
  /// The loss scale after this step's update (state `loss_scale.scale`),
  /// absent when the model has no loss scaling.
  std::optional<double> scale;
  /// The step was skipped (output `found_inf` was true).
  bool skipped = false;
};

struct EvalBatchResult {
  double loss = 0;     ///< NaN when eval_step has no loss
  int64_t correct = 0; ///< samples whose argmax(logits) equals the label
  int64_t count = 0;   ///< samples in the batch
  bool hasAccuracy = false;
};

struct MemoryStats {
  uint64_t parameterBytes = 0;   ///< role param, one copy
  uint64_t stateBytes = 0;       ///< every state tensor, one copy
  uint64_t stateBufferBytes = 0; ///< allocated for state (double buffers)
  uint64_t stepBufferBytes = 0;  ///< train_step inputs and non-state results
  uint64_t evalBufferBytes = 0;  ///< eval_step inputs and results
  uint64_t deviceBytes = 0;      ///< allocated on the device now
  uint64_t peakDeviceBytes = 0;
  /// The most bytes the compiled code held for its own temporaries
  /// (activations kept for the backward pass, intermediates) during one
  /// call of train_step, and of eval_step, when the code reports it (the
  /// peak is reset before every call, so one function's temporaries never
  /// count for the other).
  std::optional<uint64_t> trainScratchPeakBytes;
  std::optional<uint64_t> evalScratchPeakBytes;
  /// How many blocks malloc itself handed the compiled code for temporaries
  /// during train_step's first call, and during all later calls together;
  /// the freed bytes the code keeps for reuse now (mpt-compile
  /// --reuse-temporaries). With reuse, later calls of a step with static
  /// shapes take none from malloc.
  std::optional<uint64_t> firstTrainSystemAllocations;
  std::optional<uint64_t> laterTrainSystemAllocations;
  std::optional<uint64_t> scratchKeptBytes;
};

class Session {
public:
  static Expected<std::unique_ptr<Session>>
  create(ArtifactRef artifact, std::string_view device,
         const SessionOptions &options = {});
  ~Session();

  const Manifest &manifest() const;
  const FunctionSig &trainFunction() const;
  /// nullptr when the artifact has no eval function.
  const FunctionSig *evalFunction() const;
  Device &device();
  /// The collective the step's all-reduce runs on.
  Collective &collective();
  /// The threads the step's ops run on (1 for code without the
  /// parallel-for hook, or on a GPU).
  unsigned threads() const;
  /// Launch counts when the artifact runs as a GPU program (nullopt for
  /// native code).
  std::optional<ProgramStats> programStats() const;

  // State.
  /// Every state tensor, in train_step argument order.
  std::vector<const TensorSpec *> stateSpecs() const;
  const TensorSpec *findState(std::string_view name) const;
  /// Resets every state tensor to its initial value and the step count to 0.
  Status initializeState();
  Status readState(std::string_view name, void *dst, size_t bytes) const;
  Status writeState(std::string_view name, const void *src, size_t bytes);
  /// Recomputes every state tensor initialised as a cast of another
  /// (`cast_of`: the low-precision working copies) from its source's current
  /// value, after the sources were written with writeState.
  Status refreshCastStates();
  uint64_t stepCount() const;
  void setStepCount(uint64_t step);

  // Training.
  /// The train_step inputs, in argument order.
  std::vector<const TensorSpec *> inputSpecs() const;
  /// Copies one input (spec.byteSize() bytes, row-major) for the next
  /// steps; it stays bound until set again.
  Status setInput(std::string_view name, const void *data, size_t bytes);
  /// Runs train_step once. On error the state is unchanged. A step count of
  /// 2^64 - 1 cannot advance: step() refuses to run.
  Expected<StepResult> step();
  /// Copies result `name` (or, for an unnamed result, `#<index>`) of the
  /// last train step to `dst`.
  Status readResult(std::string_view name, void *dst, size_t bytes) const;

  // Evaluation.
  std::vector<const TensorSpec *> evalInputSpecs() const;
  Status setEvalInput(std::string_view name, const void *data, size_t bytes);
  /// Runs eval_step on the current state and the bound eval inputs.
  /// Accuracy: argmax of the output named "logits" (or the only output)
  /// against the integer input named "y" (or the only integer input), one
  /// label per row of the logits. Float labels (a regression target) give
  /// no accuracy (hasAccuracy false).
  Expected<EvalBatchResult> evalBatch();

  // Checkpoints.
  /// The checkpoint file bytes of the current state and step count.
  Expected<std::string> serializeCheckpoint() const;
  /// Restores state and step count; on any error (corrupt, truncated,
  /// bytes after the last tensor, a step count of 2^64 - 1, another
  /// signature) the session is unchanged.
  Status restoreCheckpoint(std::string_view bytes, const std::string &name);
  /// Written atomically (temporary file + rename).
  Status saveCheckpoint(const std::string &path,
                        const AtomicWriteOptions &options = {}) const;
  Status loadCheckpoint(const std::string &path);

  MemoryStats memoryStats() const;

  struct Impl;

private:
  explicit Session(std::unique_ptr<Impl> impl);
  static Expected<std::unique_ptr<Session>>
  createOrThrow(ArtifactRef artifact, std::string_view device,
                const SessionOptions &options);
  Expected<std::string> serializeCheckpointOrThrow() const;
  std::unique_ptr<Impl> impl_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_SESSION_H
