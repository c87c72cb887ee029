//===- LaunchPlan.h - The launch plan of a GPU artifact ---------*- C++ -*-===//
//
// A `--target=cuda` artifact carries no host code. For static shapes a
// compiled step is a fixed sequence of kernel launches and device copies
// over a fixed set of buffers, so mpt-compile records that sequence (the
// launch plan, JSON) and the runtime interprets it on any GPU device
// (cuda, cuda-emu):
//
//   buffers  every memory a function touches: the call's own buffers
//            (arguments, then results, as Program::call passes them), slices
//            of one arena of temporaries (offsets planned at compile time
//            from the temporaries' lifetimes, so buffers are reused once
//            dead), and constants (uploaded once, from the artifact's
//            device-constants section)
//   steps    launch (kernel, grid, block, dynamic shared memory, arguments:
//            a buffer's base address or a scalar), copy (bytes between two
//            buffers) and zero (bytes of a buffer set to 0)
//
// Functions of one artifact run one at a time and share the arena, whose
// size is the largest any of them needs. The format is documented in
// docs/gpu.md ("The launch plan").
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LAUNCHPLAN_H
#define MPT_RUNTIME_LAUNCHPLAN_H

#include "mpt-runtime/Json.h"
#include "mpt-runtime/Status.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

struct Manifest;

/// Alignment of every arena slot and of the constant data's pieces.
constexpr uint64_t kPlanAlignment = 256;

/// One memory a function's steps refer to.
struct PlanBuffer {
  enum class Kind : uint8_t { Argument, Arena, Constant };
  Kind kind = Kind::Argument;
  /// Argument: the position in the call's buffer list (arguments first,
  /// then results).
  uint64_t index = 0;
  /// Arena / Constant: the byte offset in the arena / constant data.
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

/// One kernel parameter.
struct PlanValue {
  enum class Kind : uint8_t { Buffer, I32, I64, F32, F64 };
  Kind kind = Kind::Buffer;
  uint32_t buffer = 0;   ///< Buffer: index into FunctionPlan::buffers
  int64_t intValue = 0;  ///< I32 / I64
  double floatValue = 0; ///< F32 / F64
};

struct PlanStep {
  enum class Kind : uint8_t { Launch, Copy, Zero };
  Kind kind = Kind::Launch;
  // Launch.
  std::string kernel;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t sharedBytes = 0; ///< dynamic shared memory
  std::vector<PlanValue> args;
  // Copy (src -> dst) and Zero (dst).
  uint32_t dst = 0, src = 0;
  uint64_t dstOffset = 0, srcOffset = 0, bytes = 0;
};

struct FunctionPlan {
  std::string name; ///< the manifest function it runs
  std::vector<PlanBuffer> buffers;
  std::vector<PlanStep> steps;
  /// Bytes of the arena this function uses.
  uint64_t arenaBytes = 0;
};

/// What the plan says about one kernel (for reports and checks).
struct PlanKernel {
  std::string name;
  std::string family; ///< "gemm", "elementwise", ...
  std::string tile;   ///< tensor-core tile, or empty
  uint32_t params = 0;
};

struct LaunchPlan {
  static constexpr int64_t kVersion = 1;
  /// Compute capability the PTX was generated for (80, 90).
  uint32_t sm = 80;
  /// The arena every function shares: the largest arenaBytes.
  uint64_t arenaBytes = 0;
  std::vector<PlanKernel> kernels;
  std::vector<FunctionPlan> functions;

  const FunctionPlan *findFunction(std::string_view name) const;
  const PlanKernel *findKernel(std::string_view name) const;

  Json toJson() const;
  std::string toJsonText(int indent = -1) const;
  static Expected<LaunchPlan> fromJsonText(std::string_view text);

  /// Checks the plan against the signature table and the constant data:
  /// one function plan per manifest function, argument buffers in range and
  /// of the signature's byte sizes, arena and constant slices inside their
  /// memory, copies inside their buffers, kernels declared, launch
  /// dimensions non-zero and within CUDA's limits.
  Status validate(const Manifest &manifest, uint64_t constantBytes) const;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LAUNCHPLAN_H
