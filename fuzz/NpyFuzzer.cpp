//===- NpyFuzzer.cpp - libFuzzer target: the .npy reader ------------------===//
//
// A .npy file's bytes through the tooling library's reader (header dict,
// dtype, shape, sizes, data) and, for integer arrays, the class-label
// check a data split gets at load time; a file that parses is written
// again and must parse to the same array. Seeds: .npy files of numpy
// (fuzz/corpus.sh).
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Signature.h"
#include "mpt-tooling/Npy.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace mpt::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  Expected<NpyArray> a = parseNpy(bytes, "fuzz.npy");
  if (a.failed())
    return 0;
  if (a->dtype == DType::I8 || a->dtype == DType::I32 ||
      a->dtype == DType::I64) {
    TensorSpec labels;
    labels.name = "y";
    labels.role = Role::Input;
    labels.dtype = a->dtype;
    labels.shape = a->shape;
    labels.classes = 10;
    (void)checkClassLabels(labels, a->data.data(), a->data.size(), "fuzz.npy");
  }
  std::string again = serializeNpy(a->dtype, a->shape, a->data);
  Expected<NpyArray> b = parseNpy(again, "again.npy");
  if (b.failed() || b->dtype != a->dtype || b->shape != a->shape ||
      b->data != a->data)
    std::abort();
  return 0;
}
