//===- TrainMode.cpp - mpt-run's training mode ----------------------------===//
//
// A run goes through phases, one function each: open the session (the
// artifact, the device, the state), load the data, check every output,
// train, evaluate, write the outputs. Everything the user gave is checked
// before the first step, so bad input is one error and nothing written.
//
//===----------------------------------------------------------------------===//

#include "TrainMode.h"
#include "Outputs.h"
#include "Progress.h"
#include "Report.h"
#include "ToolSupport.h"
#include "TrainRun.h"

#include "mpt-runtime/FileIO.h"
#include "mpt-tooling/Npy.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <limits>
#include <set>
#include <unistd.h>

using namespace mpt;
using namespace mpt::rt;
using namespace mpt::tool;

namespace {

/// The collective of a data-parallel run, for the error path.
Collective *jobCollective = nullptr;
/// What a rank prints when mpirun stops it (another rank failed).
char terminatedMessage[256];

void abortTheJob(int code) { jobCollective->abort(code); }

extern "C" void onTerminate(int) {
  ssize_t ignored =
      ::write(2, terminatedMessage, std::strlen(terminatedMessage));
  (void)ignored;
  std::_Exit(143);
}

/// Under mpirun: the ranks, and what errors and stops look like. Every rank
/// must run an artifact compiled with --data-parallel.
void joinRanks(TrainRun &run, const Manifest &manifest) {
  run.collective = orDie(createCollective(run.o.collective));
  run.rank = run.collective->rank();
  run.ranks = run.collective->size();
  if (run.ranks == 1)
    return;
  errorPrefix = "rank " + std::to_string(run.rank) + " of " +
                std::to_string(run.ranks) + ": ";
  jobCollective = run.collective.get();
  abortJob = abortTheJob;
  std::snprintf(terminatedMessage, sizeof terminatedMessage,
                "mpt-run: error: rank %d of %d: stopped by the launcher "
                "(SIGTERM: another rank failed or the job was cancelled); "
                "checkpoints written so far are intact\n",
                run.rank, run.ranks);
  std::signal(SIGTERM, onTerminate);
  bool dataParallel = false;
  for (const auto &[key, value] : manifest.options)
    dataParallel |= key == "data-parallel" && value == "true";
  if (!dataParallel)
    die(run.o.model + ": compiled without --data-parallel, so its " +
        std::to_string(run.ranks) +
        " ranks would train apart; recompile with mpt-compile "
        "--data-parallel");
}

/// Rank 0's state (initial or resumed) to every rank: one broadcast of a
/// checkpoint, so every rank starts from the same bits and only rank 0
/// reads --resume.
void shareState(TrainRun &run) {
  Session &s = *run.session;
  std::string bytes;
  if (run.rank == 0)
    bytes = orDie(s.serializeCheckpoint());
  uint64_t size = bytes.size();
  orDie(run.collective->broadcast(&size, sizeof size, 0));
  bytes.resize(size);
  orDie(run.collective->broadcast(bytes.data(), size, 0));
  if (run.rank != 0)
    orDie(s.restoreCheckpoint(bytes, "rank 0's state"));
}

/// The `.npy` files directly in `dir` (their names without the suffix).
std::set<std::string> npyFilesIn(const std::string &dir) {
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    die("--load-state " + dir + ": cannot open the directory");
  std::set<std::string> names;
  while (const dirent *e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0)
      names.insert(n.substr(0, n.size() - 4));
  }
  ::closedir(d);
  return names;
}

/// --load-state=DIR: every state tensor with a file DIR/<name>.npy starts
/// from it (same dtype and shape); working copies are then cast from their
/// masters. A file that names no state tensor is an error (a typo or a
/// different model), and so is a directory that names none.
void loadStateDir(TrainRun &run) {
  const std::string &dir = run.o.loadState;
  Session &s = *run.session;
  std::set<std::string> files = npyFilesIn(dir);
  int loaded = 0;
  for (const TensorSpec *t : s.stateSpecs()) {
    if (!files.erase(t->name))
      continue;
    std::string file = dir + "/" + t->name + ".npy";
    NpyArray a = orDie(readNpy(file));
    if (a.dtype != t->dtype || a.shape != t->shape)
      die(file + ": state '" + t->name + "' is " + numpyTypeName(t->dtype) +
          " " + npyShapeText(t->shape) + ", the file holds " + a.describe());
    orDie(s.writeState(t->name, a.data.data(), a.data.size()));
    ++loaded;
  }
  if (!files.empty())
    die("--load-state " + dir + ": " + *files.begin() +
        ".npy names no state tensor of " + run.o.model);
  if (!loaded)
    die("--load-state " + dir +
        ": no file <name>.npy for any state tensor of " + run.o.model);
  orDie(s.refreshCastStates());
}

/// The artifact, the device and the state (initial, or the checkpoint's).
void openSession(TrainRun &run) {
  const TrainOptions &o = run.o;
  if (!o.resume.empty() && !o.loadState.empty())
    usageError("--resume and --load-state both give the starting state: "
               "use one");
  ArtifactRef artifact = orDie(loadArtifact(o.model));
  joinRanks(run, artifact->manifest);
  SessionOptions so;
  so.artifactName = o.model;
  so.initializeState = o.resume.empty() && run.rank == 0;
  so.collective = run.collective.get();
  so.threads = o.threads;
  run.session = orDie(Session::create(artifact, o.device, so));
  Session &s = *run.session;
  if (!o.resume.empty() && run.rank == 0)
    orDie(s.loadCheckpoint(o.resume));
  // Rank 0 reads the starting state; the others receive it.
  if (!o.loadState.empty() && run.rank == 0)
    loadStateDir(run);
  if (run.ranks > 1)
    shareState(run);
  if (static_cast<uint64_t>(o.steps) >
      std::numeric_limits<uint64_t>::max() - s.stepCount())
    die("--steps " + std::to_string(o.steps) +
        ": the step count would pass 2^64 - 1 (it is " +
        std::to_string(s.stepCount()) + ")");
  if (o.eval && !s.evalFunction())
    die(o.model + ": --eval needs an eval_step function, and the artifact "
                  "has none");
  run.firstStep = s.stepCount();
}

/// The data set of --data, checked against the train (and eval) inputs.
void loadData(TrainRun &run) {
  const TrainOptions &o = run.o;
  Session &s = *run.session;
  std::vector<const TensorSpec *> trainInputs = s.inputSpecs();
  std::vector<const TensorSpec *> evalInputs = s.evalInputSpecs();
  // A step without inputs trains without data.
  run.needData =
      (o.steps > 0 && !trainInputs.empty()) || o.eval || !o.dumpData.empty();
  if (!run.needData)
    return;
  if (o.data.empty())
    usageError("--data is needed to train or evaluate");
  run.batch = orDie(batchSize(trainInputs, s.trainFunction().name));
  if (o.eval)
    run.evalBatch = orDie(batchSize(evalInputs, s.evalFunction()->name));
  if (o.data == "digits") {
    run.data = orDie(loadDigits(trainInputs, o.digitsCsv));
  } else if (o.data == "synthetic") {
    SyntheticOptions so;
    so.classes = o.classes;
    so.seed = o.seed;
    so.trainSamples = o.syntheticTrain;
    so.testSamples = o.syntheticTest;
    run.data = orDie(makeSynthetic(trainInputs, so));
  } else {
    run.data = orDie(
        loadDatasetDir(o.data, trainInputs, o.eval ? &evalInputs : nullptr));
  }
  if (o.eval) {
    if (!run.data.test)
      die("--eval: the data has no test split");
    orDie(checkSplit(*run.data.test, evalInputs, o.data + "/test"));
  }
}

/// The files the run reads: the model, the checkpoint it resumes from and,
/// once the data is loaded, the data files.
std::vector<NamedPath> inputFiles(const TrainRun &run) {
  const TrainOptions &o = run.o;
  std::vector<NamedPath> inputs = {{"the model", o.model}};
  if (!o.resume.empty())
    inputs.push_back({"--resume", o.resume});

  if (!run.needData || o.data == "synthetic")
    return inputs;
  if (o.data == "digits") {
    std::string csv = o.digitsCsv;
    for (const std::string &c : digitsCandidates())
      if (csv.empty() && ::access(c.c_str(), F_OK) == 0)
        csv = c;
    if (!csv.empty())
      inputs.push_back({"the digits data", csv});
    return inputs;
  }
  for (const TensorSpec *t : run.session->inputSpecs())
    inputs.push_back({"the data file", o.data + "/train/" + t->name + ".npy"});
  if (o.eval)
    for (const TensorSpec *t : run.session->evalInputSpecs())
      inputs.push_back({"the data file", o.data + "/test/" + t->name + ".npy"});
  return inputs;
}

/// The files the run writes (the dumps once the session and data are
/// known).
std::vector<NamedPath> outputFiles(const TrainRun &run) {
  const TrainOptions &o = run.o;
  std::vector<NamedPath> outputs;
  if (!o.report.empty())
    outputs.push_back({"--report", o.report});
  if (!o.checkpoint.empty())
    outputs.push_back({"--checkpoint", o.checkpoint});
  if (!run.session)
    return outputs;
  if (!o.dumpState.empty())
    for (const TensorSpec *t : run.session->stateSpecs())
      outputs.push_back({"--dump-state", o.dumpState + "/" + t->name + ".npy"});
  if (!o.dumpData.empty()) {
    for (const auto &kv : run.data.train.arrays)
      outputs.push_back(
          {"--dump-data", o.dumpData + "/train/" + kv.first + ".npy"});
    if (run.data.test)
      for (const auto &kv : run.data.test->arrays)
        outputs.push_back(
            {"--dump-data", o.dumpData + "/test/" + kv.first + ".npy"});
  }
  return outputs;
}

/// Every output is writable and overwrites no input and no other output.
void checkOutputs(const TrainRun &run) {
  const TrainOptions &o = run.o;
  checkOverlaps(inputFiles(run), outputFiles(run));
  if (!o.report.empty())
    orDie(checkWritableDestination(o.report));
  if (!o.checkpoint.empty())
    orDie(checkWritableDestination(o.checkpoint));
  if (!o.dumpState.empty())
    orDie(checkDumpDir(o.dumpState));
  if (!o.dumpData.empty())
    orDie(checkDumpDir(o.dumpData));
}

/// --dump-data: DIR/{train,test}/<input>.npy.
void dumpData(const TrainRun &run) {
  if (run.o.dumpData.empty())
    return;
  std::vector<std::pair<std::string, const Split *>> splits = {
      {"train", &run.data.train}};
  if (run.data.test)
    splits.push_back({"test", &*run.data.test});
  for (auto &[name, split] : splits) {
    std::string dir = run.o.dumpData + "/" + name;
    orDie(makeDirs(dir));
    for (const auto &kv : split->arrays)
      orDie(writeNpy(dir + "/" + kv.first + ".npy", kv.second));
  }
}

/// --steps steps, with --checkpoint-every checkpoints between them.
void train(TrainRun &run, Progress &progress,
           const AtomicWriteOptions &ckptOptions) {
  const TrainOptions &o = run.o;
  Session &s = *run.session;
  // Per-step data only for the report: a run without --report keeps
  // nothing per step, however long it is.
  bool record = !o.report.empty();
  for (int64_t i = 0; i < o.steps; ++i) {
    if (run.needData && run.ranks > 1)
      orDie(bindShard(s, run.data.train, run.batch, run.rank, run.ranks,
                      s.stepCount()));
    else if (run.needData)
      orDie(bindBatch(s, run.data.train, run.batch, s.stepCount(), false));
    auto t0 = TrainRun::Clock::now();
    StepResult r = orDie(s.step());
    double ms = 1e3 * seconds(TrainRun::Clock::now() - t0);
    run.sumMs += ms;
    run.skipped += r.skipped;
    if (record)
      run.records.push_back({r.step, r.loss, r.scale.value_or(0), ms,
                             r.scale.has_value(), r.skipped});
    run.last = r;
    progress.update(i + 1, r, run.skipped, run.sumMs / (i + 1));
    if (o.checkpointEvery && (i + 1) % o.checkpointEvery == 0 &&
        i + 1 != o.steps && run.rank == 0)
      orDie(s.saveCheckpoint(o.checkpoint, ckptOptions));
  }
}

/// --eval: eval_step over the full batches of the test split.
void evaluate(TrainRun &run, Progress &progress) {
  const Split &test = *run.data.test;
  int64_t batches = batchesPerEpoch(test, run.evalBatch);
  double lossSum = 0;
  int64_t correct = 0, count = 0;
  bool accuracy = true;
  for (int64_t b = 0; b < batches; ++b) {
    orDie(bindBatch(*run.session, test, run.evalBatch, static_cast<uint64_t>(b),
                    true));
    EvalBatchResult r = orDie(run.session->evalBatch());
    lossSum += r.loss;
    correct += r.correct;
    count += r.count;
    accuracy &= r.hasAccuracy;
  }
  bool hasAccuracy = accuracy && count;
  Json &e = run.evalJson = Json::object();
  e.set("loss", Json::number(lossSum / static_cast<double>(batches)));
  e.set("accuracy", hasAccuracy ? Json::number(static_cast<double>(correct) /
                                               static_cast<double>(count))
                                : Json::null());
  e.set("correct", accuracy ? Json::integer(correct) : Json::null());
  e.set("samples", Json::integer(batches * run.evalBatch));
  e.set("batches", Json::integer(batches));
  e.set("unused_samples", Json::integer(test.count - batches * run.evalBatch));
  std::string line = "eval: loss " + fmtNum(lossSum / batches);
  if (hasAccuracy)
    line += "  accuracy " +
            fmtNum(100.0 * static_cast<double>(correct) / count, "%.2f") +
            "% (" + std::to_string(correct) + "/" + std::to_string(count) + ")";
  progress.message(line);
}

/// --dump-state: every state tensor as DIR/<name>.npy, read straight behind
/// its .npy header (one host copy of the tensor).
void dumpState(const TrainRun &run) {
  const std::string &dir = run.o.dumpState;
  orDie(makeDirs(dir));
  for (const TensorSpec *t : run.session->stateSpecs()) {
    std::string file = serializeNpy(t->dtype, t->shape, "");
    size_t header = file.size();
    file.resize(header + t->byteSize());
    orDie(run.session->readState(t->name, file.data() + header, t->byteSize()));
    orDie(writeFileAtomic(dir + "/" + t->name + ".npy", file));
  }
}

/// The last lines: what was trained, and the device's launch counts.
void printSummary(const TrainRun &run, Progress &progress) {
  const TrainOptions &o = run.o;
  Session &s = *run.session;
  if (o.steps > 0 && run.last)
    progress.message(
        "trained " + std::to_string(o.steps) + " steps (" +
        std::to_string(run.firstStep + 1) + ".." +
        std::to_string(s.stepCount()) + ")  final loss " +
        fmtNum(run.last->loss) +
        (run.last->scale ? "  scale " + fmtNum(*run.last->scale) : "") +
        "  skipped " + std::to_string(run.skipped) + "  " +
        fmtNum(run.sumMs / static_cast<double>(o.steps), "%.3f") + " ms/step");
  const CollectiveStats &cs = s.collective().stats();
  if (run.ranks > 1 && o.steps > 0)
    progress.message(
        std::to_string(run.ranks) + " ranks (" + s.collective().description() +
        "), global batch " + std::to_string(run.batch * run.ranks) +
        ": all-reduce " +
        fmtNum(1e3 * cs.seconds / static_cast<double>(o.steps), "%.3f") +
        " ms/step on rank 0 (" + std::to_string(cs.allReduces) + " calls, " +
        std::to_string(cs.bytes) + " bytes)");
  std::optional<ProgramStats> ps = s.programStats();
  if (!ps)
    return;
  std::string line = "device " + s.device().name() + ": " +
                     std::to_string(ps->kernels) + " kernels";
  for (const auto &[fn, n] : ps->launchesPerCall)
    if (fn == s.trainFunction().name)
      line += ", " + std::to_string(n) + " launches per step";
  for (const auto &[key, value] : s.device().counters())
    if (key == "warp_instructions" || key == "thread_instructions")
      line += ", " + std::to_string(value) + " emulated " +
              key.substr(0, key.find('_')) + " instructions";
  progress.message(line);
}

} // namespace

int runTrainMode(int argc, char **argv) {
  TrainOptions o = parseTrainOptions(argc, argv);
  TrainRun run(o);
  run.started = TrainRun::Clock::now();
  // No output may overwrite an input or another output: checked before
  // anything is loaded, and again once the data and dump files are known.
  checkOverlaps(inputFiles(run), outputFiles(run));
  openSession(run);
  loadData(run);
  // Only rank 0 writes files (and reads what only it needs).
  bool writer = run.rank == 0;
  if (writer) {
    checkOutputs(run);
    dumpData(run);
  }
  run.loaded = TrainRun::Clock::now();

  Progress progress(o.quiet || !writer ? "none" : o.progress, o.logEvery,
                    static_cast<int64_t>(run.firstStep), o.steps);
  AtomicWriteOptions ckptOptions = checkpointWriteOptions();
  train(run, progress, ckptOptions);
  run.trained = TrainRun::Clock::now();
  if (o.eval && writer)
    evaluate(run, progress);
  run.evaluated = TrainRun::Clock::now();

  if (writer) {
    if (!o.checkpoint.empty())
      orDie(run.session->saveCheckpoint(o.checkpoint, ckptOptions));
    if (!o.dumpState.empty())
      dumpState(run);
    if (!o.report.empty())
      orDie(writeFileAtomic(o.report, reportText(run)));
    printSummary(run, progress);
  }
  // Every rank stays until rank 0 has written its files.
  if (run.ranks > 1)
    orDie(run.collective->barrier());
  return 0;
}
