//===- DigitsFuzzer.cpp - libFuzzer target: the digits CSV reader ---------===//
//
// A file's bytes through `mpt-run --data digits --digits-csv FILE`'s reader
// (loadDigits): zlib (gzip or plain text), the 64 MiB bound, the CSV lines
// (64 pixels 0..16 and a label 0..9), the split and its arrays, for a step
// with x f32[4, 8, 8, 1] and y i32[4] and a test split of 2 samples (so
// that short inputs reach the split). The input is handed over as an
// in-memory regular file (memfd). Seeds: lines of Debian's digits.csv.gz,
// plain and gzip'd (fuzz/corpus.sh).
//
//===----------------------------------------------------------------------===//

#include "mpt-tooling/Data.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mpt::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static TensorSpec x, y;
  static bool ready = false;
  if (!ready) {
    x.name = "x";
    x.role = Role::Input;
    x.dtype = DType::F32;
    x.shape = {4, 8, 8, 1};
    y.name = "y";
    y.role = Role::Input;
    y.dtype = DType::I32;
    y.shape = {4};
    y.classes = 10;
    ready = true;
  }
  int fd = ::memfd_create("digits.csv", MFD_CLOEXEC);
  if (fd < 0)
    std::abort();
  for (size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0)
      std::abort();
    done += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  Expected<Dataset> d = loadDigits({&x, &y}, path, /*testSize=*/2);
  if (!d.failed()) {
    // Every label of a split that loaded is a class index.
    std::vector<const Split *> splits = {&d->train};
    if (d->test)
      splits.push_back(&*d->test);
    for (const Split *s : splits)
      for (const auto &[name, array] : s->arrays)
        if (name == "y")
          for (size_t i = 0; i + 4 <= array.data.size(); i += 4) {
            int32_t v;
            std::memcpy(&v, array.data.data() + i, 4);
            if (v < 0 || v > 9)
              std::abort();
          }
  }
  ::close(fd);
  return 0;
}
