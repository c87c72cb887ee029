//===- CallMode.cpp - mpt-run --call: run any function once ---------------===//
//
//   mpt-run model.mpt --call=NAME [--device=D] [--input=ARG=FILE.npy]...
//                     --output-dir=DIR [--warmup=K --repeat=N]
//                     [--timing=FILE.json]
//
// Runs one public function of an artifact (train_step, eval_step, or a
// plain function of tensors) once on any device and writes every result as
// DIR/<result name, or its index>.npy. Arguments not given take their
// initial values (mpt.init); one without is an error naming it.
//
// With --repeat=N it times the function: K untimed calls, then N calls each
// timed by the device's timer (CUDA events on cuda), reported as min,
// median, mean and max milliseconds per call on the summary line and, with
// --timing, as JSON. The results written are those of the last call; the
// arguments are the same for every call.
//
//===----------------------------------------------------------------------===//

#include "CallMode.h"
#include "Outputs.h"

#include "mpt-runtime/Call.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Json.h"
#include "mpt-runtime/ThreadPool.h"
#include "mpt-tooling/Data.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace mpt::rt;

namespace {

struct CallOptions {
  std::string model, function, device = "cpu", outputDir;
  std::vector<std::pair<std::string, std::string>> inputs; ///< arg, file
  bool quiet = false;
  /// Timing: `warmup` untimed calls, then `repeat` timed ones (0: one
  /// untimed call, no timing).
  uint64_t warmup = 0, repeat = 0;
  unsigned threads = 0; ///< --threads=N (0: the default)
  bool warmupGiven = false;
  std::string timingFile; ///< --timing=FILE (JSON), needs --repeat
};

/// The most calls --repeat and --warmup take each.
constexpr uint64_t kMaxCalls = 1000000;

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "mpt-run: error: %s\n", message.c_str());
  std::exit(1);
}

void orFail(const Status &st) {
  if (st.failed())
    fail(st.message());
}

/// A count flag's value: decimal digits only, at most kMaxCalls.
uint64_t parseCount(const std::string &flag, const char *text, uint64_t min) {
  std::string v = text;
  bool digits = !v.empty() && v.size() <= 9 &&
                std::all_of(v.begin(), v.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  uint64_t n = digits ? std::strtoull(v.c_str(), nullptr, 10) : 0;
  if (!digits || n < min || n > kMaxCalls)
    fail(flag + " needs a whole number from " + std::to_string(min) + " to " +
         std::to_string(kMaxCalls) + ", got '" + v + "'");
  return n;
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
    else if (const char *v = value("--threads")) {
      Expected<unsigned> threads = parseThreadCount(v);
      if (threads.failed())
        fail("--threads: " + threads.message());
      o.threads = *threads;
    } else if (const char *v = value("--output-dir"))
      o.outputDir = v;
    else if (const char *v = value("--input")) {
      std::string spec = v;
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        fail("--input needs ARG=FILE.npy, got '" + spec + "'");
      o.inputs.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
    } else if (const char *v = value("--repeat"))
      o.repeat = parseCount("--repeat", v, 1);
    else if (const char *v = value("--warmup")) {
      o.warmup = parseCount("--warmup", v, 0);
      o.warmupGiven = true;
    } else if (const char *v = value("--timing"))
      o.timingFile = v;
    else if (a == "-q" || a == "--quiet")
      o.quiet = true;
    else if (!a.empty() && a[0] != '-' && o.model.empty())
      o.model = a;
    else
      fail("'" + a +
           "' is not an option of --call mode (it takes the "
           "artifact, --call=NAME, --device=D, --threads=N, "
           "--input=ARG=FILE.npy, "
           "--output-dir=DIR, --warmup=K, --repeat=N, --timing=FILE, "
           "--quiet)");
  }
  if (o.model.empty())
    fail("--call needs the artifact (mpt-run model.mpt --call=NAME ...)");
  if (o.function.empty())
    fail("--call needs a function name");
  if (o.outputDir.empty())
    fail("--call needs --output-dir=DIR for the results");
  if (o.repeat == 0 && o.warmupGiven)
    fail("--warmup needs --repeat=N (the number of timed calls)");
  if (o.repeat == 0 && !o.timingFile.empty())
    fail("--timing needs --repeat=N (the number of timed calls)");
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

/// Refuses, before anything runs, a --timing destination that would
/// overwrite the artifact or an input file, or that cannot be written (as
/// --report: a device or FIFO is written in place, never replaced).
void checkTimingFile(const CallOptions &o) {
  if (o.timingFile.empty())
    return;
  std::vector<mpt::tool::NamedPath> inputs = {{"the model", o.model}};
  for (const auto &[arg, file] : o.inputs)
    inputs.push_back({"--input " + arg, file});
  mpt::tool::checkOverlaps(inputs, {{"--timing", o.timingFile}});
  orFail(checkWritableDestination(o.timingFile));
}

/// Milliseconds per timed call.
struct Timing {
  std::vector<double> ms; ///< in call order
  double min = 0, median = 0, mean = 0, max = 0;
};

Timing summarize(std::vector<double> ms) {
  Timing t;
  t.ms = ms;
  std::sort(ms.begin(), ms.end());
  size_t n = ms.size();
  t.min = ms.front();
  t.max = ms.back();
  t.median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  double sum = 0;
  for (double v : ms)
    sum += v;
  t.mean = sum / static_cast<double>(n);
  return t;
}

/// "%.4f" without trailing noise: milliseconds to 0.1 microsecond.
std::string fixedMs(double ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", ms);
  return buf;
}

uint64_t launchesPerCall(const FunctionCall &call) {
  if (std::optional<ProgramStats> s = call.program().stats())
    for (const auto &[fn, n] : s->launchesPerCall)
      if (fn == call.function().name)
        return n;
  return 0;
}

void writeTiming(FunctionCall &call, const CallOptions &o, const Timing &t) {
  Json j = Json::object();
  j.set("format", Json::string("mpt-run-call-timing"));
  j.set("version", Json::integer(1));
  j.set("artifact", Json::string(o.model));
  j.set("function", Json::string(call.function().name));
  Json dev = Json::object();
  dev.set("name", Json::string(call.device().name()));
  dev.set("description", Json::string(call.device().description()));
  // cuda times with CUDA events on its stream; cpu and cuda-emu finish
  // their work inside the call and time it with the host's clock.
  const std::string name = call.device().name();
  bool events = name == "cuda" || name.rfind("cuda:", 0) == 0;
  dev.set("timer", Json::string(events ? "cuda-events" : "host-clock"));
  j.set("device", std::move(dev));
  j.set("warmup", Json::unsignedInteger(o.warmup));
  j.set("repeat", Json::unsignedInteger(o.repeat));
  Json ms = Json::array();
  for (double v : t.ms)
    ms.push(Json::number(v));
  j.set("ms", std::move(ms));
  j.set("min_ms", Json::number(t.min));
  j.set("median_ms", Json::number(t.median));
  j.set("mean_ms", Json::number(t.mean));
  j.set("max_ms", Json::number(t.max));
  std::optional<ProgramStats> s = call.program().stats();
  j.set("launches_per_call",
        s ? Json::unsignedInteger(launchesPerCall(call)) : Json::null());
  j.set("device_peak_bytes",
        Json::unsignedInteger(call.device().memoryUsage().peakBytes));
  orFail(writeFileAtomic(o.timingFile, j.dump(2) + "\n"));
}

void printSummary(FunctionCall &call, const CallOptions &o,
                  const Timing *timing) {
  std::string line = "mpt-run: " + call.function().name + " on " + o.device;
  if (std::optional<ProgramStats> s = call.program().stats())
    line += ": " + std::to_string(s->launches) + " launches of " +
            std::to_string(s->kernels) + " kernels, " +
            std::to_string(s->copies) + " device copies";
  for (const auto &[key, value] : call.device().counters())
    line += ", " + std::to_string(value) + " " + key;
  if (timing)
    line += "; " + std::to_string(o.warmup + o.repeat) + " calls, " +
            std::to_string(o.repeat) + " timed after " +
            std::to_string(o.warmup) + " warm-up: min " + fixedMs(timing->min) +
            " ms, median " + fixedMs(timing->median) + " ms, mean " +
            fixedMs(timing->mean) + " ms, max " + fixedMs(timing->max) +
            " ms per call";
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
  checkTimingFile(o);
  Expected<ArtifactRef> artifact = loadArtifact(o.model);
  if (artifact.failed())
    fail(artifact.message());
  Expected<std::unique_ptr<FunctionCall>> created =
      FunctionCall::create(*artifact, o.device, o.function, o.model, o.threads);
  if (created.failed())
    fail(created.message());
  FunctionCall &call = **created;
  for (const auto &[name, file] : o.inputs)
    setInput(call, name, file);
  std::optional<Timing> timing;
  if (o.repeat == 0) {
    orFail(call.run());
  } else {
    for (uint64_t i = 0; i < o.warmup; ++i)
      orFail(call.run());
    std::vector<double> ms;
    ms.reserve(o.repeat);
    for (uint64_t i = 0; i < o.repeat; ++i) {
      Expected<double> t = call.runTimed();
      if (t.failed())
        fail(t.message());
      ms.push_back(*t);
    }
    timing = summarize(std::move(ms));
  }

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
  if (timing && !o.timingFile.empty())
    writeTiming(call, o, *timing);
  if (!o.quiet)
    printSummary(call, o, timing ? &*timing : nullptr);
  return 0;
}
