//===- TrainOptions.cpp - mpt-run's command line for training -------------===//
//
// Options with a value are a table (kValueOptions): adding one is a line
// there and a field of TrainOptions.
//
//===----------------------------------------------------------------------===//

#include "TrainOptions.h"
#include "ToolSupport.h"

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/ThreadPool.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace mpt;
using namespace mpt::tool;

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
  --load-state=DIR       start from DIR/<name>.npy for every state tensor
                         that has such a file (e.g. a framework's initial
                         values written by python -m mpt.importers.torch
                         --state-dir); the others take their mpt.init, and
                         working copies are cast from their loaded masters
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
  --collective=NAME      auto (the default: mpi when started by mpirun,
                         else single), single or mpi (Open MPI, loaded at
                         run time). Under `mpirun -np N` every rank trains
                         on its share of each global batch of N times the
                         artifact's batch (compile with --data-parallel);
                         rank 0 prints, evaluates and writes every file
  --threads=N            threads the step's ops run on, on the cpu device
                         (default: the cores this process may use, divided
                         among the ranks of an mpirun on this host);
                         results are bit for bit the same for every N
  --version              print the runtime version
  -h, --help             this help

mpt-run MODEL --call=NAME [--device=D] [--input=ARG=FILE.npy]... --output-dir=DIR
  runs any function of the artifact once (train_step, eval_step, a plain
  function of tensors) and writes every result as DIR/<result name or
  index>.npy; arguments not given take their initial values
  --threads=N            as in training
  --warmup=K --repeat=N  K untimed calls, then N calls timed by the device
                         (CUDA events on cuda): min/median/mean/max ms per call
  --timing=FILE          those times as JSON (with --repeat)

environment:
  MPT_CUDA_DRIVER=LIB    the CUDA driver library --device=cuda loads instead
                         of libcuda.so.1
  MPT_MPI_LIBRARY=LIB    the MPI library --collective=mpi loads instead of
                         libmpi.so.40 (Open MPI)
  MPT_COLLECTIVE_TIMEOUT=S  seconds a rank waits in one collective before it
                         stops the run (default 300; 0: no limit)
)";

/// An integer of at least `min`, or a usage error naming `key`.
int64_t intAtLeast(const std::string &key, const std::string &value,
                   int64_t min) {
  int64_t out;
  if (!parseInt(value, out) || out < min)
    usageError(key + " needs an integer >= " + std::to_string(min) + ", got '" +
               value + "'");
  return out;
}

std::string path(const std::string &key, const std::string &value) {
  if (value.empty())
    usageError(key + " needs a non-empty path");
  return value;
}

uint64_t seed(const std::string &value) {
  uint64_t out;
  if (!parseU64(value, out))
    usageError("--seed needs an unsigned 64-bit integer, got '" + value + "'");
  return out;
}

std::string progressMode(const std::string &value) {
  if (value != "auto" && value != "bar" && value != "lines" && value != "none")
    usageError("--progress must be auto, bar, lines or none");
  return value;
}

/// An option that takes a value (`--key=value` or `--key value`).
struct ValueOption {
  const char *key;
  void (*set)(TrainOptions &o, const std::string &key,
              const std::string &value);
};

using O = TrainOptions;
using S = const std::string &;
const ValueOption kValueOptions[] = {
    {"--device", [](O &o, S, S v) { o.device = v; }},
    {"--steps", [](O &o, S k, S v) { o.steps = intAtLeast(k, v, 0); }},
    {"--data", [](O &o, S k, S v) { o.data = path(k, v); }},
    {"--checkpoint", [](O &o, S k, S v) { o.checkpoint = path(k, v); }},
    {"--checkpoint-every",
     [](O &o, S k, S v) { o.checkpointEvery = intAtLeast(k, v, 1); }},
    {"--resume", [](O &o, S k, S v) { o.resume = path(k, v); }},
    {"--load-state", [](O &o, S k, S v) { o.loadState = path(k, v); }},
    {"--report", [](O &o, S k, S v) { o.report = path(k, v); }},
    {"--seed", [](O &o, S, S v) { o.seed = seed(v); }},
    {"--classes", [](O &o, S k, S v) { o.classes = intAtLeast(k, v, 2); }},
    {"--synthetic-train",
     [](O &o, S k, S v) { o.syntheticTrain = intAtLeast(k, v, 1); }},
    {"--synthetic-test",
     [](O &o, S k, S v) { o.syntheticTest = intAtLeast(k, v, 0); }},
    {"--digits-csv", [](O &o, S k, S v) { o.digitsCsv = path(k, v); }},
    {"--progress", [](O &o, S, S v) { o.progress = progressMode(v); }},
    {"--log-every", [](O &o, S k, S v) { o.logEvery = intAtLeast(k, v, 1); }},
    {"--dump-state", [](O &o, S k, S v) { o.dumpState = path(k, v); }},
    {"--dump-data", [](O &o, S k, S v) { o.dumpData = path(k, v); }},
    {"--collective",
     [](O &o, S k, S v) {
       if (v != "auto" && v != "single" && v != "mpi")
         usageError(k + "=" + v + ": use auto, single or mpi");
       o.collective = v;
     }},
    {"--threads",
     [](O &o, S k, S v) {
       rt::Expected<unsigned> threads = rt::parseThreadCount(v);
       if (threads.failed())
         usageError(k + ": " + threads.message());
       o.threads = *threads;
     }},
};

/// The options without a value; false if `a` is none of them.
bool flag(const std::string &a, TrainOptions &o) {
  if (a == "-h" || a == "--help") {
    std::fputs(kUsage, stdout);
    std::exit(0);
  }
  if (a == "--version") {
    std::printf("mpt-run (libmpt_runtime, artifact format %u, checkpoint "
                "format %u)\n",
                rt::kArtifactFormatVersion, rt::kCheckpointFormatVersion);
    std::exit(0);
  }
  if (a == "--eval")
    o.eval = true;
  else if (a == "-q" || a == "--quiet")
    o.quiet = true;
  else
    return false;
  return true;
}

} // namespace

TrainOptions tool::parseTrainOptions(int argc, char **argv) {
  TrainOptions o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (flag(a, o))
      continue;
    if (a.size() < 2 || a[0] != '-') {
      if (!o.model.empty())
        usageError("unexpected argument '" + a + "' (the model is '" + o.model +
                   "')");
      o.model = a;
      continue;
    }
    size_t eq = a.find('=');
    std::string key = a.substr(0, eq);
    const ValueOption *option = nullptr;
    for (const ValueOption &v : kValueOptions)
      if (key == v.key)
        option = &v;
    if (!option)
      usageError("unknown option '" + a + "'");
    if (eq == std::string::npos && i + 1 >= args.size())
      usageError("option " + key + " needs a value");
    option->set(o, key, eq == std::string::npos ? args[++i] : a.substr(eq + 1));
  }
  if (o.model.empty())
    usageError("no model given (mpt-run MODEL.mpt ...)");
  if (o.checkpointEvery && o.checkpoint.empty())
    usageError("--checkpoint-every needs --checkpoint");
  return o;
}
