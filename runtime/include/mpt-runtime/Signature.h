//===- Signature.h - The signature table of a compiled step ---*- C++ -*-===//
//
// What the runtime knows about a compiled function: every argument and
// result with its role, element type and shape, how each state argument is
// initialised, and which result replaces which argument on the next step.
// mpt-compile fills a Manifest from the `mpt.role`/`mpt.name`/`mpt.init`/
// `mpt.updates` attributes of the MLIR functions; the artifact carries it as
// JSON (schema in docs/runtime.md).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_SIGNATURE_H
#define MPT_RUNTIME_SIGNATURE_H

#include "mpt-runtime/DType.h"
#include "mpt-runtime/Json.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpt {
namespace rt {

/// The `mpt.role` of an argument or result. The numeric values are part of
/// the checkpoint format.
enum class Role : uint8_t {
  Param = 1,
  WorkingCopy = 2,
  OptState = 3,
  LossScaleState = 4,
  Input = 5,
  Loss = 6,
  Output = 7,
};

/// "param", "working_copy", "opt_state", "loss_scale_state", "input",
/// "loss", "output".
const char *roleName(Role r);
std::optional<Role> parseRole(std::string_view name);
/// Param, working copy, optimizer state or loss-scale state: tensors the
/// runtime owns and carries from step to step.
bool isStateRole(Role r);

/// How a state tensor starts (`init` in the table, `mpt.init` in MLIR).
struct InitSpec {
  enum class Dist : uint8_t { None, Zeros, Constant, Uniform, CastOf };
  Dist dist = Dist::None;
  double value = 0;   ///< constant
  double low = 0;     ///< uniform
  double high = 0;    ///< uniform
  uint64_t seed = 0;  ///< uniform (full unsigned 64-bit range)
  std::string source; ///< cast_of: the state tensor converted to this dtype

  static InitSpec zeros();
  static InitSpec constant(double v);
  static InitSpec uniform(double low, double high, uint64_t seed);
  static InitSpec castOf(std::string source);
};

/// The longest tensor name: names become file names (`<name>.npy`, at most
/// 255 bytes on Linux) of data sets and dumps.
constexpr size_t kMaxTensorNameBytes = 200;

/// Why `name` cannot name a tensor, or "" when it can. Names become file
/// names (`--dump-state DIR/<name>.npy`, `--data DIR/train/<name>.npy`), so
/// they hold no '/', backslash, "..", NUL or other control character and
/// are at most kMaxTensorNameBytes long.
std::string badTensorName(std::string_view name);
/// `s` with every byte that is not printable ASCII (and the backslash)
/// written as \xNN: names and strings from files in messages.
std::string printable(std::string_view s);

/// One argument or result. Names hold no '/', backslash, "..", NUL or other
/// control characters (Manifest::validate).
struct TensorSpec {
  std::string name; ///< arguments: unique, required; results: optional
  Role role = Role::Input;
  DType dtype = DType::F32;
  std::vector<int64_t> shape; ///< row-major; empty = 0-d (one element)
  InitSpec init;              ///< state arguments
  std::string updates;        ///< state results: the argument replaced
  /// Integer inputs whose values are class indices (labels): every value
  /// must lie in [0, classes). 0: the values are not class indices.
  int64_t classes = 0;

  int64_t numElements() const;
  size_t byteSize() const;
  /// e.g. "f32[64, 10]".
  std::string typeString() const;
};

/// What a compiled entry point returns besides 0 (success): a temporary of
/// the step could not be allocated (the step stopped before writing any
/// result).
constexpr int32_t kEntryOutOfMemory = 1;
/// What a compiled entry point returns when an input that holds class
/// labels (TensorSpec::classes) has a value outside [0, classes): the step
/// stopped before reading through it and wrote no result.
constexpr int32_t kEntryLabelOutOfRange = 2;
/// The step's collective (mpt.all_reduce of a data-parallel step) failed,
/// or the runtime installed none; the runtime reports the collective's own
/// message.
constexpr int32_t kEntryCollectiveFailed = 3;

/// Checks that every element of the integer input `t` (`bytes` bytes at
/// `data`, row-major) is a class index in [0, t.classes) when `t.classes`
/// is set. The error names the first offending element ("label 1000 at
/// index 17 is outside 0..9"), prefixed by `what`.
Status checkClassLabels(const TensorSpec &t, const void *data, size_t bytes,
                        const std::string &what);

/// One compiled function and its C entry point
/// `int32_t <symbol>(void *const *buffers)`.
struct FunctionSig {
  std::string name;   ///< "train_step", "eval_step", ...
  std::string symbol; ///< "mpt_" + name
  std::vector<TensorSpec> args;
  std::vector<TensorSpec> results;

  /// Index of the argument named `name`, or -1.
  int findArg(std::string_view argName) const;
  /// Index of the result whose `name` is `resultName`, or -1.
  int findResult(std::string_view resultName) const;
  /// Index of the first result with `role`, or -1.
  int findResultRole(Role role) const;
};

/// The signature table plus the options the artifact was compiled with.
struct Manifest {
  /// The manifest schema version this runtime reads and writes.
  static constexpr int64_t kVersion = 1;

  int64_t version = kVersion;
  std::string target = "cpu";    ///< "cpu" or "cuda"
  std::string precision = "f32"; ///< "f32", "f16" or "bf16"
  /// Compile options as strings, in the order given.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<FunctionSig> functions;
  /// Free-form statistics from the compiler (e.g. activation bytes),
  /// carried into mpt-run's report; null when absent.
  Json stats;

  const FunctionSig *findFunction(std::string_view name) const;

  /// Checks every rule of the schema (unique names, known roles and types,
  /// results that update arguments of the same role, dtype and shape,
  /// cast_of sources, ...). The message names the function and tensor.
  Status validate() const;

  Json toJson() const;
  std::string toJsonText(int indent = 2) const;
  /// Parses and validates.
  static Expected<Manifest> fromJson(const Json &json);
  static Expected<Manifest> fromJsonText(std::string_view text);
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_SIGNATURE_H
