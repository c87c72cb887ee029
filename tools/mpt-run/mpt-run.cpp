//===- mpt-run.cpp - Train a compiled mpt artifact ------------------------===//
//
//   mpt-run model.mpt --device=cpu --steps N --data <dir|digits|synthetic>
//           [--eval] [--checkpoint f] [--resume f] [--report out.json] ...
//
// Everything the user gave is checked before the first step (artifact,
// device, checkpoint, data shapes and types, output directories), so bad
// input is one error message and a non-zero exit with nothing written.
// Files are written atomically. See docs/runtime.md.
//
//===----------------------------------------------------------------------===//

#include "CallMode.h"

#include "mpt-tooling/Data.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Json.h"
#include "mpt-runtime/Session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace mpt::rt;

namespace {

const char *kUsage = R"(usage: mpt-run MODEL.mpt [options]

Trains with a compiled mpt artifact: binds consecutive batches of the data,
runs train_step, feeds the state results back, and reports loss, loss scale
and skipped steps.

options:
  --device=NAME          device to run on: cpu (the default), cuda-emu
                         (the PTX emulator) or cuda (an NVIDIA GPU through
                         its driver, libcuda.so.1; cuda:N for GPU N);
                         cuda-emu and cuda run artifacts compiled with
                         --target=cuda
  --steps=N              training steps to run now (default 100); a resumed
                         run continues from the checkpoint's step count
  --data=SOURCE          DIR (DIR/train/<input>.npy, DIR/test/<input>.npy),
                         digits (Debian's python3-sklearn digits.csv.gz) or
                         synthetic (generated from the signature)
  --eval                 after training, evaluate eval_step on the test split
  --checkpoint=FILE      save the state to FILE after training (atomically)
  --checkpoint-every=K   also save it every K steps
  --resume=FILE          start from a checkpoint instead of the initial state
  --report=FILE          write a JSON report (every step's loss, scale and
                         skip flag, evaluation, timing, memory)
  --seed=S               seed of --data synthetic (default 0)
  --classes=K            class labels of --data synthetic (default: the
                         classes of the label input, else 10)
  --synthetic-train=N    training samples of --data synthetic (default 1024)
  --synthetic-test=N     test samples of --data synthetic (default 256)
  --digits-csv=PATH      digits.csv.gz to read for --data digits
  --progress=MODE        auto (a bar on a terminal, else lines), bar, lines,
                         none (default auto)
  --log-every=K          with plain lines: print every K-th step (default:
                         about 50 lines per run; skipped steps always print)
  --dump-state=DIR       write every state tensor after the run as
                         DIR/<name>.npy (with --steps=0: the initial state)
  --dump-data=DIR        write the data used as DIR/{train,test}/<input>.npy
  -q, --quiet            no progress output
  --version              print the runtime version
  -h, --help             this help

mpt-run MODEL --call=NAME [--device=D] [--input=ARG=FILE.npy]... --output-dir=DIR
  runs any function of the artifact once (train_step, eval_step, a plain
  function of tensors) and writes every result as DIR/<result name or
  index>.npy; arguments not given take their initial values

environment:
  MPT_CUDA_DRIVER=LIB    the CUDA driver library --device=cuda loads instead
                         of libcuda.so.1
)";

struct Options {
  std::string model;
  std::string device = "cpu";
  int64_t steps = 100;
  std::string data;
  bool eval = false;
  std::string checkpoint;
  int64_t checkpointEvery = 0;
  std::string resume;
  std::string report;
  uint64_t seed = 0;
  int64_t classes = 0; ///< 0: the signature's, else 10
  int64_t syntheticTrain = 1024, syntheticTest = 256;
  std::string digitsCsv;
  std::string progress = "auto";
  int64_t logEvery = 0;
  std::string dumpState, dumpData;
  bool quiet = false;
};

/// A progress bar is drawn on the current line of the terminal.
bool barOpen = false;

[[noreturn]] void die(const std::string &message, int code = 1) {
  if (barOpen) { // finish the bar's line so the error stands on its own
    std::printf("\n");
    std::fflush(stdout);
  }
  std::fprintf(stderr, "mpt-run: error: %s\n", message.c_str());
  std::exit(code);
}

[[noreturn]] void usageError(const std::string &message) {
  std::fprintf(stderr, "mpt-run: error: %s\n(see mpt-run --help)\n",
               message.c_str());
  std::exit(2);
}

bool parseInt(const std::string &s, int64_t &out) {
  if (s.empty())
    return false;
  char *end;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end || errno)
    return false;
  out = v;
  return true;
}

bool parseU64(const std::string &s, uint64_t &out) {
  if (s.empty() || s[0] == '-')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (*end || errno)
    return false;
  out = v;
  return true;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (a == "--version") {
      std::printf("mpt-run (libmpt_runtime, artifact format %u, checkpoint "
                  "format %u)\n",
                  kArtifactFormatVersion, kCheckpointFormatVersion);
      std::exit(0);
    }
    if (a.size() < 2 || a[0] != '-') {
      if (!o.model.empty())
        usageError("unexpected argument '" + a + "' (the model is '" +
                   o.model + "')");
      o.model = a;
      continue;
    }
    if (a == "--eval") {
      o.eval = true;
      continue;
    }
    if (a == "-q" || a == "--quiet") {
      o.quiet = true;
      continue;
    }
    std::string key = a, value;
    bool hasValue = false;
    if (size_t eq = a.find('='); eq != std::string::npos) {
      key = a.substr(0, eq);
      value = a.substr(eq + 1);
      hasValue = true;
    }
    static const char *withValue[] = {
        "--device",         "--steps",           "--data",
        "--checkpoint",     "--checkpoint-every", "--resume",
        "--report",         "--seed",            "--classes",
        "--synthetic-train", "--synthetic-test",  "--digits-csv",
        "--progress",       "--log-every",       "--dump-state",
        "--dump-data"};
    bool known = false;
    for (const char *k : withValue)
      known |= key == k;
    if (!known)
      usageError("unknown option '" + a + "'");
    if (!hasValue) {
      if (i + 1 >= args.size())
        usageError("option " + key + " needs a value");
      value = args[++i];
    }
    auto intValue = [&](int64_t &out, int64_t min) {
      if (!parseInt(value, out) || out < min)
        usageError(key + " needs an integer >= " + std::to_string(min) +
                   ", got '" + value + "'");
    };
    auto pathValue = [&](std::string &out) {
      if (value.empty())
        usageError(key + " needs a non-empty path");
      out = value;
    };
    if (key == "--device")
      o.device = value;
    else if (key == "--steps")
      intValue(o.steps, 0);
    else if (key == "--data")
      pathValue(o.data);
    else if (key == "--checkpoint")
      pathValue(o.checkpoint);
    else if (key == "--checkpoint-every")
      intValue(o.checkpointEvery, 1);
    else if (key == "--resume")
      pathValue(o.resume);
    else if (key == "--report")
      pathValue(o.report);
    else if (key == "--seed") {
      if (!parseU64(value, o.seed))
        usageError("--seed needs an unsigned 64-bit integer, got '" + value +
                   "'");
    } else if (key == "--classes")
      intValue(o.classes, 2);
    else if (key == "--synthetic-train")
      intValue(o.syntheticTrain, 1);
    else if (key == "--synthetic-test")
      intValue(o.syntheticTest, 0);
    else if (key == "--digits-csv")
      pathValue(o.digitsCsv);
    else if (key == "--progress") {
      if (value != "auto" && value != "bar" && value != "lines" &&
          value != "none")
        usageError("--progress must be auto, bar, lines or none");
      o.progress = value;
    } else if (key == "--log-every")
      intValue(o.logEvery, 1);
    else if (key == "--dump-state")
      pathValue(o.dumpState);
    else if (key == "--dump-data")
      pathValue(o.dumpData);
  }
  if (o.model.empty())
    usageError("no model given (mpt-run MODEL.mpt ...)");
  if (o.checkpointEvery && o.checkpoint.empty())
    usageError("--checkpoint-every needs --checkpoint");
  return o;
}

template <typename T> T orDie(Expected<T> e) {
  if (e.failed())
    die(e.message());
  return e.take();
}

void orDie(const Status &st) {
  if (st.failed())
    die(st.message());
}

/// Creates `dir` (and its parents) if needed.
Status makeDirs(const std::string &dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty())
      continue;
    struct stat st;
    if (::stat(partial.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return Status::error("'" + partial + "' is not a directory");
      continue;
    }
    if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST)
      return Status::error("cannot create directory '" + partial +
                           "': " + std::strerror(errno));
  }
  return Status::success();
}

Status checkDumpDir(const std::string &dir) {
  // The directory may not exist yet: its nearest existing ancestor must be
  // writable.
  std::string d = dir;
  while (!d.empty()) {
    struct stat st;
    if (::stat(d.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return Status::error("'" + d + "' is not a directory");
      if (::access(d.c_str(), W_OK) != 0)
        return Status::error("directory '" + d + "' is not writable");
      return Status::success();
    }
    size_t slash = d.rfind('/');
    if (slash == std::string::npos)
      d = ".";
    else
      d = slash == 0 ? "/" : d.substr(0, slash);
  }
  return Status::success();
}

uint64_t peakRssBytes() {
  FILE *f = std::fopen("/proc/self/status", "r");
  if (!f)
    return 0;
  char line[256];
  uint64_t kb = 0;
  while (std::fgets(line, sizeof(line), f))
    if (std::strncmp(line, "VmHWM:", 6) == 0)
      kb = std::strtoull(line + 6, nullptr, 10);
  std::fclose(f);
  return kb * 1024;
}

std::string fmtNum(double v, const char *fmt = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

/// Progress on stdout: a redrawn bar on a terminal, plain lines otherwise.
class Progress {
public:
  Progress(const Options &o, int64_t first, int64_t steps) : first_(first) {
    total_ = steps;
    bool tty = ::isatty(STDOUT_FILENO);
    mode_ = o.quiet ? "none" : o.progress;
    if (mode_ == "auto")
      mode_ = tty ? "bar" : "lines";
    every_ = o.logEvery ? o.logEvery : std::max<int64_t>(1, (steps + 49) / 50);
  }

  void update(int64_t done, const StepResult &r, int64_t skipped,
              double meanMs) {
    if (mode_ == "none")
      return;
    std::string scale = r.scale ? fmtNum(*r.scale, "%g") : "-";
    if (mode_ == "lines") {
      bool last = done == total_;
      if (done % every_ && done != 1 && !last && !r.skipped)
        return;
      std::printf("step %llu/%llu  loss %s  scale %s  skipped %lld%s  "
                  "%.3f ms/step\n",
                  static_cast<unsigned long long>(r.step),
                  static_cast<unsigned long long>(first_ + total_),
                  fmtNum(r.loss).c_str(), scale.c_str(),
                  static_cast<long long>(skipped),
                  r.skipped ? " (this step skipped)" : "", meanMs);
      std::fflush(stdout);
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (done != total_ && done != 1 && now - lastDraw_ < std::chrono::milliseconds(100))
      return;
    lastDraw_ = now;
    struct winsize ws;
    int cols = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col
                   ? ws.ws_col
                   : 80;
    char tail[200];
    std::snprintf(tail, sizeof(tail),
                  " step %llu/%llu  loss %s  scale %s  skipped %lld  %.2f "
                  "ms/step",
                  static_cast<unsigned long long>(r.step),
                  static_cast<unsigned long long>(first_ + total_),
                  fmtNum(r.loss, "%.5g").c_str(), scale.c_str(),
                  static_cast<long long>(skipped), meanMs);
    int width = std::clamp(cols - static_cast<int>(std::strlen(tail)) - 8, 10, 40);
    int filled = total_ ? static_cast<int>(width * done / total_) : width;
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    std::printf("\r%3d%% [%s]%s\x1b[K",
                static_cast<int>(total_ ? 100 * done / total_ : 100),
                bar.c_str(), tail);
    barOpen = done != total_;
    if (!barOpen)
      std::printf("\n");
    std::fflush(stdout);
  }

  void message(const std::string &text) {
    if (mode_ != "none")
      std::printf("%s\n", text.c_str());
  }

private:
  int64_t first_, total_;
  std::string mode_;
  int64_t every_;
  std::chrono::steady_clock::time_point lastDraw_;
};

Json tensorSummary(const TensorSpec &t) {
  Json j = Json::object();
  j.set("name", Json::string(t.name));
  j.set("role", Json::string(roleName(t.role)));
  j.set("type", Json::string(t.typeString()));
  j.set("bytes", Json::unsignedInteger(t.byteSize()));
  return j;
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

/// A test hook: crash (or fail) while writing checkpoints, after a given
/// number of bytes, to prove the previous checkpoint survives.
AtomicWriteOptions checkpointWriteOptions() {
  AtomicWriteOptions o;
  if (const char *crash = std::getenv("MPT_RUN_TEST_CRASH_CHECKPOINT_AT")) {
    uint64_t at = std::strtoull(crash, nullptr, 10);
    o.chunkBytes = std::max<uint64_t>(1, at);
    o.afterChunk = [at](uint64_t written) {
      if (written >= at) {
        std::fprintf(stderr, "mpt-run: test hook: crashing after writing %llu "
                             "checkpoint bytes\n",
                     static_cast<unsigned long long>(written));
        std::_Exit(86);
      }
      return true;
    };
  } else if (const char *fail =
                 std::getenv("MPT_RUN_TEST_FAIL_CHECKPOINT_AT")) {
    uint64_t at = std::strtoull(fail, nullptr, 10);
    o.chunkBytes = std::max<uint64_t>(1, at);
    o.afterChunk = [at](uint64_t written) { return written < at; };
  }
  return o;
}

/// What is recorded of each step for the report (and nothing without
/// --report): 40 bytes a step, serialised when the report is written.
struct StepRecord {
  uint64_t step;
  double loss;
  double scale; ///< valid when hasScale
  double ms;
  bool hasScale;
  bool skipped;
};

/// Appends the report's "steps" array at depth 1 of the indented report,
/// exactly as Json::dump(2) prints an array of flat objects.
void appendSteps(std::string &out, const std::vector<StepRecord> &steps) {
  if (steps.empty()) {
    out += "[]";
    return;
  }
  out += "[";
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord &r = steps[i];
    out += i ? ",\n    " : "\n    ";
    out += "{\"step\": " + std::to_string(r.step);
    out += ", \"loss\": " + Json::number(r.loss).dump();
    out += ", \"scale\": ";
    out += r.hasScale ? Json::number(r.scale).dump() : "null";
    out += r.skipped ? ", \"skipped\": true" : ", \"skipped\": false";
    out += ", \"ms\": " + Json::number(std::round(r.ms * 1e4) / 1e4).dump();
    out += "}";
  }
  out += "\n  ]";
}

/// The report, indented by 2, with the member "steps" (a placeholder in
/// `report`) printed from the compact records: a long run's steps never
/// exist as a JSON tree, and the text is built in one buffer.
std::string reportText(const Json &report,
                       const std::vector<StepRecord> &steps) {
  std::string out;
  out.reserve(steps.size() * 96 + (1 << 16));
  out += "{";
  const std::vector<Json::Member> &members = report.members();
  for (size_t i = 0; i < members.size(); ++i) {
    out += i ? ",\n  " : "\n  ";
    appendJsonString(out, members[i].first);
    out += ": ";
    if (members[i].first == "steps") {
      appendSteps(out, steps);
      continue;
    }
    // The value one level deeper: JSON strings hold no raw newlines.
    for (char c : members[i].second.dump(2)) {
      out += c;
      if (c == '\n')
        out += "  ";
    }
  }
  out += "\n}\n";
  return out;
}

/// Which file a path names: device and inode when it exists, and the
/// real path of its directory plus its name.
struct FileKey {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string canonical;
};

FileKey fileKey(const std::string &path) {
  FileKey k;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    k.exists = true;
    k.dev = st.st_dev;
    k.ino = st.st_ino;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  char *real = ::realpath(dir.c_str(), nullptr);
  k.canonical = (real ? std::string(real) : dir) + "/" + base;
  std::free(real);
  return k;
}

bool sameFile(const FileKey &a, const FileKey &b) {
  if (a.exists && b.exists)
    return a.dev == b.dev && a.ino == b.ino;
  return a.canonical == b.canonical;
}

/// A file mpt-run reads or writes, for the overlap check.
struct NamedPath {
  std::string what; ///< "the model", "--report", ...
  std::string path;
};

/// Refuses outputs that would overwrite an input (the model, the
/// checkpoint resumed from, data files) or each other, before anything is
/// written. --checkpoint may be the checkpoint it resumes from.
void checkOverlaps(const std::vector<NamedPath> &inputs,
                   const std::vector<NamedPath> &outputs) {
  std::vector<FileKey> in, out;
  for (const NamedPath &p : inputs)
    in.push_back(fileKey(p.path));
  for (const NamedPath &p : outputs)
    out.push_back(fileKey(p.path));
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = 0; j < inputs.size(); ++j) {
      if (!sameFile(out[i], in[j]))
        continue;
      if (outputs[i].what == "--checkpoint" && inputs[j].what == "--resume")
        continue; // saving where it resumed from is the usual thing to do
      std::string input = inputs[j].what == "--resume"
                              ? "the checkpoint it resumes from (--resume)"
                              : inputs[j].what;
      die(outputs[i].what + " '" + outputs[i].path + "' would overwrite " +
          input + " '" + inputs[j].path + "'; choose another path");
    }
    for (size_t j = 0; j < i; ++j)
      if (sameFile(out[i], out[j]))
        die(outputs[j].what + " '" + outputs[j].path + "' and " +
            outputs[i].what + " '" + outputs[i].path +
            "' are the same file");
  }
}

} // namespace

static int run(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  auto tStart = std::chrono::steady_clock::now();

  // 0. No output may overwrite an input or another output (checked again
  //    below with the data and dump files, once they are known).
  std::vector<NamedPath> inputs = {{"the model", o.model}}, outputs;
  if (!o.resume.empty())
    inputs.push_back({"--resume", o.resume});
  if (!o.report.empty())
    outputs.push_back({"--report", o.report});
  if (!o.checkpoint.empty())
    outputs.push_back({"--checkpoint", o.checkpoint});
  checkOverlaps(inputs, outputs);

  // 1. The artifact, the device, the state.
  ArtifactRef artifact = orDie(loadArtifact(o.model));
  SessionOptions so;
  so.artifactName = o.model;
  so.initializeState = o.resume.empty();
  std::unique_ptr<Session> session =
      orDie(Session::create(artifact, o.device, so));
  if (!o.resume.empty())
    orDie(session->loadCheckpoint(o.resume));
  if (static_cast<uint64_t>(o.steps) >
      std::numeric_limits<uint64_t>::max() - session->stepCount())
    die("--steps " + std::to_string(o.steps) + ": the step count would pass "
        "2^64 - 1 (it is " + std::to_string(session->stepCount()) + ")");
  if (o.eval && !session->evalFunction())
    die(o.model + ": --eval needs an eval_step function, and the artifact "
                  "has none");

  // 2. The data.
  std::vector<const TensorSpec *> trainInputs = session->inputSpecs();
  std::vector<const TensorSpec *> evalInputs = session->evalInputSpecs();
  // A step without inputs trains without data.
  bool needData = (o.steps > 0 && !trainInputs.empty()) || o.eval ||
                  !o.dumpData.empty();
  int64_t batch = 0, evalBatch = 0;
  Dataset data;
  if (needData) {
    if (o.data.empty())
      usageError("--data is needed to train or evaluate");
    batch = orDie(batchSize(trainInputs, session->trainFunction().name));
    if (o.eval)
      evalBatch = orDie(batchSize(evalInputs, session->evalFunction()->name));
    if (o.data == "digits") {
      data = orDie(loadDigits(trainInputs, o.digitsCsv));
    } else if (o.data == "synthetic") {
      SyntheticOptions s;
      s.classes = o.classes;
      s.seed = o.seed;
      s.trainSamples = o.syntheticTrain;
      s.testSamples = o.syntheticTest;
      data = orDie(makeSynthetic(trainInputs, s));
    } else {
      data = orDie(
          loadDatasetDir(o.data, trainInputs, o.eval ? &evalInputs : nullptr));
    }
    if (o.eval) {
      if (!data.test)
        die("--eval: the data has no test split");
      orDie(checkSplit(*data.test, evalInputs, o.data + "/test"));
    }
  }

  // 3. Every output must be writable, and overwrite no input, before the
  //    first step.
  if (needData && o.data != "synthetic") {
    if (o.data == "digits") {
      std::string csv = o.digitsCsv;
      for (const std::string &c : digitsCandidates())
        if (csv.empty() && ::access(c.c_str(), F_OK) == 0)
          csv = c;
      if (!csv.empty())
        inputs.push_back({"the digits data", csv});
    } else {
      for (const TensorSpec *t : trainInputs)
        inputs.push_back(
            {"the data file", o.data + "/train/" + t->name + ".npy"});
      if (o.eval)
        for (const TensorSpec *t : evalInputs)
          inputs.push_back(
              {"the data file", o.data + "/test/" + t->name + ".npy"});
    }
  }
  if (!o.dumpState.empty())
    for (const TensorSpec *t : session->stateSpecs())
      outputs.push_back({"--dump-state", o.dumpState + "/" + t->name + ".npy"});
  if (!o.dumpData.empty()) {
    for (const auto &kv : data.train.arrays)
      outputs.push_back(
          {"--dump-data", o.dumpData + "/train/" + kv.first + ".npy"});
    if (data.test)
      for (const auto &kv : data.test->arrays)
        outputs.push_back(
            {"--dump-data", o.dumpData + "/test/" + kv.first + ".npy"});
  }
  checkOverlaps(inputs, outputs);
  if (!o.report.empty())
    orDie(checkWritableDestination(o.report));
  if (!o.checkpoint.empty())
    orDie(checkWritableDestination(o.checkpoint));
  if (!o.dumpState.empty())
    orDie(checkDumpDir(o.dumpState));
  if (!o.dumpData.empty())
    orDie(checkDumpDir(o.dumpData));

  if (!o.dumpData.empty()) {
    std::vector<std::pair<std::string, const Split *>> splits = {
        {"train", &data.train}};
    if (data.test)
      splits.push_back({"test", &*data.test});
    for (auto &[name, split] : splits) {
      std::string dir = o.dumpData + "/" + name;
      orDie(makeDirs(dir));
      for (const auto &kv : split->arrays)
        orDie(writeNpy(dir + "/" + kv.first + ".npy", kv.second));
    }
  }
  auto tLoaded = std::chrono::steady_clock::now();

  // 4. Train.
  Progress progress(o, static_cast<int64_t>(session->stepCount()), o.steps);
  uint64_t firstStep = session->stepCount();
  AtomicWriteOptions ckptOptions = checkpointWriteOptions();
  // Per-step data only for the report: a run without --report keeps
  // nothing per step, however long it is.
  bool record = !o.report.empty();
  std::vector<StepRecord> records;
  int64_t skipped = 0;
  StepResult last;
  bool haveLast = false;
  double sumMs = 0;
  for (int64_t i = 0; i < o.steps; ++i) {
    if (needData)
      orDie(bindBatch(*session, data.train, batch, session->stepCount(),
                      false));
    auto t0 = std::chrono::steady_clock::now();
    StepResult r = orDie(session->step());
    double ms = 1e3 * seconds(std::chrono::steady_clock::now() - t0);
    sumMs += ms;
    skipped += r.skipped;
    if (record)
      records.push_back({r.step, r.loss, r.scale.value_or(0), ms,
                         r.scale.has_value(), r.skipped});
    last = r;
    haveLast = true;
    progress.update(i + 1, r, skipped, sumMs / (i + 1));
    if (o.checkpointEvery && (i + 1) % o.checkpointEvery == 0 &&
        i + 1 != o.steps)
      orDie(session->saveCheckpoint(o.checkpoint, ckptOptions));
  }
  auto tTrained = std::chrono::steady_clock::now();

  // 5. Evaluate.
  Json evalJson;
  if (o.eval) {
    const Split &test = *data.test;
    int64_t batches = batchesPerEpoch(test, evalBatch);
    double lossSum = 0;
    int64_t correct = 0, count = 0;
    bool accuracy = true;
    for (int64_t b = 0; b < batches; ++b) {
      orDie(bindBatch(*session, test, evalBatch, static_cast<uint64_t>(b),
                      true));
      EvalBatchResult r = orDie(session->evalBatch());
      lossSum += r.loss;
      correct += r.correct;
      count += r.count;
      accuracy &= r.hasAccuracy;
    }
    evalJson = Json::object();
    evalJson.set("loss", Json::number(lossSum / static_cast<double>(batches)));
    evalJson.set("accuracy",
                 accuracy && count ? Json::number(static_cast<double>(correct) /
                                                  static_cast<double>(count))
                                   : Json::null());
    evalJson.set("correct", accuracy ? Json::integer(correct) : Json::null());
    evalJson.set("samples", Json::integer(batches * evalBatch));
    evalJson.set("batches", Json::integer(batches));
    evalJson.set("unused_samples",
                 Json::integer(test.count - batches * evalBatch));
    std::string line = "eval: loss " + fmtNum(lossSum / batches);
    if (accuracy && count)
      line += "  accuracy " +
              fmtNum(100.0 * static_cast<double>(correct) / count, "%.2f") +
              "% (" + std::to_string(correct) + "/" + std::to_string(count) +
              ")";
    progress.message(line);
  }
  auto tEvaluated = std::chrono::steady_clock::now();

  // 6. Outputs.
  if (!o.checkpoint.empty())
    orDie(session->saveCheckpoint(o.checkpoint, ckptOptions));
  if (!o.dumpState.empty()) {
    orDie(makeDirs(o.dumpState));
    for (const TensorSpec *t : session->stateSpecs()) {
      // The .npy header, then the state read straight behind it: one host
      // copy of the tensor.
      std::string file = serializeNpy(t->dtype, t->shape, "");
      size_t header = file.size();
      file.resize(header + t->byteSize());
      orDie(session->readState(t->name, file.data() + header, t->byteSize()));
      orDie(writeFileAtomic(o.dumpState + "/" + t->name + ".npy", file));
    }
  }
  if (!o.report.empty()) {
    const Manifest &m = session->manifest();
    Json rep = Json::object();
    rep.set("format", Json::string("mpt-run-report"));
    rep.set("version", Json::integer(1));
    Json art = Json::object();
    art.set("path", Json::string(o.model));
    art.set("target", Json::string(m.target));
    art.set("precision", Json::string(m.precision));
    Json opts = Json::object();
    for (const auto &kv : m.options)
      opts.set(kv.first, Json::string(kv.second));
    art.set("options", std::move(opts));
    art.set("stats", m.stats);
    rep.set("artifact", std::move(art));
    Json dev = Json::object();
    dev.set("name", Json::string(session->device().name()));
    dev.set("description", Json::string(session->device().description()));
    if (std::optional<ProgramStats> ps = session->programStats()) {
      dev.set("kernels", Json::unsignedInteger(ps->kernels));
      dev.set("launches", Json::unsignedInteger(ps->launches));
      Json per = Json::object();
      for (const auto &[fn, n] : ps->launchesPerCall)
        per.set(fn, Json::unsignedInteger(n));
      dev.set("launches_per_call", std::move(per));
    }
    for (const auto &[key, value] : session->device().counters())
      dev.set(key, Json::unsignedInteger(value));
    rep.set("device", std::move(dev));
    Json dj;
    if (needData) {
      dj = Json::object();
      dj.set("source", Json::string(data.source));
      dj.set("batch_size", Json::integer(batch));
      dj.set("train_samples", Json::integer(data.train.count));
      dj.set("train_batches_per_epoch",
             Json::integer(batchesPerEpoch(data.train, batch)));
      dj.set("test_samples",
             data.test ? Json::integer(data.test->count) : Json::null());
    }
    rep.set("data", std::move(dj));
    Json run = Json::object();
    run.set("first_step", Json::unsignedInteger(firstStep));
    run.set("steps", Json::integer(o.steps));
    run.set("last_step", Json::unsignedInteger(session->stepCount()));
    run.set("resumed_from",
            o.resume.empty() ? Json::null() : Json::string(o.resume));
    run.set("checkpoint",
            o.checkpoint.empty() ? Json::null() : Json::string(o.checkpoint));
    rep.set("run", std::move(run));
    rep.set("steps", Json::null()); // printed from `records`
    Json summary = Json::object();
    summary.set("final_loss", haveLast ? Json::number(last.loss) : Json::null());
    summary.set("final_scale", haveLast && last.scale
                                   ? Json::number(*last.scale)
                                   : Json::null());
    summary.set("skipped_steps", Json::integer(skipped));
    rep.set("summary", std::move(summary));
    rep.set("eval", evalJson);
    Json timing = Json::object();
    timing.set("load_s", Json::number(seconds(tLoaded - tStart)));
    timing.set("train_s", Json::number(seconds(tTrained - tLoaded)));
    timing.set("eval_s", Json::number(seconds(tEvaluated - tTrained)));
    Json sms = Json::object();
    if (!records.empty()) {
      std::vector<double> sorted;
      sorted.reserve(records.size());
      for (const StepRecord &r : records)
        sorted.push_back(r.ms);
      std::sort(sorted.begin(), sorted.end());
      size_t n = sorted.size();
      double median = n % 2 ? sorted[n / 2]
                            : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
      sms.set("mean", Json::number(sumMs / n));
      sms.set("median", Json::number(median));
      sms.set("min", Json::number(sorted.front()));
      sms.set("max", Json::number(sorted.back()));
      timing.set("step_ms", std::move(sms));
      timing.set("samples_per_s",
                 Json::number(sumMs > 0 ? 1e3 * batch * n / sumMs : 0));
    } else {
      timing.set("step_ms", Json::null());
      timing.set("samples_per_s", Json::null());
    }
    rep.set("timing", std::move(timing));
    MemoryStats ms = session->memoryStats();
    Json mem = Json::object();
    mem.set("parameter_bytes", Json::unsignedInteger(ms.parameterBytes));
    mem.set("state_bytes", Json::unsignedInteger(ms.stateBytes));
    mem.set("state_buffer_bytes", Json::unsignedInteger(ms.stateBufferBytes));
    mem.set("step_buffer_bytes", Json::unsignedInteger(ms.stepBufferBytes));
    mem.set("eval_buffer_bytes", Json::unsignedInteger(ms.evalBufferBytes));
    mem.set("device_peak_bytes", Json::unsignedInteger(ms.peakDeviceBytes));
    auto optional = [](const std::optional<uint64_t> &v) {
      return v ? Json::unsignedInteger(*v) : Json::null();
    };
    mem.set("train_scratch_peak_bytes", optional(ms.trainScratchPeakBytes));
    mem.set("eval_scratch_peak_bytes", optional(ms.evalScratchPeakBytes));
    // The name reports had before eval_step's temporaries were kept apart:
    // train_step's.
    mem.set("step_scratch_peak_bytes", optional(ms.trainScratchPeakBytes));
    mem.set("host_peak_rss_bytes", Json::unsignedInteger(peakRssBytes()));
    rep.set("memory", std::move(mem));
    Json state = Json::array();
    for (const TensorSpec *t : session->stateSpecs())
      state.push(tensorSummary(*t));
    rep.set("state", std::move(state));
    orDie(writeFileAtomic(o.report, reportText(rep, records)));
  }
  if (o.steps > 0)
    progress.message(
        "trained " + std::to_string(o.steps) + " steps (" +
        std::to_string(firstStep + 1) + ".." +
        std::to_string(session->stepCount()) + ")  final loss " +
        fmtNum(last.loss) + (last.scale ? "  scale " + fmtNum(*last.scale) : "") +
        "  skipped " + std::to_string(skipped) + "  " +
        fmtNum(sumMs / static_cast<double>(o.steps), "%.3f") + " ms/step");
  if (std::optional<ProgramStats> ps = session->programStats()) {
    std::string line = "device " + session->device().name() + ": " +
                       std::to_string(ps->kernels) + " kernels";
    for (const auto &[fn, n] : ps->launchesPerCall)
      if (fn == session->trainFunction().name)
        line += ", " + std::to_string(n) + " launches per step";
    for (const auto &[key, value] : session->device().counters())
      if (key == "warp_instructions" || key == "thread_instructions")
        line += ", " + std::to_string(value) + " emulated " +
                key.substr(0, key.find('_')) + " instructions";
    progress.message(line);
  }
  return 0;
}

int main(int argc, char **argv) {
  // Running out of memory anywhere is one error line, not an abort.
  try {
    if (isCallMode(argc, argv))
      return runCallMode(argc, argv);
    return run(argc, argv);
  } catch (const std::bad_alloc &) {
    if (barOpen)
      std::fputs("\n", stdout);
    std::fputs("mpt-run: error: out of memory\n", stderr);
    return 1;
  }
}
