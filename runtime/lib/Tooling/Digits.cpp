//===- Digits.cpp - The handwritten digits as a data set ------------------===//
//
// `--data digits`: Debian's python3-sklearn digits.csv.gz, read with zlib,
// byte for byte the arrays of `python -m mpt.data digits` (x = pixel / 16
// rounded once to the input's float type, y = the label; the last 360
// samples in file order are the test split).
//
//===----------------------------------------------------------------------===//

#include "mpt-tooling/Data.h"

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
