//===- CheckpointFuzzer.cpp - libFuzzer target: the checkpoint loader -----===//
//
// Checkpoint bytes restored into a session of a small CPU step (the C step
// test/Runtime/Inputs/mixed.c, with f32 masters, an f16 working copy, an i32
// and an i1 state, packed at build time): the container, every tensor
// record, and the match against the session's state (names, roles, dtypes,
// shapes), exactly as `mpt-run --resume` does. A restore that fails must
// leave the state as it was; one that succeeds is serialized again and must
// parse. Seeds: checkpoints of that step (fuzz/corpus.sh).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/Session.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

using namespace mpt::rt;

static std::unique_ptr<Session> session;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  Expected<ArtifactRef> art = loadArtifact(MPT_FUZZ_CHECKPOINT_ARTIFACT);
  if (art.failed()) {
    std::fprintf(stderr, "%s\n", art.message().c_str());
    std::abort();
  }
  Expected<std::unique_ptr<Session>> s = Session::create(art.take(), "cpu");
  if (s.failed()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    std::abort();
  }
  session = s.take();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  Expected<std::string> before = session->serializeCheckpoint();
  if (before.failed())
    std::abort();
  if (session->restoreCheckpoint(bytes, "fuzz.ckpt").failed()) {
    // A refused checkpoint leaves the state and step count untouched.
    Expected<std::string> after = session->serializeCheckpoint();
    if (after.failed() || *after != *before)
      std::abort();
    return 0;
  }
  Expected<std::string> again = session->serializeCheckpoint();
  if (again.failed() || parseCheckpoint(*again, "again").failed())
    std::abort();
  return 0;
}
