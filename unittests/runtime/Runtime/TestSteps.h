//===- TestSteps.h - Artifacts of the C test steps ------------*- C++ -*-===//
//
// Builds artifacts in memory, with the writer mpt-compile uses, from the C
// steps of test/Runtime/Inputs (compiled by CMake) and their signatures.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_UNITTESTS_RUNTIME_TESTSTEPS_H
#define MPT_UNITTESTS_RUNTIME_TESTSTEPS_H

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Session.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <dirent.h>
#include <string>
#include <unistd.h>

namespace mpt {
namespace rt {
namespace test {

inline std::string readOrDie(const std::string &path) {
  Expected<std::string> s = readFile(path);
  if (s.failed()) {
    ADD_FAILURE() << s.message();
    return "";
  }
  return s.take();
}

/// The artifact of step `name` (sgd, lossscale, linear, mixed, undefined,
/// and the variants of CMakeLists.txt), serialized and parsed back as a
/// runtime would read it. The code states the ABI of its own table: a
/// session runs it only with that table (`signature` is for load errors).
inline ArtifactContents contents(const std::string &name,
                                 const std::string &signature = "") {
  ArtifactContents a;
  std::string sig = signature.empty() ? name : signature;
  Expected<Manifest> m = Manifest::fromJsonText(
      readOrDie(std::string(MPT_TEST_STEPS_DIR) + "/" + sig + ".json"));
  EXPECT_TRUE(m.ok()) << m.message();
  a.manifest = m.take();
  a.nativeSharedObject = readOrDie(std::string(MPT_TEST_STEPS_DIR) +
                                   "/mpt_test_step_" + name + ".so");
  return a;
}

inline ArtifactRef artifact(const std::string &name,
                            const std::string &signature = "") {
  Expected<std::string> bytes = serializeArtifact(contents(name, signature));
  EXPECT_TRUE(bytes.ok()) << bytes.message();
  Expected<ArtifactContents> back = parseArtifact(*bytes, name + ".mpt");
  EXPECT_TRUE(back.ok()) << back.message();
  return std::make_shared<const ArtifactContents>(back.take());
}

inline std::unique_ptr<Session> session(ArtifactRef a,
                                        SessionOptions opts = {}) {
  Expected<std::unique_ptr<Session>> s = Session::create(a, "cpu", opts);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? s.take() : nullptr;
}

template <typename T>
std::vector<T> state(const Session &s, const std::string &name) {
  const TensorSpec *t = s.findState(name);
  EXPECT_NE(t, nullptr) << name;
  std::vector<T> v(t->byteSize() / sizeof(T));
  Status st = s.readState(name, v.data(), t->byteSize());
  EXPECT_TRUE(st.ok()) << st.message();
  return v;
}

/// A fresh directory, removed with its files when the object dies.
class TempDir {
public:
  TempDir() {
    char tmpl[] = "/tmp/mpt-runtime-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    for (const std::string &f : files())
      ::unlink((path_ + "/" + f).c_str());
    ::rmdir(path_.c_str());
  }
  const std::string &path() const { return path_; }
  std::string operator/(const std::string &f) const { return path_ + "/" + f; }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    DIR *d = ::opendir(path_.c_str());
    while (dirent *e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
        out.push_back(e->d_name);
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::string path_;
};

} // namespace test
} // namespace rt
} // namespace mpt

#endif // MPT_UNITTESTS_RUNTIME_TESTSTEPS_H
