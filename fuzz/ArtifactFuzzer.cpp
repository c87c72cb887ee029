//===- ArtifactFuzzer.cpp - libFuzzer target: the artifact loader ---------===//
//
// An artifact file's bytes through everything the runtime checks before it
// maps native code or touches a device: the container (magic, version,
// size, checksum, section table, reserved fields), the signature table
// (JSON and schema), the launch plan against the table, the ELF structure
// of the native code (CpuDevice's check before dlopen), and the PTX text
// through the emulator's parser and decoder. Nothing the input says is
// executed. Seeds: fuzz/corpus.sh packs the artifacts of test/Runtime.
//
//===----------------------------------------------------------------------===//

#include "CpuDevice.h"

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/PTXEmu.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  mpt::rt::Expected<mpt::rt::ArtifactContents> a =
      mpt::rt::parseArtifact(bytes, "fuzz.mpt");
  if (a.failed())
    return 0;
  if (!a->nativeSharedObject.empty())
    (void)mpt::rt::elfProblem(a->nativeSharedObject);
  if (!a->ptx.empty()) {
    std::string error;
    (void)mpt::ptxemu::Module::load(a->ptx, error, "fuzz.ptx");
  }
  return 0;
}
