//===- CallMode.cpp - mpt-run --call: run any function once ---------------===//
//
//   mpt-run model.mpt --call=NAME [--device=D] [--input=ARG=FILE.npy]...
//                     --output-dir=DIR
//
// Runs one public function of an artifact (train_step, eval_step, or a
// plain function of tensors) once on any device and writes every result as
// DIR/<result name, or its index>.npy. Arguments not given take their
// initial values (mpt.init); one without is an error naming it.
//
//===----------------------------------------------------------------------===//

#include "CallMode.h"

#include "mpt-runtime/Call.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-tooling/Data.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace mpt::rt;

namespace {

struct CallOptions {
  std::string model, function, device = "cpu", outputDir;
  std::vector<std::pair<std::string, std::string>> inputs; ///< arg, file
  bool quiet = false;
};

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "mpt-run: error: %s\n", message.c_str());
  std::exit(1);
}

void orFail(const Status &st) {
  if (st.failed())
    fail(st.message());
}

CallOptions parseCallOptions(int argc, char **argv) {
  CallOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *key) -> const char * {
      size_t n = std::strlen(key);
      if (a.compare(0, n, key) == 0 && a.size() > n && a[n] == '=')
        return argv[i] + n + 1;
      return nullptr;
    };
    if (const char *v = value("--call"))
      o.function = v;
    else if (const char *v = value("--device"))
      o.device = v;
    else if (const char *v = value("--output-dir"))
      o.outputDir = v;
    else if (const char *v = value("--input")) {
      std::string spec = v;
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        fail("--input needs ARG=FILE.npy, got '" + spec + "'");
      o.inputs.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
    } else if (a == "-q" || a == "--quiet")
      o.quiet = true;
    else if (!a.empty() && a[0] != '-' && o.model.empty())
      o.model = a;
    else
      fail("'" + a +
           "' is not an option of --call mode (it takes the "
           "artifact, --call=NAME, --device=D, --input=ARG=FILE.npy, "
           "--output-dir=DIR, --quiet)");
  }
  if (o.model.empty())
    fail("--call needs the artifact (mpt-run model.mpt --call=NAME ...)");
  if (o.function.empty())
    fail("--call needs a function name");
  if (o.outputDir.empty())
    fail("--call needs --output-dir=DIR for the results");
  return o;
}

/// Reads `file` into argument `name`, checking dtype and shape.
void setInput(FunctionCall &call, const std::string &name,
              const std::string &file) {
  int i = call.function().findArg(name);
  if (i < 0) {
    std::string list;
    for (const TensorSpec &a : call.function().args)
      list += (list.empty() ? "" : ", ") + a.name;
    fail("--input " + name + ": " + call.function().name +
         " has no argument '" + name + "' (it has: " + list + ")");
  }
  const TensorSpec &t = call.function().args[i];
  Expected<NpyArray> array = readNpy(file);
  if (array.failed())
    fail(array.message());
  if (array->dtype != t.dtype || array->shape != t.shape)
    fail(file + ": " + array->describe() + ", but argument '" + name + "' is " +
         t.typeString());
  orFail(call.setArgument(name, array->data.data(), array->data.size()));
}

void makeDir(const std::string &dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      fail("--output-dir " + dir + " exists and is not a directory");
    return;
  }
  if (::mkdir(dir.c_str(), 0777) != 0)
    fail("cannot create --output-dir " + dir + ": " + std::strerror(errno));
}

/// DIR/<name>.npy, or DIR/<index>.npy for a result without a name.
std::string resultPath(const std::string &dir, const TensorSpec &t,
                       size_t index) {
  return dir + "/" + (t.name.empty() ? std::to_string(index) : t.name) + ".npy";
}

void printSummary(FunctionCall &call, const CallOptions &o) {
  std::string line = "mpt-run: " + call.function().name + " on " + o.device;
  if (std::optional<ProgramStats> s = call.program().stats())
    line += ": " + std::to_string(s->launches) + " launches of " +
            std::to_string(s->kernels) + " kernels, " +
            std::to_string(s->copies) + " device copies";
  for (const auto &[key, value] : call.device().counters())
    line += ", " + std::to_string(value) + " " + key;
  std::printf("%s\n", line.c_str());
}

} // namespace

bool isCallMode(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--call", 6) == 0)
      return true;
  return false;
}

int runCallMode(int argc, char **argv) {
  CallOptions o = parseCallOptions(argc, argv);
  Expected<ArtifactRef> artifact = loadArtifact(o.model);
  if (artifact.failed())
    fail(artifact.message());
  Expected<std::unique_ptr<FunctionCall>> created =
      FunctionCall::create(*artifact, o.device, o.function, o.model);
  if (created.failed())
    fail(created.message());
  FunctionCall &call = **created;
  for (const auto &[name, file] : o.inputs)
    setInput(call, name, file);
  orFail(call.run());

  makeDir(o.outputDir);
  const FunctionSig &f = call.function();
  for (size_t r = 0; r < f.results.size(); ++r) {
    const TensorSpec &t = f.results[r];
    std::string data(t.byteSize(), '\0');
    orFail(call.readResult(r, data.data(), data.size()));
    NpyArray array;
    array.dtype = t.dtype;
    array.shape = t.shape;
    array.data = std::move(data);
    orFail(writeNpy(resultPath(o.outputDir, t, r), array));
  }
  if (!o.quiet)
    printSummary(call, o);
  return 0;
}
