//===- Data.cpp - Data sets: directories, splits and batches --------------===//
//
// A data set is a train split and maybe a test split: an array per input,
// first axis the samples. They come from a dataset directory (here), the
// digits (Digits.cpp) or the signature (Synthetic.cpp); batches are bound
// into a session's inputs here.
//
//===----------------------------------------------------------------------===//

#include "mpt-tooling/Data.h"
#include "mpt-runtime/Session.h"

#include <algorithm>
#include <sys/stat.h>

using namespace mpt::rt;

//===----------------------------------------------------------------------===//
// Splits
//===----------------------------------------------------------------------===//

Expected<int64_t>
mpt::rt::batchSize(const std::vector<const TensorSpec *> &inputs,
                   const std::string &function) {
  if (inputs.empty())
    return Status::error(function + " has no inputs to feed data to");
  int64_t b = -1;
  for (const TensorSpec *t : inputs) {
    if (t->shape.empty() || t->shape[0] < 1)
      return Status::error(function + ": input '" + t->name + "' (" +
                           t->typeString() +
                           ") has no batch dimension to feed samples along");
    if (b >= 0 && t->shape[0] != b)
      return Status::error(function + ": inputs disagree on the batch size (" +
                           std::to_string(b) + " vs " +
                           std::to_string(t->shape[0]) + " of '" + t->name +
                           "')");
    b = t->shape[0];
  }
  return b;
}

static std::vector<int64_t> sampleShape(const TensorSpec &t) {
  return std::vector<int64_t>(t.shape.begin() + 1, t.shape.end());
}

Status mpt::rt::checkSplit(const Split &split,
                           const std::vector<const TensorSpec *> &inputs,
                           const std::string &where) {
  int64_t count = -1;
  std::string first;
  for (const TensorSpec *t : inputs) {
    if (t->shape.empty())
      return Status::error("input '" + t->name + "' (" + t->typeString() +
                           ") has no batch dimension to feed samples along");
    std::string file = where + "/" + t->name + ".npy";
    auto it = split.arrays.find(t->name);
    if (it == split.arrays.end())
      return Status::error("missing " + file + " (input '" + t->name + "', " +
                           t->typeString() + ")");
    const NpyArray &a = it->second;
    std::vector<int64_t> want = sampleShape(*t);
    bool shapeOk = a.shape.size() == t->shape.size() &&
                   std::equal(want.begin(), want.end(), a.shape.begin() + 1);
    if (!shapeOk || a.dtype != t->dtype) {
      std::vector<int64_t> wantFull = t->shape;
      return Status::error(file + ": expected " + numpyTypeName(t->dtype) +
                           " " + npyShapeText(wantFull, true) + " (input '" +
                           t->name + "', " + t->typeString() +
                           ", N samples), got " + a.describe());
    }
    if (count >= 0 && a.shape[0] != count)
      return Status::error(file + " has " + std::to_string(a.shape[0]) +
                           " samples but " + first + " has " +
                           std::to_string(count));
    count = a.shape[0];
    first = file;
    if (count < t->shape[0])
      return Status::error(file + " has " + std::to_string(count) +
                           " samples, fewer than one batch of " +
                           std::to_string(t->shape[0]));
    // Labels out of range are refused here, at load time, naming the
    // sample, rather than when their batch comes.
    if (Status st = checkClassLabels(*t, a.data.data(), a.data.size(), file);
        st.failed())
      return st;
  }
  return Status::success();
}

static Expected<Split>
readSplit(const std::string &dir,
          const std::vector<const TensorSpec *> &inputs) {
  Split split;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::error("data directory '" + dir + "' does not exist");
  for (const TensorSpec *t : inputs) {
    std::string path = dir + "/" + t->name + ".npy";
    if (::stat(path.c_str(), &st) != 0)
      return Status::error("missing " + path + " (input '" + t->name + "', " +
                           t->typeString() + ")");
    Expected<NpyArray> a = readNpy(path);
    if (a.failed())
      return a.status();
    split.arrays[t->name] = a.take();
  }
  // checkSplit made sure every array has a batch axis and that the sample
  // counts agree.
  if (Status s = checkSplit(split, inputs, dir); s.failed())
    return s;
  split.count =
      split.arrays.empty() ? 0 : split.arrays.begin()->second.shape[0];
  return split;
}

Expected<Dataset>
mpt::rt::loadDatasetDir(const std::string &dir,
                        const std::vector<const TensorSpec *> &trainInputs,
                        const std::vector<const TensorSpec *> *testInputs) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::error("data directory '" + dir + "' does not exist");
  Dataset d;
  d.source = dir;
  Expected<Split> train = readSplit(dir + "/train", trainInputs);
  if (train.failed())
    return train.status();
  d.train = train.take();
  if (testInputs) {
    Expected<Split> test = readSplit(dir + "/test", *testInputs);
    if (test.failed())
      return test.status();
    d.test = test.take();
  }
  return d;
}

//===----------------------------------------------------------------------===//
// Batches
//===----------------------------------------------------------------------===//

int64_t mpt::rt::batchesPerEpoch(const Split &split, int64_t batch) {
  return batch > 0 ? split.count / batch : 0;
}

Status mpt::rt::bindBatch(Session &session, const Split &split, int64_t batch,
                          uint64_t index, bool eval) {
  int64_t per = batchesPerEpoch(split, batch);
  if (per < 1)
    return Status::error("the data has fewer samples (" +
                         std::to_string(split.count) + ") than one batch (" +
                         std::to_string(batch) + ")");
  int64_t b = static_cast<int64_t>(index % static_cast<uint64_t>(per));
  std::vector<const TensorSpec *> specs =
      eval ? session.evalInputSpecs() : session.inputSpecs();
  for (const TensorSpec *t : specs) {
    auto it = split.arrays.find(t->name);
    if (it == split.arrays.end())
      return Status::error("no data for input '" + t->name + "'");
    const NpyArray &a = it->second;
    size_t row = a.data.size() / static_cast<size_t>(split.count);
    size_t bytes = row * static_cast<size_t>(batch);
    const char *src = a.data.data() + static_cast<size_t>(b) * bytes;
    Status st = eval ? session.setEvalInput(t->name, src, bytes)
                     : session.setInput(t->name, src, bytes);
    if (st.failed())
      return st;
  }
  return Status::success();
}

Status mpt::rt::bindShard(Session &session, const Split &split, int64_t batch,
                          int64_t rank, int64_t ranks, uint64_t index) {
  int64_t global = batch * ranks;
  int64_t per = batchesPerEpoch(split, global);
  if (per < 1)
    return Status::error(
        "the data has fewer samples (" + std::to_string(split.count) +
        ") than one global "
        "batch (" +
        std::to_string(ranks) + " ranks x " + std::to_string(batch) + ")");
  int64_t b = static_cast<int64_t>(index % static_cast<uint64_t>(per));
  for (const TensorSpec *t : session.inputSpecs()) {
    auto it = split.arrays.find(t->name);
    if (it == split.arrays.end())
      return Status::error("no data for input '" + t->name + "'");
    const NpyArray &a = it->second;
    size_t row = a.data.size() / static_cast<size_t>(split.count);
    size_t first = static_cast<size_t>(b * global + rank * batch);
    const char *src = a.data.data() + first * row;
    if (Status st =
            session.setInput(t->name, src, row * static_cast<size_t>(batch));
        st.failed())
      return st;
  }
  return Status::success();
}
