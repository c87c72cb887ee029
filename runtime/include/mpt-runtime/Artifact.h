//===- Artifact.h - The mpt artifact file: reader and writer --*- C++ -*-===//
//
// One self-contained file per compiled model: the signature table (JSON),
// the native code as an ELF shared object, optionally PTX text for CUDA, and
// a CRC-32 over everything. This header and its library (mpt_artifact) have
// no LLVM or MLIR dependency: mpt-compile links the static library to write
// artifacts, the runtime reads them.
//
// Layout (all integers little-endian; docs/runtime.md has the full table):
//
//   header    32 bytes  magic "\x89MPT\r\n\x1a\n", u32 format version,
//                       u32 section count, u64 file size, u64 reserved (0)
//   sections  32 bytes each: u32 kind (1 manifest, 2 native code, 3 PTX,
//                       4 launch plan, 5 device constants), u32 flags,
//                       u64 offset, u64 size,
//                       u64 reserved (0)
//   data      each section's bytes, starting at a multiple of 16
//   trailer   8 bytes   u32 CRC-32 of every byte before the trailer, "MPTE"
//
// Writing (mpt-compile):
//
//   mpt::rt::ArtifactContents a;
//   a.manifest.target = "cpu";
//   a.manifest.precision = "f16";
//   a.manifest.options = {{"loss-scale", "dynamic"}};
//   a.manifest.functions.push_back(trainStepSig);   // a FunctionSig
//   a.nativeSharedObject = soBytes;                  // from `cc -shared`
//   mpt::rt::Status st = mpt::rt::writeArtifactFile("model.mpt", a);
//   if (st.failed()) report(st.message());
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_ARTIFACT_H
#define MPT_RUNTIME_ARTIFACT_H

#include "mpt-runtime/LaunchPlan.h"
#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mpt {
namespace rt {

/// The artifact container format version this library reads and writes.
/// Readers refuse newer versions.
constexpr uint32_t kArtifactFormatVersion = 1;

/// Section kinds. A section whose flags have kSectionOptional set may be
/// skipped by a reader that does not know its kind; any other unknown kind
/// is an error.
enum class SectionKind : uint32_t {
  Manifest = 1,           ///< the signature table, JSON (UTF-8)
  NativeSharedObject = 2, ///< ELF shared object exporting the mpt_* entries
  Ptx = 3,                ///< PTX text of the CUDA kernels
  LaunchPlan = 4,         ///< the launch plan of a cuda artifact, JSON
  DeviceConstants = 5,    ///< constant data the launch plan uploads once
};
constexpr uint32_t kSectionOptional = 1;

struct ArtifactContents {
  Manifest manifest;
  /// The bytes of the shared object (required for target "cpu"; for "cuda"
  /// the host code that launches the kernels).
  std::string nativeSharedObject;
  /// PTX text (target "cuda"); empty when absent.
  std::string ptx;
  /// What the runtime launches for each function (target "cuda").
  std::optional<LaunchPlan> launchPlan;
  /// The bytes of the plan's constant buffers (target "cuda").
  std::string deviceConstants;
};

/// The file bytes. Validates the manifest and the sections the target
/// needs first.
Expected<std::string> serializeArtifact(const ArtifactContents &contents);

/// serializeArtifact, then writes the file atomically (temporary file in
/// the same directory, then rename): a failed write leaves any previous
/// file at `path` intact.
Status writeArtifactFile(const std::string &path,
                         const ArtifactContents &contents);

/// Checks magic, version (newer ones are refused), size (truncation),
/// checksum, section table and manifest. `name` (usually the path) starts
/// every error message.
Expected<ArtifactContents> parseArtifact(std::string_view bytes,
                                         const std::string &name);
Expected<ArtifactContents> readArtifactFile(const std::string &path);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_ARTIFACT_H
