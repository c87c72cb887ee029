//===- Data.h - Data sets for training runs -------------------*- C++ -*-===//
//
// Part of the tooling library (runtime/lib/Tooling, mpt_tooling_data), not
// of libmpt_runtime: a program that embeds the runtime feeds its own data.
// The data sources of mpt-run, matching the Python frontend (python/mpt/data)
// exactly:
//
//  * a dataset directory: DIR/train/<input>.npy and DIR/test/<input>.npy, one
//    file per `input` argument of the step, first axis = samples;
//  * the handwritten digits, read from Debian's python3-sklearn
//    digits.csv.gz: x = pixel / 16 as float, y = the label, the last 360
//    samples (in file order) are the test set;
//  * synthetic data generated from the signature with the init RNG.
//
// Batches are consecutive: batch b of a split with N samples and batch size
// B covers samples [(b mod floor(N/B)) * B, ... + B); a last partial batch is
// never used (the same order as `mpt.data.batches` and `mpt.reference`).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLING_DATA_H
#define MPT_TOOLING_DATA_H

#include "mpt-runtime/DType.h"
#include "mpt-runtime/Signature.h"
#include "mpt-runtime/Status.h"
#include "mpt-tooling/Npy.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

class Session;

/// One split: an array per input name, all with the same sample count.
struct Split {
  std::map<std::string, NpyArray> arrays;
  int64_t count = 0;
};

struct Dataset {
  std::string source; ///< "DIR", "digits" or "synthetic" (for reports)
  Split train;
  std::optional<Split> test;
};

/// The batch size of a function's inputs: their common first dimension.
Expected<int64_t> batchSize(const std::vector<const TensorSpec *> &inputs,
                            const std::string &function);

/// Checks `split` against `inputs`: one array per input, per-sample shape
/// (the input's shape without its first dimension) and dtype equal, at
/// least one full batch. Errors name the file (`<where>/<input>.npy`) with
/// expected and actual shape and type.
Status checkSplit(const Split &split,
                  const std::vector<const TensorSpec *> &inputs,
                  const std::string &where);

/// Reads DIR/train for `trainInputs` and, when `testInputs` is not null,
/// DIR/test for those (eval_step's inputs).
Expected<Dataset>
loadDatasetDir(const std::string &dir,
               const std::vector<const TensorSpec *> &trainInputs,
               const std::vector<const TensorSpec *> *testInputs = nullptr);

/// Where digits.csv.gz is looked for: $MPT_DIGITS_CSV, then Debian's
/// python3-sklearn copies.
std::vector<std::string> digitsCandidates();
/// The digits for a step with one float input of 64 elements per sample
/// (x) and one integer input of one element per sample (y). `csvPath`
/// empty: the first of digitsCandidates() that exists.
Expected<Dataset> loadDigits(const std::vector<const TensorSpec *> &inputs,
                             const std::string &csvPath = "",
                             int64_t testSize = 360);

struct SyntheticOptions {
  /// 0: the `classes` the signature declares for the label input, else 10.
  /// More than the signature declares is an error.
  int64_t classes = 0;
  uint64_t seed = 0;
  int64_t trainSamples = 1024;
  int64_t testSamples = 256;
};
/// Deterministic data for `inputs`. With one float input x and one integer
/// input y of one element per sample this is exactly
/// `python -m mpt.data synthetic --classes K --seed S --train N --test M`
/// (x uniform in [0, 1) from the init RNG, labels the argmax of a fixed
/// random linear teacher); with one float x and one float y of shape [B, R]
/// it is the regression variant. Otherwise input j (in argument order) is
/// drawn from the init RNG with seed S + j: floats uniform in [0, 1),
/// integers uniform in [0, K).
/// Everything is generated in memory: sizes beyond the machine's memory
/// (huge --classes or sample counts) and labels a dtype cannot hold are
/// errors before anything is allocated.
Expected<Dataset> makeSynthetic(const std::vector<const TensorSpec *> &inputs,
                                const SyntheticOptions &options);

/// Full batches of `split` for batch size `batch`: floor(count / batch).
int64_t batchesPerEpoch(const Split &split, int64_t batch);
/// Copies batch `index` (wrapping around) of `split` into the session's
/// train inputs (`eval` false) or eval inputs (`eval` true).
Status bindBatch(Session &session, const Split &split, int64_t batch,
                 uint64_t index, bool eval);

/// Rank `rank`'s share of global batch `index` of a data-parallel run:
/// global batches of `ranks * batch` samples are consecutive as in
/// bindBatch (wrapping around after floor(count / (ranks * batch))), and
/// rank r trains on samples [r * batch, (r + 1) * batch) of each. With one
/// rank this is bindBatch.
Status bindShard(Session &session, const Split &split, int64_t batch,
                 int64_t rank, int64_t ranks, uint64_t index);

} // namespace rt
} // namespace mpt

#endif // MPT_TOOLING_DATA_H
