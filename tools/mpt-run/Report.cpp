//===- Report.cpp - mpt-run's JSON report ---------------------------------===//

#include "Report.h"
#include "ToolSupport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mpt;
using namespace mpt::rt;
using namespace mpt::tool;

namespace {

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

Json artifactJson(const TrainRun &run) {
  const Manifest &m = run.session->manifest();
  Json art = Json::object();
  art.set("path", Json::string(run.o.model));
  art.set("target", Json::string(m.target));
  art.set("precision", Json::string(m.precision));
  Json opts = Json::object();
  for (const auto &kv : m.options)
    opts.set(kv.first, Json::string(kv.second));
  art.set("options", std::move(opts));
  art.set("stats", m.stats);
  return art;
}

Json deviceJson(const TrainRun &run) {
  Session &s = *run.session;
  Json dev = Json::object();
  dev.set("name", Json::string(s.device().name()));
  dev.set("description", Json::string(s.device().description()));
  dev.set("threads", Json::unsignedInteger(s.threads()));
  if (std::optional<ProgramStats> ps = s.programStats()) {
    dev.set("kernels", Json::unsignedInteger(ps->kernels));
    dev.set("launches", Json::unsignedInteger(ps->launches));
    Json per = Json::object();
    for (const auto &[fn, n] : ps->launchesPerCall)
      per.set(fn, Json::unsignedInteger(n));
    dev.set("launches_per_call", std::move(per));
  }
  for (const auto &[key, value] : s.device().counters())
    dev.set(key, Json::unsignedInteger(value));
  return dev;
}

/// null when the run used no data.
Json dataJson(const TrainRun &run) {
  if (!run.needData)
    return Json();
  const Dataset &data = run.data;
  Json dj = Json::object();
  dj.set("source", Json::string(data.source));
  dj.set("batch_size", Json::integer(run.batch));
  dj.set("train_samples", Json::integer(data.train.count));
  dj.set("train_batches_per_epoch",
         Json::integer(batchesPerEpoch(data.train, run.batch)));
  dj.set("test_samples",
         data.test ? Json::integer(data.test->count) : Json::null());
  return dj;
}

Json runJson(const TrainRun &run) {
  const TrainOptions &o = run.o;
  Json j = Json::object();
  j.set("first_step", Json::unsignedInteger(run.firstStep));
  j.set("steps", Json::integer(o.steps));
  j.set("last_step", Json::unsignedInteger(run.session->stepCount()));
  j.set("resumed_from",
        o.resume.empty() ? Json::null() : Json::string(o.resume));
  j.set("checkpoint",
        o.checkpoint.empty() ? Json::null() : Json::string(o.checkpoint));
  return j;
}

Json summaryJson(const TrainRun &run) {
  Json summary = Json::object();
  summary.set("final_loss",
              run.last ? Json::number(run.last->loss) : Json::null());
  summary.set("final_scale", run.last && run.last->scale
                                 ? Json::number(*run.last->scale)
                                 : Json::null());
  summary.set("skipped_steps", Json::integer(run.skipped));
  return summary;
}

/// Mean, median, min and max of the steps' times, and samples per second.
Json timingJson(const TrainRun &run) {
  Json timing = Json::object();
  timing.set("load_s", Json::number(seconds(run.loaded - run.started)));
  timing.set("train_s", Json::number(seconds(run.trained - run.loaded)));
  timing.set("eval_s", Json::number(seconds(run.evaluated - run.trained)));
  if (run.records.empty()) {
    timing.set("step_ms", Json::null());
    timing.set("samples_per_s", Json::null());
    return timing;
  }
  std::vector<double> sorted;
  sorted.reserve(run.records.size());
  for (const StepRecord &r : run.records)
    sorted.push_back(r.ms);
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double median =
      n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  Json sms = Json::object();
  sms.set("mean", Json::number(run.sumMs / n));
  sms.set("median", Json::number(median));
  sms.set("min", Json::number(sorted.front()));
  sms.set("max", Json::number(sorted.back()));
  timing.set("step_ms", std::move(sms));
  timing.set("samples_per_s",
             Json::number(run.sumMs > 0 ? 1e3 * run.batch * n / run.sumMs : 0));
  return timing;
}

/// The ranks of the run and the time its all-reduces took (this rank).
Json dataParallelJson(const TrainRun &run) {
  const CollectiveStats &cs = run.session->collective().stats();
  Json dp = Json::object();
  dp.set("ranks", Json::integer(run.ranks));
  dp.set("collective", Json::string(run.session->collective().name()));
  dp.set("description", Json::string(run.session->collective().description()));
  dp.set("local_batch", Json::integer(run.batch));
  dp.set("global_batch", Json::integer(run.batch * run.ranks));
  dp.set("all_reduces", Json::unsignedInteger(cs.allReduces));
  dp.set("all_reduce_bytes", Json::unsignedInteger(cs.bytes));
  dp.set("all_reduce_s", Json::number(cs.seconds));
  return dp;
}

Json memoryJson(const TrainRun &run) {
  MemoryStats ms = run.session->memoryStats();
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
  Json allocations = Json::null();
  if (ms.firstTrainSystemAllocations) {
    allocations = Json::object();
    allocations.set("first_step",
                    Json::unsignedInteger(*ms.firstTrainSystemAllocations));
    allocations.set("later_steps", optional(ms.laterTrainSystemAllocations));
  }
  mem.set("train_scratch_system_allocations", allocations);
  mem.set("scratch_kept_bytes", optional(ms.scratchKeptBytes));
  mem.set("host_peak_rss_bytes", Json::unsignedInteger(peakRssBytes()));
  return mem;
}

Json stateJson(const TrainRun &run) {
  Json state = Json::array();
  for (const TensorSpec *t : run.session->stateSpecs()) {
    Json j = Json::object();
    j.set("name", Json::string(t->name));
    j.set("role", Json::string(roleName(t->role)));
    j.set("type", Json::string(t->typeString()));
    j.set("bytes", Json::unsignedInteger(t->byteSize()));
    state.push(std::move(j));
  }
  return state;
}

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
std::string textWithSteps(const Json &report,
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

} // namespace

std::string tool::reportText(const TrainRun &run) {
  Json rep = Json::object();
  rep.set("format", Json::string("mpt-run-report"));
  rep.set("version", Json::integer(1));
  rep.set("artifact", artifactJson(run));
  rep.set("device", deviceJson(run));
  rep.set("data", dataJson(run));
  rep.set("run", runJson(run));
  rep.set("steps", Json::null()); // printed from the records
  rep.set("summary", summaryJson(run));
  rep.set("eval", run.evalJson);
  rep.set("timing", timingJson(run));
  rep.set("data_parallel", dataParallelJson(run));
  rep.set("memory", memoryJson(run));
  rep.set("state", stateJson(run));
  return textWithSteps(rep, run.records);
}
