//===- Data.cpp - Data sets for training runs -----------------------------===//

#include "mpt-runtime/Data.h"
#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Init.h"
#include "mpt-runtime/Npy.h"
#include "mpt-runtime/Session.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef MPT_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace mpt::rt;

/// The most text --data digits decompresses: the digits CSV is about
/// 500 KB, and a file that inflates without end must not take the memory.
static constexpr size_t kMaxDigitsTextBytes = 64 << 20;

int64_t NpyArray::numElements() const {
  int64_t n, bytes;
  return npyCheckedSize(shape, 1, n, bytes) ? n : -1;
}

static std::string shapeText(const std::vector<int64_t> &shape,
                             bool anyFirst = false) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += anyFirst && i == 0 ? "N" : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string mpt::rt::numpyTypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "float32";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16 (uint16 bits)";
  case DType::F64:
    return "float64";
  case DType::I1:
    return "bool";
  case DType::I8:
    return "int8";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  }
  return "?";
}

std::string NpyArray::describe() const {
  return numpyTypeName(dtype) + " " + shapeText(shape);
}

static const char *npyDescr(DType t) {
  switch (t) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<u2";
  case DType::F64:
    return "<f8";
  case DType::I1:
    return "|b1";
  case DType::I8:
    return "|i1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

/// Parses a .npy file; the data is taken from `owned` (the same bytes as
/// `bytes`, moved rather than copied) when it is given.
static Expected<NpyArray> parseNpyFrom(std::string_view bytes,
                                       const std::string &name,
                                       std::string *owned) {
  Expected<NpyHeader> h = parseNpyHeader(bytes, name);
  if (h.failed())
    return h.status();
  NpyArray a;
  a.shape = h->shape;
  std::string descr = h->descr;
  bool found = false;
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I1,
                  DType::I8, DType::I32, DType::I64})
    if (descr == npyDescr(t)) {
      a.dtype = t;
      found = true;
    }
  if (!found) {
    std::string why = "dtype '" + descr + "' is not supported";
    if (!descr.empty() && descr[0] == '>')
      why += " (big-endian)";
    return Status::error(name + ": " + why +
                         "; use float32/float16/float64, int8/int32/int64 or "
                         "bool");
  }
  Expected<std::string_view> data =
      npyData(bytes, *h, dtypeSize(a.dtype), name, a.describe());
  if (data.failed())
    return data.status();
  if (owned) {
    owned->erase(0, h->dataOffset);
    a.data = std::move(*owned);
    return a;
  }
  try {
    a.data.assign(*data);
  } catch (const std::bad_alloc &) {
    return Status::error(name + ": out of memory reading " + a.describe());
  }
  return a;
}

Expected<NpyArray> mpt::rt::parseNpy(std::string_view bytes,
                                     const std::string &name) {
  return parseNpyFrom(bytes, name, nullptr);
}

Expected<NpyArray> mpt::rt::readNpy(const std::string &path) {
  Expected<std::string> bytes = readFile(path, npySizePromise());
  if (bytes.failed())
    return bytes.status();
  return parseNpyFrom(*bytes, path, &*bytes);
}

std::string mpt::rt::serializeNpy(DType dtype,
                                  const std::vector<int64_t> &shape,
                                  std::string_view data) {
  return serializeNpyFile(npyDescr(dtype), shape, data);
}

Status mpt::rt::writeNpy(const std::string &path, const NpyArray &array) {
  return writeFileAtomic(path,
                         serializeNpy(array.dtype, array.shape, array.data));
}

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
                           " " + shapeText(wantFull, true) + " (input '" +
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
// Digits
//===----------------------------------------------------------------------===//

std::vector<std::string> mpt::rt::digitsCandidates() {
  std::vector<std::string> c;
  if (const char *env = std::getenv("MPT_DIGITS_CSV"); env && *env)
    c.push_back(env);
  c.push_back("/usr/lib/python3/dist-packages/sklearn/datasets/data/"
              "digits.csv.gz");
  c.push_back("/usr/share/python3-sklearn/datasets/data/digits.csv.gz");
  return c;
}

/// The float input (x) and integer label input (y) of a classification step.
static Status findXY(const std::vector<const TensorSpec *> &inputs,
                     const TensorSpec *&x, const TensorSpec *&y,
                     const std::string &what) {
  x = y = nullptr;
  for (const TensorSpec *t : inputs) {
    if (isFloat(t->dtype)) {
      if (x)
        return Status::error(what + " needs exactly one float input, but '" +
                             x->name + "' and '" + t->name + "' are float");
      x = t;
    } else {
      if (y)
        return Status::error(what + " needs exactly one integer input, but '" +
                             y->name + "' and '" + t->name + "' are integer");
      y = t;
    }
  }
  if (!x || !y)
    return Status::error(what +
                         " needs one float input (samples) and one integer "
                         "input (class labels)");
  return Status::success();
}

#ifdef MPT_HAVE_ZLIB
/// The text of the gzip'd (or plain) file `path`, no more than
/// kMaxDigitsTextBytes of it. Only a regular file is read: /dev/zero or a
/// FIFO would grow memory without end or block forever.
static Expected<std::string> readGzipText(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return Status::error("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st;
  std::string why = ::fstat(fd, &st) != 0  ? std::strerror(errno)
                    : S_ISDIR(st.st_mode)  ? "it is a directory"
                    : !S_ISREG(st.st_mode) ? "not a regular file"
                                           : "";
  if (!why.empty()) {
    ::close(fd);
    return Status::error("cannot read '" + path + "': " + why);
  }
  gzFile gz = ::gzdopen(fd, "rb");
  if (!gz) {
    ::close(fd);
    return Status::error("cannot read '" + path + "': out of memory");
  }
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = ::gzread(gz, buf, sizeof(buf))) > 0) {
    if (text.size() + static_cast<size_t>(n) > kMaxDigitsTextBytes) {
      ::gzclose(gz);
      return Status::error("cannot read '" + path + "': it holds more than " +
                           std::to_string(kMaxDigitsTextBytes) +
                           " bytes of text (the digits CSV has about 500 KB)");
    }
    text.append(buf, static_cast<size_t>(n));
  }
  int gzErr = 0;
  const char *gzMsg = ::gzerror(gz, &gzErr);
  std::string gzWhy = n < 0 && gzMsg ? gzMsg : "";
  ::gzclose(gz);
  if (n < 0)
    return Status::error("cannot read '" + path + "': " + gzWhy);
  return text;
}
#endif

namespace {
struct DigitsRows {
  std::vector<double> pixels; ///< 64 per sample, 0..16
  std::vector<int32_t> labels;
};
} // namespace

/// One CSV line: 64 pixel values and a label; the error names the line.
static Status parseDigitsLine(const std::string &row, const std::string &at,
                              DigitsRows &out) {
  std::vector<double> vals;
  const char *p = row.c_str();
  while (true) {
    char *end;
    double v = std::strtod(p, &end);
    if (end == p)
      return Status::error(at + ": not a number");
    vals.push_back(v);
    p = end;
    while (*p == ' ' || *p == '\r')
      ++p;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '\0')
      break;
    return Status::error(at + ": unexpected character");
  }
  if (vals.size() != 65)
    return Status::error(at + ": " + std::to_string(vals.size()) +
                         " values, expected 64 pixels and a label");
  for (int i = 0; i < 64; ++i) {
    if (!(vals[i] >= 0 && vals[i] <= 16))
      return Status::error(at + ": pixel values must be 0..16");
    out.pixels.push_back(vals[i]);
  }
  if (vals[64] != std::round(vals[64]) || vals[64] < 0 || vals[64] > 9)
    return Status::error(at + ": labels must be 0..9");
  out.labels.push_back(static_cast<int32_t>(vals[64]));
  return Status::success();
}

static Expected<DigitsRows> parseDigitsCsv(const std::string &text,
                                           const std::string &path) {
  DigitsRows rows;
  size_t pos = 0, line = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos)
      eol = text.size();
    std::string row = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line;
    if (row.find_first_not_of(" \r\t") == std::string::npos)
      continue;
    if (Status st =
            parseDigitsLine(row, path + ": line " + std::to_string(line), rows);
        st.failed())
      return st;
  }
  return rows;
}

/// Samples [begin, begin + count) of the digits as the arrays of inputs x
/// (pixel / 16 in double, one rounding: Python's astype(float32)) and y.
static Split digitsSplit(const DigitsRows &rows, const TensorSpec &x,
                         const TensorSpec &y, int64_t begin, int64_t count) {
  Split s;
  NpyArray xa, ya;
  xa.dtype = x.dtype;
  xa.shape = x.shape;
  xa.shape[0] = count;
  xa.data.resize(static_cast<size_t>(count * 64) * dtypeSize(x.dtype));
  for (int64_t i = 0; i < count * 64; ++i)
    storeElement(x.dtype, rows.pixels[(begin * 64) + i] / 16.0,
                 xa.data.data() + i * dtypeSize(x.dtype));
  ya.dtype = y.dtype;
  ya.shape = {count};
  ya.data.resize(static_cast<size_t>(count) * dtypeSize(y.dtype));
  for (int64_t i = 0; i < count; ++i)
    storeElement(y.dtype, rows.labels[begin + i],
                 ya.data.data() + i * dtypeSize(y.dtype));
  s.arrays[x.name] = std::move(xa);
  s.arrays[y.name] = std::move(ya);
  s.count = count;
  return s;
}

/// `csvPath`, or the first of digitsCandidates() that exists.
static Expected<std::string> findDigits(const std::string &csvPath) {
  if (!csvPath.empty())
    return csvPath;
  for (const std::string &c : digitsCandidates()) {
    struct stat st;
    if (::stat(c.c_str(), &st) == 0)
      return c;
  }
  return Status::error("--data digits: digits.csv.gz not found (install "
                       "Debian's python3-sklearn, or set MPT_DIGITS_CSV)");
}

Expected<Dataset>
mpt::rt::loadDigits(const std::vector<const TensorSpec *> &inputs,
                    const std::string &csvPath, int64_t testSize) {
  const TensorSpec *x, *y;
  if (Status st = findXY(inputs, x, y, "--data digits"); st.failed())
    return st;
  if (x->shape.empty() || x->shape[0] < 1 ||
      x->numElements() / x->shape[0] != 64)
    return Status::error("--data digits: input '" + x->name + "' (" +
                         x->typeString() +
                         ") must hold 64 pixels (8x8) per sample");
  if (y->shape.size() != 1)
    return Status::error("--data digits: input '" + y->name + "' (" +
                         y->typeString() + ") must be one label per sample");
  Expected<std::string> path = findDigits(csvPath);
  if (path.failed())
    return path.status();
#ifndef MPT_HAVE_ZLIB
  return Status::error("--data digits: this mpt-run was built without zlib "
                       "(install zlib1g-dev and rebuild); write a dataset "
                       "directory with `python -m mpt.data digits -o DIR`");
#else
  Expected<std::string> text = readGzipText(*path);
  if (text.failed())
    return text.status();
  Expected<DigitsRows> rows = parseDigitsCsv(*text, *path);
  if (rows.failed())
    return rows.status();
  int64_t total = static_cast<int64_t>(rows->labels.size());
  if (!(testSize > 0 && testSize < total))
    return Status::error("--data digits: test size must be between 1 and " +
                         std::to_string(total - 1));
  Dataset d;
  d.source = "digits";
  d.train = digitsSplit(*rows, *x, *y, 0, total - testSize);
  d.test = digitsSplit(*rows, *x, *y, total - testSize, testSize);
  if (Status st = checkSplit(d.train, inputs, "digits/train"); st.failed())
    return st;
  return d;
#endif
}

//===----------------------------------------------------------------------===//
// Synthetic
//===----------------------------------------------------------------------===//

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

static Expected<Dataset>
makeSyntheticOrThrow(const std::vector<const TensorSpec *> &inputs,
                     const SyntheticOptions &opt);

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

static Expected<Dataset>
makeSyntheticOrThrow(const std::vector<const TensorSpec *> &inputs,
                     const SyntheticOptions &opt) {
  if (opt.trainSamples < 1 || opt.testSamples < 0)
    return Status::error("--data synthetic: sample counts must be positive");
  int64_t total;
  if (__builtin_add_overflow(opt.trainSamples, opt.testSamples, &total))
    return Status::error("--data synthetic: too many samples (" +
                         std::to_string(opt.trainSamples) + " + " +
                         std::to_string(opt.testSamples) + ")");
  for (const TensorSpec *t : inputs)
    if (t->shape.empty() || t->shape[0] < 1)
      return Status::error("--data synthetic: input '" + t->name +
                           "' has no batch dimension");
  // Everything generated is held in memory at once: check what it needs
  // (with checked arithmetic) before allocating any of it.
  uint64_t need = 0;
  auto add = [&](int64_t a, int64_t b, int64_t c) {
    int64_t p;
    return !__builtin_mul_overflow(a, b, &p) &&
           !__builtin_mul_overflow(p, c, &p) &&
           !__builtin_add_overflow(need, static_cast<uint64_t>(p), &need);
  };
  bool fits = true;
  for (const TensorSpec *t : inputs) {
    int64_t row = t->numElements() / t->shape[0];
    // The array, and its train and test slices.
    fits =
        fits && add(total, row, 2 * static_cast<int64_t>(dtypeSize(t->dtype)));
  }
  std::vector<const TensorSpec *> floats, ints;
  for (const TensorSpec *t : inputs)
    (isFloat(t->dtype) ? floats : ints).push_back(t);
  bool classification =
      floats.size() == 1 && ints.size() == 1 && ints[0]->shape.size() == 1;
  bool regression =
      floats.size() == 2 && ints.empty() && floats[1]->shape.size() == 2;
  if (classification && opt.classes < 2)
    return Status::error("--classes must be at least 2");
  for (const TensorSpec *t : ints)
    if (t->dtype != DType::I1 && opt.classes - 1 > maxLabel(t->dtype))
      return Status::error("--classes " + std::to_string(opt.classes) +
                           ": labels up to " + std::to_string(opt.classes - 1) +
                           " do not fit input '" + t->name + "' (" +
                           t->typeString() + ")");
  if (classification || regression) {
    int64_t d = floats[0]->numElements() / floats[0]->shape[0];
    int64_t width = classification ? opt.classes : floats[1]->shape[1];
    // x as doubles, the teacher, the scores (and their means).
    fits = fits && add(total, d, 8) && add(d, width, 8) &&
           add(total, width, 8) && add(1, width, 8);
  }
  uint64_t limit = defaultReadLimit();
  if (!fits || need > limit)
    return Status::error(
        "--data synthetic: " + std::to_string(opt.trainSamples) + " + " +
        std::to_string(opt.testSamples) + " samples" +
        (classification ? " of " + std::to_string(opt.classes) + " classes"
                        : std::string()) +
        " need " +
        (fits ? std::to_string(need) + " bytes"
              : std::string("over 2^63 bytes")) +
        " of memory, more than this machine has (" + std::to_string(limit) +
        " bytes)");

  std::map<std::string, NpyArray> full;
  auto arrayFor = [&](const TensorSpec *t) {
    NpyArray a;
    a.dtype = t->dtype;
    a.shape = t->shape;
    a.shape[0] = total;
    a.data.resize(static_cast<size_t>(a.numElements()) * dtypeSize(t->dtype));
    return a;
  };

  const TensorSpec *x = nullptr, *y = nullptr;
  if (classification || regression) {
    x = floats[0];
    y = classification ? ints[0] : floats[1];
    int64_t width = classification ? opt.classes : y->shape[1];
    int64_t d = x->numElements() / x->shape[0];
    NpyArray xa = arrayFor(x), ya = arrayFor(y);
    size_t xs = dtypeSize(x->dtype);
    std::vector<double> xv(static_cast<size_t>(total * d));
    for (int64_t i = 0; i < total * d; ++i) {
      // float32(u), as numpy's astype(np.float32).
      xv[i] = static_cast<float>(uniform01At(opt.seed, i));
      storeElement(x->dtype, xv[i], xa.data.data() + i * xs);
    }
    // The teacher: w = u * 2 - 1, [d, width], seed + 1.
    std::vector<double> w(static_cast<size_t>(d * width));
    for (int64_t i = 0; i < d * width; ++i)
      w[i] = uniform01At(opt.seed + 1, i) * 2.0 - 1.0;
    std::vector<double> scores(static_cast<size_t>(total * width), 0.0);
    for (int64_t n = 0; n < total; ++n)
      for (int64_t k = 0; k < d; ++k) {
        double xk = xv[n * d + k];
        for (int64_t j = 0; j < width; ++j)
          scores[n * width + j] += xk * w[k * width + j];
      }
    if (regression) {
      for (int64_t i = 0; i < total * width; ++i)
        storeElement(y->dtype, scores[i],
                     ya.data.data() + i * dtypeSize(y->dtype));
    } else {
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
        storeElement(y->dtype, static_cast<double>(best),
                     ya.data.data() + n * dtypeSize(y->dtype));
      }
    }
    full[x->name] = std::move(xa);
    full[y->name] = std::move(ya);
  } else {
    for (size_t j = 0; j < inputs.size(); ++j) {
      const TensorSpec *t = inputs[j];
      NpyArray a = arrayFor(t);
      size_t es = dtypeSize(t->dtype);
      int64_t k = t->dtype == DType::I1 ? 2 : opt.classes;
      for (int64_t i = 0; i < a.numElements(); ++i) {
        double u = uniform01At(opt.seed + j, static_cast<uint64_t>(i));
        double v = isFloat(t->dtype)
                       ? static_cast<double>(static_cast<float>(u))
                       : std::floor(u * static_cast<double>(k));
        storeElement(t->dtype, v, a.data.data() + i * es);
      }
      full[t->name] = std::move(a);
    }
  }
  Dataset d;
  d.source = "synthetic";
  auto slice = [&](int64_t begin, int64_t count) {
    Split s;
    for (auto &kv : full) {
      NpyArray a;
      a.dtype = kv.second.dtype;
      a.shape = kv.second.shape;
      a.shape[0] = count;
      size_t row = kv.second.data.size() / static_cast<size_t>(total);
      a.data = kv.second.data.substr(begin * row, count * row);
      s.arrays[kv.first] = std::move(a);
    }
    s.count = count;
    return s;
  };
  d.train = slice(0, opt.trainSamples);
  if (opt.testSamples > 0)
    d.test = slice(opt.trainSamples, opt.testSamples);
  if (Status st = checkSplit(d.train, inputs, "synthetic/train"); st.failed())
    return st;
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
