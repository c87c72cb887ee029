//===- Checkpoint.h - The checkpoint file: reader and writer ---*- C++ -*-===//
//
// A checkpoint holds every state tensor of a session and the step count.
// This is the container; Session matches its tensors against an artifact's
// state. Layout (all integers little-endian; docs/runtime.md has the
// table):
//
//   header   40 bytes: magic "\x89MPC\r\n\x1a\n", u32 version, u32 tensor
//            count, u64 file size, u64 step count, u64 reserved (0)
//   tensors  per tensor: u32 name length, name, u8 role, u8 dtype,
//            u16 reserved (0), u32 rank, i64 dims[rank], u64 data bytes,
//            data, zero padding to a multiple of 8
//   trailer  u32 CRC-32 of every byte before it, "MPCE"
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_CHECKPOINT_H
#define MPT_RUNTIME_CHECKPOINT_H

#include "mpt-runtime/DType.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

/// The checkpoint container format version this runtime reads and writes.
constexpr uint32_t kCheckpointFormatVersion = 1;

/// The most dimensions a checkpoint tensor may have.
constexpr uint32_t kMaxCheckpointRank = 64;

/// One tensor of a parsed checkpoint; `data` points into the parsed bytes.
struct CheckpointTensor {
  std::string name;
  Role role = Role::Param;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::string_view data;

  /// e.g. "f32[4]".
  std::string typeString() const;
};

struct CheckpointContents {
  uint64_t step = 0;
  std::vector<CheckpointTensor> tensors;
};

/// Parses and checks a checkpoint: magic, version, size (truncation,
/// bytes after the end), end marker, CRC-32, then every tensor: a valid
/// name (Signature.h's rules), a state role, a known dtype, reserved bytes
/// and padding zero, rank <= 64, non-negative dimensions, data bytes equal
/// to the shape's size, nothing between the last tensor and the trailer,
/// no name twice, and a step count that can still advance (below
/// 2^64 - 1). Errors read "checkpoint '<name>': ...".
Expected<CheckpointContents> parseCheckpoint(std::string_view bytes,
                                             const std::string &name);

/// The file size a checkpoint's header states, for readFile: a file longer
/// than that is refused before it is read.
SizePromise checkpointSizePromise();

/// Writes a checkpoint into a string piece by piece, so that each tensor's
/// data can be copied straight into place (one host copy of the state):
///
///   CheckpointWriter w(out, states.size(), step);
///   for (each state t) {
///     char *dst = w.addTensor(t); // t.byteSize() bytes to fill
///     copy(dst, ...);
///   }
///   w.finish();                   // file size, CRC-32, end marker
class CheckpointWriter {
public:
  CheckpointWriter(std::string &out, uint32_t count, uint64_t step);
  /// Appends the header of `t` and room for its data; returns where the
  /// data goes (valid until the next call).
  char *addTensor(const TensorSpec &t);
  void finish();

private:
  std::string &out_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_CHECKPOINT_H
