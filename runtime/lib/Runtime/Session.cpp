//===- Session.cpp - Training sessions: state, steps, evaluation ----------===//

#include "mpt-runtime/Session.h"
#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/Init.h"
#include "mpt-runtime/ThreadPool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_map>

using namespace mpt::rt;

Expected<ArtifactRef> mpt::rt::loadArtifact(const std::string &path) {
  Expected<ArtifactContents> a = readArtifactFile(path);
  if (a.failed())
    return a.status();
  return ArtifactRef(std::make_shared<const ArtifactContents>(a.take()));
}

namespace {
struct StateSlot {
  const TensorSpec *spec = nullptr;
  int resultIndex = -1; ///< the train result that updates it, or -1
  DeviceBuffer cur;     ///< what the next step reads
  DeviceBuffer next;    ///< where the next step writes (updated state only)
};

struct InputSlot {
  const TensorSpec *spec = nullptr;
  DeviceBuffer buf;
  bool set = false;
};

/// How one argument of a function is bound.
struct ArgBinding {
  enum Kind { State, Input } kind = Input;
  size_t index = 0; ///< into states or the function's inputs
};
} // namespace

struct Session::Impl {
  ArtifactRef artifact;
  SessionOptions options;
  // Declared first: destroyed last, after every buffer and module.
  std::unique_ptr<Device> device;
  std::unique_ptr<Program> program;
  /// The hook installed in the program's code is only called from
  /// Impl::call.
  std::unique_ptr<Collective> ownCollective;
  Collective *collective = nullptr;
  /// The threads of a CPU step's ops (installed in the program's code,
  /// which only calls it from Impl::call); destroyed before the program.
  std::unique_ptr<ThreadPool> pool;
  const FunctionSig *train = nullptr;
  const FunctionSig *eval = nullptr;

  std::vector<StateSlot> states;
  std::unordered_map<std::string, size_t> stateByName;
  std::vector<InputSlot> inputs;
  std::vector<ArgBinding> trainArgs;
  std::vector<DeviceBuffer> trainResults; ///< non-state results only
  int lossResult = -1, foundInfResult = -1, scaleState = -1;
  bool haveRun = false;
  uint64_t step = 0;

  std::vector<InputSlot> evalInputs;
  std::vector<ArgBinding> evalArgs;
  std::vector<DeviceBuffer> evalResults;
  int evalLoss = -1, evalLogits = -1, evalLabels = -1;

  std::vector<DevicePtr> callBuffers;
  /// The most scratch bytes the compiled code held during one call of
  /// train_step / eval_step (when it reports them).
  std::optional<uint64_t> trainScratchPeak, evalScratchPeak;
  /// The blocks malloc handed the compiled code during train_step's first
  /// call, and during all later calls together (when the code reports it).
  std::optional<uint64_t> firstTrainAllocations, laterTrainAllocations;

  const std::string &name() const { return options.artifactName; }
  Status build();
  Status bindEval();
  /// Allocates a zeroed buffer for input argument `a` in `slots` and binds
  /// the argument to it.
  Status addInput(const TensorSpec &a, std::vector<InputSlot> &slots,
                  std::vector<ArgBinding> &bindings);
  Status initializationOrder(std::vector<size_t> &order) const;
  Status initialize(const StateSlot &s);
  Status readDouble(DevicePtr p, DType t, double &out) const;
  /// Calls `symbol` with `callBuffers`, measuring the scratch bytes the
  /// code holds during the call into `peak`.
  Status call(const std::string &symbol, std::optional<uint64_t> &peak);
};

/// A buffer for tensor `t`, zeroed on the device (no host copy of it).
/// Errors say which tensor: `<what> (f32[1000000000], 4000000000 bytes): `.
static Expected<DeviceBuffer> zeroedBuffer(Device &device, const TensorSpec &t,
                                           const std::string &what) {
  size_t bytes = t.byteSize();
  Expected<DeviceBuffer> b = DeviceBuffer::allocate(device, bytes);
  Status st = b.ok() ? device.fillZero(b->ptr(), bytes) : b.status();
  if (st.failed())
    return st.withContext(what + " (" + t.typeString() + ", " +
                          std::to_string(bytes) + " bytes)");
  return b;
}

Status Session::Impl::addInput(const TensorSpec &a,
                               std::vector<InputSlot> &slots,
                               std::vector<ArgBinding> &bindings) {
  Expected<DeviceBuffer> b =
      zeroedBuffer(*device, a, name() + ": input '" + a.name + "'");
  if (b.failed())
    return b.status();
  InputSlot in;
  in.spec = &a;
  in.buf = b.take();
  bindings.push_back({ArgBinding::Input, slots.size()});
  slots.push_back(std::move(in));
  return Status::success();
}

Status Session::Impl::build() {
  const Manifest &m = artifact->manifest;
  train = m.findFunction(options.trainFunction);
  if (!train) {
    std::string list;
    for (const FunctionSig &f : m.functions)
      list += (list.empty() ? "" : ", ") + f.name;
    return Status::error(name() + ": the artifact has no function '" +
                         options.trainFunction + "' (it has: " + list + ")");
  }
  eval = options.evalFunction.empty() ? nullptr
                                      : m.findFunction(options.evalFunction);

  for (const TensorSpec &a : train->args) {
    if (isStateRole(a.role)) {
      StateSlot s;
      s.spec = &a;
      Expected<DeviceBuffer> b =
          zeroedBuffer(*device, a, name() + ": state '" + a.name + "'");
      if (b.failed())
        return b.status();
      s.cur = b.take();
      trainArgs.push_back({ArgBinding::State, states.size()});
      stateByName[a.name] = states.size();
      states.push_back(std::move(s));
    } else {
      if (Status st = addInput(a, inputs, trainArgs); st.failed())
        return st;
    }
  }
  for (size_t r = 0; r < train->results.size(); ++r) {
    const TensorSpec &res = train->results[r];
    Expected<DeviceBuffer> b = zeroedBuffer(
        *device, res,
        name() + ": " + train->name + " result #" + std::to_string(r) +
            (isStateRole(res.role) ? " (the update of '" + res.updates + "')"
                                   : std::string()));
    if (b.failed())
      return b.status();
    if (isStateRole(res.role)) {
      StateSlot &s = states[stateByName.at(res.updates)];
      s.resultIndex = static_cast<int>(r);
      s.next = b.take();
      trainResults.emplace_back();
    } else {
      trainResults.push_back(b.take());
    }
    if (res.role == Role::Loss)
      lossResult = static_cast<int>(r);
    if (res.role == Role::Output && res.name == "found_inf")
      foundInfResult = static_cast<int>(r);
  }
  // The loss scale: state "loss_scale.scale", else the one scalar float
  // loss-scale state whose name ends in "scale".
  int candidates = 0, candidate = -1;
  for (size_t i = 0; i < states.size(); ++i) {
    const TensorSpec &s = *states[i].spec;
    if (s.role != Role::LossScaleState || !isFloat(s.dtype) ||
        s.numElements() != 1)
      continue;
    if (s.name == "loss_scale.scale") {
      scaleState = static_cast<int>(i);
      break;
    }
    if (s.name.size() >= 5 &&
        s.name.compare(s.name.size() - 5, 5, "scale") == 0) {
      ++candidates;
      candidate = static_cast<int>(i);
    }
  }
  if (scaleState < 0 && candidates == 1)
    scaleState = candidate;
  return eval ? bindEval() : Status::success();
}

Status Session::Impl::bindEval() {
  std::string where = name() + ": function " + eval->name;
  for (const TensorSpec &a : eval->args) {
    if (isStateRole(a.role)) {
      auto it = stateByName.find(a.name);
      if (it == stateByName.end())
        return Status::error(where + ": argument '" + a.name + "' (" +
                             roleName(a.role) + ") is not a state of " +
                             train->name);
      const TensorSpec &s = *states[it->second].spec;
      if (s.dtype != a.dtype || s.shape != a.shape)
        return Status::error(where + ": argument '" + a.name + "' is " +
                             a.typeString() + " but the state is " +
                             s.typeString());
      evalArgs.push_back({ArgBinding::State, it->second});
    } else {
      if (Status st = addInput(a, evalInputs, evalArgs); st.failed())
        return st;
    }
  }
  int outputs = 0, onlyOutput = -1;
  for (size_t r = 0; r < eval->results.size(); ++r) {
    const TensorSpec &res = eval->results[r];
    Expected<DeviceBuffer> b = zeroedBuffer(
        *device, res,
        name() + ": " + eval->name + " result #" + std::to_string(r));
    if (b.failed())
      return b.status();
    evalResults.push_back(b.take());
    if (res.role == Role::Loss)
      evalLoss = static_cast<int>(r);
    if (res.role == Role::Output) {
      ++outputs;
      onlyOutput = static_cast<int>(r);
      if (res.name == "logits")
        evalLogits = static_cast<int>(r);
    }
  }
  if (evalLogits < 0 && outputs == 1)
    evalLogits = onlyOutput;
  int ints = 0, onlyInt = -1;
  for (size_t i = 0; i < evalInputs.size(); ++i) {
    const TensorSpec &s = *evalInputs[i].spec;
    if (s.name == "y") {
      evalLabels = static_cast<int>(i);
      break;
    }
    if (isInteger(s.dtype)) {
      ++ints;
      onlyInt = static_cast<int>(i);
    }
  }
  if (evalLabels < 0 && ints == 1)
    evalLabels = onlyInt;
  return Status::success();
}

Status Session::Impl::initializationOrder(std::vector<size_t> &order) const {
  // Plain inits first, then cast_of in dependency order (validated acyclic).
  std::vector<bool> done(states.size(), false);
  for (size_t i = 0; i < states.size(); ++i) {
    const TensorSpec &t = *states[i].spec;
    if (t.init.dist == InitSpec::Dist::CastOf)
      continue;
    if (t.init.dist == InitSpec::Dist::None)
      return Status::error(name() + ": state '" + t.name +
                           "' has no init in the signature table (start from "
                           "a checkpoint instead)");
    order.push_back(i);
    done[i] = true;
  }
  bool progress = true;
  while (progress) {
    progress = false;
    for (size_t i = 0; i < states.size(); ++i) {
      const TensorSpec &t = *states[i].spec;
      if (done[i])
        continue;
      auto src = stateByName.find(t.init.source);
      if (src == stateByName.end() || !done[src->second])
        continue;
      order.push_back(i);
      done[i] = progress = true;
    }
  }
  for (size_t i = 0; i < states.size(); ++i)
    if (!done[i])
      return Status::error(name() + ": state '" + states[i].spec->name +
                           "': cast_of source '" + states[i].spec->init.source +
                           "' has no initial value");
  return Status::success();
}

/// Elements initialised per piece: a tensor's initial value is never held
/// on the host in full (a 4 GiB parameter needs 4 GiB of device memory, not
/// 8 GiB of memory).
static constexpr uint64_t kInitChunkElements = 1 << 16;

Status Session::Impl::initialize(const StateSlot &s) {
  const TensorSpec &t = *s.spec;
  if (t.init.dist == InitSpec::Dist::Zeros)
    return device->fillZero(s.cur.ptr(), t.byteSize());
  uint64_t n = static_cast<uint64_t>(t.numElements());
  size_t es = dtypeSize(t.dtype);
  std::vector<unsigned char> chunk(
      static_cast<size_t>(std::min(n, kInitChunkElements)) * es);
  const StateSlot *source = t.init.dist == InitSpec::Dist::CastOf
                                ? &states[stateByName.at(t.init.source)]
                                : nullptr;
  std::vector<unsigned char> sourceChunk;
  if (source)
    sourceChunk.resize(static_cast<size_t>(std::min(n, kInitChunkElements)) *
                       dtypeSize(source->spec->dtype));
  for (uint64_t first = 0; first < n; first += kInitChunkElements) {
    uint64_t count = std::min(kInitChunkElements, n - first);
    if (source) {
      // The source (initialised earlier) converted with one rounding.
      size_t ses = dtypeSize(source->spec->dtype);
      if (Status st = device->copyToHost(
              sourceChunk.data(), source->cur.ptr() + first * ses, count * ses);
          st.failed())
        return st;
      convertElements(source->spec->dtype, sourceChunk.data(), t.dtype,
                      chunk.data(), static_cast<size_t>(count));
    } else if (Status st = fillInitialValue(t, chunk.data(), first, count);
               st.failed()) {
      return st.withContext(name());
    }
    if (Status st = device->copyToDevice(s.cur.ptr() + first * es, chunk.data(),
                                         count * es);
        st.failed())
      return st;
  }
  return Status::success();
}

Status Session::Impl::call(const std::string &symbol,
                           std::optional<uint64_t> &peak) {
  program->resetScratchPeak();
  Status st = program->call(symbol, callBuffers.data(), callBuffers.size());
  if (st.failed() && !collective->lastError().empty()) {
    // The entry point only returned kEntryCollectiveFailed: the
    // collective's own message says what happened.
    st = Status::error(symbol + ": " + collective->lastError());
    collective->setLastError("");
  }
  if (st.ok())
    st = device->synchronize();
  if (std::optional<uint64_t> p = program->scratchPeakBytes())
    peak = std::max(peak.value_or(0), *p);
  return st;
}

Status Session::Impl::readDouble(DevicePtr p, DType t, double &out) const {
  unsigned char buf[8];
  if (Status st = device->copyToHost(buf, p, dtypeSize(t)); st.failed())
    return st;
  out = loadElement(t, buf);
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Expected<std::unique_ptr<Session>>
Session::create(ArtifactRef artifact, std::string_view deviceName,
                const SessionOptions &options) {
  try {
    return createOrThrow(std::move(artifact), deviceName, options);
  } catch (const std::bad_alloc &) {
    return Status::error(options.artifactName +
                         ": out of host memory creating the session");
  }
}

Expected<std::unique_ptr<Session>>
Session::createOrThrow(ArtifactRef artifact, std::string_view deviceName,
                       const SessionOptions &options) {
  if (!artifact)
    return Status::error("no artifact");
  auto impl = std::make_unique<Impl>();
  impl->artifact = std::move(artifact);
  impl->options = options;
  Expected<std::unique_ptr<Device>> dev = createDevice(deviceName);
  if (dev.failed())
    return dev.status();
  impl->device = dev.take();
  Expected<std::unique_ptr<Program>> prog =
      impl->device->loadProgram(*impl->artifact, options.artifactName);
  if (prog.failed())
    return prog.status();
  impl->program = prog.take();
  impl->collective = options.collective;
  if (!impl->collective) {
    Expected<std::unique_ptr<Collective>> single = createCollective("single");
    if (single.failed())
      return single.status();
    impl->ownCollective = single.take();
    impl->collective = impl->ownCollective.get();
  }
  impl->collective->install(*impl->program);
  // Only native code that can use threads gets them.
  if (impl->program->hostSymbol("mpt_set_parallel_for")) {
    impl->pool = std::make_unique<ThreadPool>(
        options.threads ? options.threads : defaultThreadCount());
    impl->pool->install(*impl->program);
  }
  if (Status st = impl->build(); st.failed())
    return st;
  std::unique_ptr<Session> s(new Session(std::move(impl)));
  if (options.initializeState)
    if (Status st = s->initializeState(); st.failed())
      return st;
  return s;
}

const Manifest &Session::manifest() const { return impl_->artifact->manifest; }
const FunctionSig &Session::trainFunction() const { return *impl_->train; }
const FunctionSig *Session::evalFunction() const { return impl_->eval; }
Device &Session::device() { return *impl_->device; }
Collective &Session::collective() { return *impl_->collective; }
unsigned Session::threads() const {
  return impl_->pool ? impl_->pool->size() : 1;
}
std::optional<ProgramStats> Session::programStats() const {
  return impl_->program->stats();
}

std::vector<const TensorSpec *> Session::stateSpecs() const {
  std::vector<const TensorSpec *> out;
  for (const StateSlot &s : impl_->states)
    out.push_back(s.spec);
  return out;
}

const TensorSpec *Session::findState(std::string_view name) const {
  auto it = impl_->stateByName.find(std::string(name));
  return it == impl_->stateByName.end() ? nullptr
                                        : impl_->states[it->second].spec;
}

Status Session::initializeState() {
  // Everything that can be wrong with the inits is found before any state
  // changes.
  std::vector<size_t> order;
  if (Status st = impl_->initializationOrder(order); st.failed())
    return st;
  for (size_t i : order)
    if (Status st = impl_->initialize(impl_->states[i]); st.failed())
      return st;
  impl_->step = 0;
  impl_->haveRun = false;
  return Status::success();
}

static Status sizeMismatch(const std::string &what, const TensorSpec &spec,
                           size_t bytes) {
  return Status::error(what + " '" + spec.name + "' is " + spec.typeString() +
                       " (" + std::to_string(spec.byteSize()) +
                       " bytes), got " + std::to_string(bytes) + " bytes");
}

Status Session::readState(std::string_view name, void *dst,
                          size_t bytes) const {
  auto it = impl_->stateByName.find(std::string(name));
  if (it == impl_->stateByName.end())
    return Status::error("no state named '" + std::string(name) + "'");
  const StateSlot &s = impl_->states[it->second];
  if (bytes != s.spec->byteSize())
    return sizeMismatch("state", *s.spec, bytes);
  return impl_->device->copyToHost(dst, s.cur.ptr(), bytes);
}

Status Session::writeState(std::string_view name, const void *src,
                           size_t bytes) {
  auto it = impl_->stateByName.find(std::string(name));
  if (it == impl_->stateByName.end())
    return Status::error("no state named '" + std::string(name) + "'");
  StateSlot &s = impl_->states[it->second];
  if (bytes != s.spec->byteSize())
    return sizeMismatch("state", *s.spec, bytes);
  return impl_->device->copyToDevice(s.cur.ptr(), src, bytes);
}

Status Session::refreshCastStates() {
  std::vector<size_t> order;
  if (Status st = impl_->initializationOrder(order); st.failed())
    return st;
  for (size_t i : order)
    if (impl_->states[i].spec->init.dist == InitSpec::Dist::CastOf)
      if (Status st = impl_->initialize(impl_->states[i]); st.failed())
        return st;
  return Status::success();
}

uint64_t Session::stepCount() const { return impl_->step; }
void Session::setStepCount(uint64_t step) { impl_->step = step; }

std::vector<const TensorSpec *> Session::inputSpecs() const {
  std::vector<const TensorSpec *> out;
  for (const InputSlot &i : impl_->inputs)
    out.push_back(i.spec);
  return out;
}

static Status setInputIn(Device &device, std::vector<InputSlot> &slots,
                         const std::string &fn, std::string_view name,
                         const void *data, size_t bytes) {
  for (InputSlot &in : slots) {
    if (in.spec->name != name)
      continue;
    if (bytes != in.spec->byteSize())
      return sizeMismatch("input", *in.spec, bytes);
    // Class labels out of range never reach the compiled step (which
    // would index with them).
    if (Status st = checkClassLabels(*in.spec, data, bytes,
                                     fn + ": input '" + in.spec->name + "'");
        st.failed())
      return st;
    if (Status st = device.copyToDevice(in.buf.ptr(), data, bytes); st.failed())
      return st;
    in.set = true;
    return Status::success();
  }
  std::string list;
  for (const InputSlot &in : slots)
    list += (list.empty() ? "" : ", ") + in.spec->name;
  return Status::error(fn + " has no input named '" + std::string(name) +
                       "' (inputs: " + (list.empty() ? "none" : list) + ")");
}

Status Session::setInput(std::string_view name, const void *data,
                         size_t bytes) {
  return setInputIn(*impl_->device, impl_->inputs, impl_->train->name, name,
                    data, bytes);
}

static Status checkInputsSet(const std::vector<InputSlot> &slots,
                             const std::string &fn) {
  for (const InputSlot &in : slots)
    if (!in.set)
      return Status::error(fn + ": input '" + in.spec->name + "' was not set");
  return Status::success();
}

Expected<StepResult> Session::step() {
  Impl &I = *impl_;
  const FunctionSig &f = *I.train;
  if (Status st = checkInputsSet(I.inputs, f.name); st.failed())
    return st;
  if (I.step == std::numeric_limits<uint64_t>::max())
    return Status::error("the step count " + std::to_string(I.step) +
                         " cannot advance");
  I.callBuffers.clear();
  for (const ArgBinding &b : I.trainArgs)
    I.callBuffers.push_back(b.kind == ArgBinding::State
                                ? I.states[b.index].cur.ptr()
                                : I.inputs[b.index].buf.ptr());
  for (size_t r = 0; r < f.results.size(); ++r)
    I.callBuffers.push_back(
        isStateRole(f.results[r].role)
            ? I.states[I.stateByName.at(f.results[r].updates)].next.ptr()
            : I.trainResults[r].ptr());
  std::optional<ScratchAllocatorStats> before =
      I.program->scratchAllocatorStats();
  if (Status st = I.call(f.symbol, I.trainScratchPeak); st.failed())
    return st.withContext("step " + std::to_string(I.step + 1));
  if (std::optional<ScratchAllocatorStats> after =
          I.program->scratchAllocatorStats();
      before && after) {
    uint64_t n = after->systemAllocations - before->systemAllocations;
    if (!I.firstTrainAllocations)
      I.firstTrainAllocations = n;
    else
      I.laterTrainAllocations = I.laterTrainAllocations.value_or(0) + n;
  }
  // The results become the next step's arguments.
  for (StateSlot &s : I.states)
    if (s.resultIndex >= 0)
      std::swap(s.cur, s.next);
  ++I.step;
  I.haveRun = true;

  StepResult r;
  r.step = I.step;
  r.loss = std::numeric_limits<double>::quiet_NaN();
  if (I.lossResult >= 0)
    if (Status st = I.readDouble(I.trainResults[I.lossResult].ptr(),
                                 f.results[I.lossResult].dtype, r.loss);
        st.failed())
      return st;
  if (I.foundInfResult >= 0) {
    double v = 0;
    if (Status st = I.readDouble(I.trainResults[I.foundInfResult].ptr(),
                                 f.results[I.foundInfResult].dtype, v);
        st.failed())
      return st;
    r.skipped = v != 0;
  }
  if (I.scaleState >= 0) {
    double v = 0;
    const StateSlot &s = I.states[I.scaleState];
    if (Status st = I.readDouble(s.cur.ptr(), s.spec->dtype, v); st.failed())
      return st;
    r.scale = v;
  }
  return r;
}

Status Session::readResult(std::string_view name, void *dst,
                           size_t bytes) const {
  const Impl &I = *impl_;
  const FunctionSig &f = *I.train;
  int index = f.findResult(name);
  if (index < 0 && name.size() > 1 && name[0] == '#') {
    int i = std::atoi(std::string(name.substr(1)).c_str());
    if (i >= 0 && static_cast<size_t>(i) < f.results.size())
      index = i;
  }
  if (index < 0)
    return Status::error(f.name + " has no result named '" + std::string(name) +
                         "'");
  if (!I.haveRun)
    return Status::error("no step has run yet");
  const TensorSpec &res = f.results[index];
  if (bytes != res.byteSize())
    return sizeMismatch("result", res, bytes);
  DevicePtr p = isStateRole(res.role)
                    ? I.states[I.stateByName.at(res.updates)].cur.ptr()
                    : I.trainResults[index].ptr();
  return I.device->copyToHost(dst, p, bytes);
}

std::vector<const TensorSpec *> Session::evalInputSpecs() const {
  std::vector<const TensorSpec *> out;
  for (const InputSlot &i : impl_->evalInputs)
    out.push_back(i.spec);
  return out;
}

Status Session::setEvalInput(std::string_view name, const void *data,
                             size_t bytes) {
  if (!impl_->eval)
    return Status::error(impl_->name() + ": the artifact has no function '" +
                         impl_->options.evalFunction + "'");
  return setInputIn(*impl_->device, impl_->evalInputs, impl_->eval->name, name,
                    data, bytes);
}

/// Index of the largest element of row `row` (NaN never wins; -1 if all
/// are NaN).
static int64_t argmaxRow(const std::string &host, DType t, int64_t row,
                         int64_t k) {
  size_t es = dtypeSize(t);
  int64_t best = -1;
  double bestV = 0;
  for (int64_t j = 0; j < k; ++j) {
    double v = loadElement(t, host.data() + (row * k + j) * es);
    if (std::isnan(v))
      continue;
    if (best < 0 || v > bestV) {
      best = j;
      bestV = v;
    }
  }
  return best;
}

Expected<EvalBatchResult> Session::evalBatch() {
  Impl &I = *impl_;
  if (!I.eval)
    return Status::error(I.name() + ": the artifact has no function '" +
                         I.options.evalFunction + "'");
  const FunctionSig &f = *I.eval;
  if (Status st = checkInputsSet(I.evalInputs, f.name); st.failed())
    return st;
  I.callBuffers.clear();
  for (const ArgBinding &b : I.evalArgs)
    I.callBuffers.push_back(b.kind == ArgBinding::State
                                ? I.states[b.index].cur.ptr()
                                : I.evalInputs[b.index].buf.ptr());
  for (const DeviceBuffer &b : I.evalResults)
    I.callBuffers.push_back(b.ptr());
  if (Status st = I.call(f.symbol, I.evalScratchPeak); st.failed())
    return st.withContext(f.name);

  EvalBatchResult r;
  r.loss = std::numeric_limits<double>::quiet_NaN();
  if (I.evalLoss >= 0)
    if (Status st = I.readDouble(I.evalResults[I.evalLoss].ptr(),
                                 f.results[I.evalLoss].dtype, r.loss);
        st.failed())
      return st;
  if (I.evalLogits < 0 || I.evalLabels < 0)
    return r;
  const TensorSpec &logits = f.results[I.evalLogits];
  const TensorSpec &labels = *I.evalInputs[I.evalLabels].spec;
  if (logits.shape.size() < 1 || !isFloat(logits.dtype))
    return r;
  int64_t k = logits.shape.back();
  int64_t rows = k > 0 ? logits.numElements() / k : 0;
  // Accuracy needs class labels: one integer per row of the logits. Float
  // labels (a regression target, or probabilities) have none.
  if (!isInteger(labels.dtype) || labels.numElements() != rows)
    return r;
  std::string hostLogits, hostLabels;
  try {
    hostLogits.resize(logits.byteSize());
    hostLabels.resize(labels.byteSize());
  } catch (const std::bad_alloc &) {
    return Status::error(f.name + ": out of host memory reading the logits (" +
                         std::to_string(logits.byteSize()) + " bytes)");
  }
  if (Status st = I.device->copyToHost(hostLogits.data(),
                                       I.evalResults[I.evalLogits].ptr(),
                                       hostLogits.size());
      st.failed())
    return st;
  if (Status st = I.device->copyToHost(hostLabels.data(),
                                       I.evalInputs[I.evalLabels].buf.ptr(),
                                       hostLabels.size());
      st.failed())
    return st;
  for (int64_t i = 0; i < rows; ++i) {
    int64_t pred = argmaxRow(hostLogits, logits.dtype, i, k);
    int64_t want = static_cast<int64_t>(loadElement(
        labels.dtype, hostLabels.data() + i * dtypeSize(labels.dtype)));
    if (pred >= 0 && pred == want)
      ++r.correct;
  }
  r.count = rows;
  r.hasAccuracy = true;
  return r;
}

MemoryStats Session::memoryStats() const {
  MemoryStats m;
  for (const StateSlot &s : impl_->states) {
    uint64_t b = s.spec->byteSize();
    if (s.spec->role == Role::Param)
      m.parameterBytes += b;
    m.stateBytes += b;
    m.stateBufferBytes += s.cur.bytes() + s.next.bytes();
  }
  for (const InputSlot &i : impl_->inputs)
    m.stepBufferBytes += i.buf.bytes();
  for (const DeviceBuffer &b : impl_->trainResults)
    m.stepBufferBytes += b.bytes();
  for (const InputSlot &i : impl_->evalInputs)
    m.evalBufferBytes += i.buf.bytes();
  for (const DeviceBuffer &b : impl_->evalResults)
    m.evalBufferBytes += b.bytes();
  DeviceMemoryUsage u = impl_->device->memoryUsage();
  m.deviceBytes = u.currentBytes;
  m.peakDeviceBytes = u.peakBytes;
  m.trainScratchPeakBytes = impl_->trainScratchPeak;
  m.evalScratchPeakBytes = impl_->evalScratchPeak;
  m.firstTrainSystemAllocations = impl_->firstTrainAllocations;
  m.laterTrainSystemAllocations = impl_->laterTrainAllocations;
  if (std::optional<ScratchAllocatorStats> a =
          impl_->program->scratchAllocatorStats())
    m.scratchKeptBytes = a->keptBytes;
  return m;
}

//===----------------------------------------------------------------------===//
// Checkpoints (the container is mpt-runtime/Checkpoint.h's)
//===----------------------------------------------------------------------===//

Expected<std::string> Session::serializeCheckpoint() const {
  try {
    return serializeCheckpointOrThrow();
  } catch (const std::bad_alloc &) {
    uint64_t bytes = 0;
    for (const StateSlot &s : impl_->states)
      bytes += s.spec->byteSize();
    return Status::error("out of host memory serialising the checkpoint (" +
                         std::to_string(bytes) + " bytes of state)");
  }
}

Expected<std::string> Session::serializeCheckpointOrThrow() const {
  std::string out;
  CheckpointWriter writer(out, static_cast<uint32_t>(impl_->states.size()),
                          impl_->step);
  for (const StateSlot &s : impl_->states) {
    const TensorSpec &t = *s.spec;
    char *data = writer.addTensor(t);
    if (Status st = impl_->device->copyToHost(data, s.cur.ptr(), t.byteSize());
        st.failed())
      return st;
  }
  writer.finish();
  return out;
}

/// Every state of the session is in the checkpoint with the same role,
/// dtype and shape, and the checkpoint has no other state.
static Status matchCheckpoint(const CheckpointContents &c,
                              const std::vector<StateSlot> &states,
                              const std::string &name) {
  auto fail = [&](const std::string &why) {
    return Status::error("checkpoint '" + name +
                         "': it was written for another signature: " + why);
  };
  for (const StateSlot &s : states) {
    const TensorSpec &t = *s.spec;
    const CheckpointTensor *ct = nullptr;
    for (const CheckpointTensor &candidate : c.tensors)
      if (candidate.name == t.name)
        ct = &candidate;
    if (!ct)
      return fail("it has no state '" + t.name + "' (" + t.typeString() + ", " +
                  roleName(t.role) + ")");
    if (ct->role != t.role || ct->dtype != t.dtype || ct->shape != t.shape)
      return fail("state '" + t.name + "' is " + ct->typeString() + " (" +
                  roleName(ct->role) + ") in the checkpoint but " +
                  t.typeString() + " (" + roleName(t.role) +
                  ") in the artifact");
  }
  if (c.tensors.size() != states.size())
    for (const CheckpointTensor &ct : c.tensors) {
      bool known = false;
      for (const StateSlot &s : states)
        known |= s.spec->name == ct.name;
      if (!known)
        return fail("state '" + ct.name + "' (" + ct.typeString() + ", " +
                    roleName(ct.role) + ") is not in the artifact");
    }
  return Status::success();
}

Status Session::restoreCheckpoint(std::string_view bytes,
                                  const std::string &name) {
  Expected<CheckpointContents> c = parseCheckpoint(bytes, name);
  if (c.failed())
    return c.status();
  if (Status st = matchCheckpoint(*c, impl_->states, name); st.failed())
    return st;
  for (const CheckpointTensor &ct : c->tensors) {
    StateSlot &s = impl_->states[impl_->stateByName.at(ct.name)];
    if (Status st = impl_->device->copyToDevice(s.cur.ptr(), ct.data.data(),
                                                ct.data.size());
        st.failed())
      return st;
  }
  impl_->step = c->step;
  impl_->haveRun = false;
  return Status::success();
}

Status Session::saveCheckpoint(const std::string &path,
                               const AtomicWriteOptions &options) const {
  Expected<std::string> bytes = serializeCheckpoint();
  if (bytes.failed())
    return bytes.status();
  return writeFileAtomic(path, *bytes, options);
}

Status Session::loadCheckpoint(const std::string &path) {
  Expected<std::string> bytes = readFile(path, checkpointSizePromise());
  if (bytes.failed())
    return bytes.status();
  return restoreCheckpoint(*bytes, path);
}
