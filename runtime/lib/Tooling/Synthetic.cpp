//===- Synthetic.cpp - Data generated from a step's signature -------------===//
//
// `--data synthetic`, exactly as `python -m mpt.data synthetic` generates
// it (python/mpt/data): x uniform in [0, 1) from the init RNG, labels the
// argmax of a fixed random linear teacher (or its scores, for regression),
// and otherwise independent uniform inputs. Everything is generated in
// memory, so what it needs is computed first, with checked arithmetic.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Init.h"
#include "mpt-tooling/Data.h"

#include <cmath>
#include <new>

using namespace mpt::rt;

namespace {
/// The shape of the data: which inputs are the samples and the targets.
struct SyntheticPlan {
  int64_t total = 0; ///< train + test samples
  std::vector<const TensorSpec *> floats, ints;
  bool classification = false; ///< one float x, one integer label y
  bool regression = false;     ///< one float x, one float y of [B, R]

  const TensorSpec *x() const { return floats[0]; }
  const TensorSpec *y() const { return classification ? ints[0] : floats[1]; }
  /// Elements of x per sample, and the teacher's output width.
  int64_t features() const { return x()->numElements() / x()->shape[0]; }
  int64_t width(const SyntheticOptions &opt) const {
    return classification ? opt.classes : floats[1]->shape[1];
  }
};
} // namespace

/// The largest label an integer dtype holds.
static int64_t maxLabel(DType t) {
  switch (t) {
  case DType::I1:
    return 1;
  case DType::I8:
    return INT8_MAX;
  case DType::I32:
    return INT32_MAX;
  default:
    return INT64_MAX;
  }
}

/// The class count of the labels: --classes, at most what the signature
/// declares for its label inputs; by default the signature's, else 10.
static Status resolveClasses(const std::vector<const TensorSpec *> &inputs,
                             SyntheticOptions &opt) {
  for (const TensorSpec *t : inputs) {
    if (!t->classes)
      continue;
    if (opt.classes > t->classes)
      return Status::error("--classes " + std::to_string(opt.classes) +
                           ": input '" + t->name + "' (" + t->typeString() +
                           ") holds class indices of " +
                           std::to_string(t->classes) + " classes");
    if (opt.classes == 0)
      opt.classes = t->classes;
  }
  if (opt.classes == 0)
    opt.classes = 10;
  return Status::success();
}

/// Sample counts, batch dimensions, which inputs are x and y, and labels
/// that fit their dtype.
static Expected<SyntheticPlan>
planSynthetic(const std::vector<const TensorSpec *> &inputs,
              const SyntheticOptions &opt) {
  SyntheticPlan p;
  if (opt.trainSamples < 1 || opt.testSamples < 0)
    return Status::error("--data synthetic: sample counts must be positive");
  if (__builtin_add_overflow(opt.trainSamples, opt.testSamples, &p.total))
    return Status::error("--data synthetic: too many samples (" +
                         std::to_string(opt.trainSamples) + " + " +
                         std::to_string(opt.testSamples) + ")");
  for (const TensorSpec *t : inputs) {
    if (t->shape.empty() || t->shape[0] < 1)
      return Status::error("--data synthetic: input '" + t->name +
                           "' has no batch dimension");
    (isFloat(t->dtype) ? p.floats : p.ints).push_back(t);
  }
  p.classification = p.floats.size() == 1 && p.ints.size() == 1 &&
                     p.ints[0]->shape.size() == 1;
  p.regression =
      p.floats.size() == 2 && p.ints.empty() && p.floats[1]->shape.size() == 2;
  if (p.classification && opt.classes < 2)
    return Status::error("--classes must be at least 2");
  for (const TensorSpec *t : p.ints)
    if (t->dtype != DType::I1 && opt.classes - 1 > maxLabel(t->dtype))
      return Status::error("--classes " + std::to_string(opt.classes) +
                           ": labels up to " + std::to_string(opt.classes - 1) +
                           " do not fit input '" + t->name + "' (" +
                           t->typeString() + ")");
  return p;
}

/// Everything generated is held in memory at once: what it needs, checked
/// against the machine's memory before any of it is allocated.
static Status checkFits(const SyntheticPlan &p, const SyntheticOptions &opt,
                        const std::vector<const TensorSpec *> &inputs) {
  uint64_t need = 0;
  auto add = [&](int64_t a, int64_t b, int64_t c) {
    int64_t n;
    return !__builtin_mul_overflow(a, b, &n) &&
           !__builtin_mul_overflow(n, c, &n) &&
           !__builtin_add_overflow(need, static_cast<uint64_t>(n), &need);
  };
  bool fits = true;
  for (const TensorSpec *t : inputs) {
    int64_t row = t->numElements() / t->shape[0];
    // The array, and its train and test slices.
    fits = fits &&
           add(p.total, row, 2 * static_cast<int64_t>(dtypeSize(t->dtype)));
  }
  if (p.classification || p.regression) {
    int64_t d = p.features(), width = p.width(opt);
    // x as doubles, the teacher, the scores (and their means).
    fits = fits && add(p.total, d, 8) && add(d, width, 8) &&
           add(p.total, width, 8) && add(1, width, 8);
  }
  uint64_t limit = defaultReadLimit();
  if (fits && need <= limit)
    return Status::success();
  return Status::error("--data synthetic: " + std::to_string(opt.trainSamples) +
                       " + " + std::to_string(opt.testSamples) + " samples" +
                       (p.classification
                            ? " of " + std::to_string(opt.classes) + " classes"
                            : std::string()) +
                       " need " +
                       (fits ? std::to_string(need) + " bytes"
                             : std::string("over 2^63 bytes")) +
                       " of memory, more than this machine has (" +
                       std::to_string(limit) + " bytes)");
}

/// An array for `total` samples of input `t`.
static NpyArray arrayFor(const TensorSpec *t, int64_t total) {
  NpyArray a;
  a.dtype = t->dtype;
  a.shape = t->shape;
  a.shape[0] = total;
  a.data.resize(static_cast<size_t>(a.numElements()) * dtypeSize(t->dtype));
  return a;
}

/// The teacher's scores of every sample: x (uniform, seed S, rounded to
/// float32 as numpy's astype does) times w = u * 2 - 1 ([d, width], seed
/// S + 1), summed in index order. Fills `xa` with x.
static std::vector<double> teacherScores(const SyntheticPlan &p,
                                         const SyntheticOptions &opt,
                                         NpyArray &xa) {
  int64_t d = p.features(), width = p.width(opt);
  size_t xs = dtypeSize(p.x()->dtype);
  std::vector<double> xv(static_cast<size_t>(p.total * d));
  for (int64_t i = 0; i < p.total * d; ++i) {
    xv[i] = static_cast<float>(uniform01At(opt.seed, i));
    storeElement(p.x()->dtype, xv[i], xa.data.data() + i * xs);
  }
  std::vector<double> w(static_cast<size_t>(d * width));
  for (int64_t i = 0; i < d * width; ++i)
    w[i] = uniform01At(opt.seed + 1, i) * 2.0 - 1.0;
  std::vector<double> scores(static_cast<size_t>(p.total * width), 0.0);
  for (int64_t n = 0; n < p.total; ++n)
    for (int64_t k = 0; k < d; ++k) {
      double xk = xv[n * d + k];
      for (int64_t j = 0; j < width; ++j)
        scores[n * width + j] += xk * w[k * width + j];
    }
  return scores;
}

/// Labels: the argmax of each sample's scores after subtracting each
/// class's mean score (so that every class occurs).
static void storeLabels(const std::vector<double> &scores, int64_t total,
                        int64_t width, NpyArray &ya) {
  std::vector<double> mean(static_cast<size_t>(width), 0.0);
  for (int64_t n = 0; n < total; ++n)
    for (int64_t j = 0; j < width; ++j)
      mean[j] += scores[n * width + j];
  for (double &m : mean)
    m /= static_cast<double>(total);
  for (int64_t n = 0; n < total; ++n) {
    int64_t best = 0;
    double bestV = scores[n * width] - mean[0];
    for (int64_t j = 1; j < width; ++j) {
      double v = scores[n * width + j] - mean[j];
      if (v > bestV) {
        best = j;
        bestV = v;
      }
    }
    storeElement(ya.dtype, static_cast<double>(best),
                 ya.data.data() + n * dtypeSize(ya.dtype));
  }
}

/// x and y of a classification or regression step.
static void generateTaught(const SyntheticPlan &p, const SyntheticOptions &opt,
                           std::map<std::string, NpyArray> &full) {
  NpyArray xa = arrayFor(p.x(), p.total), ya = arrayFor(p.y(), p.total);
  std::vector<double> scores = teacherScores(p, opt, xa);
  if (p.regression) {
    for (size_t i = 0; i < scores.size(); ++i)
      storeElement(ya.dtype, scores[i],
                   ya.data.data() + i * dtypeSize(ya.dtype));
  } else {
    storeLabels(scores, p.total, p.width(opt), ya);
  }
  full[p.x()->name] = std::move(xa);
  full[p.y()->name] = std::move(ya);
}

/// Input j drawn with seed S + j: floats uniform in [0, 1), integers
/// uniform in [0, K) (bool: 0 or 1).
static void generateIndependent(const std::vector<const TensorSpec *> &inputs,
                                const SyntheticOptions &opt, int64_t total,
                                std::map<std::string, NpyArray> &full) {
  for (size_t j = 0; j < inputs.size(); ++j) {
    const TensorSpec *t = inputs[j];
    NpyArray a = arrayFor(t, total);
    size_t es = dtypeSize(t->dtype);
    int64_t k = t->dtype == DType::I1 ? 2 : opt.classes;
    for (int64_t i = 0; i < a.numElements(); ++i) {
      double u = uniform01At(opt.seed + j, static_cast<uint64_t>(i));
      double v = isFloat(t->dtype) ? static_cast<double>(static_cast<float>(u))
                                   : std::floor(u * static_cast<double>(k));
      storeElement(t->dtype, v, a.data.data() + i * es);
    }
    full[t->name] = std::move(a);
  }
}

/// Samples [begin, begin + count) of every array.
static Split slice(const std::map<std::string, NpyArray> &full, int64_t total,
                   int64_t begin, int64_t count) {
  Split s;
  for (const auto &[name, array] : full) {
    NpyArray a;
    a.dtype = array.dtype;
    a.shape = array.shape;
    a.shape[0] = count;
    size_t row = array.data.size() / static_cast<size_t>(total);
    a.data = array.data.substr(begin * row, count * row);
    s.arrays[name] = std::move(a);
  }
  s.count = count;
  return s;
}

static Expected<Dataset>
makeSyntheticOrThrow(const std::vector<const TensorSpec *> &inputs,
                     const SyntheticOptions &opt) {
  Expected<SyntheticPlan> plan = planSynthetic(inputs, opt);
  if (plan.failed())
    return plan.status();
  if (Status st = checkFits(*plan, opt, inputs); st.failed())
    return st;
  std::map<std::string, NpyArray> full;
  if (plan->classification || plan->regression)
    generateTaught(*plan, opt, full);
  else
    generateIndependent(inputs, opt, plan->total, full);
  Dataset d;
  d.source = "synthetic";
  d.train = slice(full, plan->total, 0, opt.trainSamples);
  if (opt.testSamples > 0)
    d.test = slice(full, plan->total, opt.trainSamples, opt.testSamples);
  if (Status st = checkSplit(d.train, inputs, "synthetic/train"); st.failed())
    return st;
  return d;
}

Expected<Dataset>
mpt::rt::makeSynthetic(const std::vector<const TensorSpec *> &inputs,
                       const SyntheticOptions &options) {
  SyntheticOptions opt = options;
  if (Status st = resolveClasses(inputs, opt); st.failed())
    return st;
  try {
    return makeSyntheticOrThrow(inputs, opt);
  } catch (const std::bad_alloc &) {
    return Status::error("--data synthetic: out of host memory generating " +
                         std::to_string(opt.trainSamples) + " + " +
                         std::to_string(opt.testSamples) + " samples");
  }
}
