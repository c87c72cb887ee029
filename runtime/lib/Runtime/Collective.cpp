//===- Collective.cpp - The all-reduce and the single-process backend -----===//

#include "mpt-runtime/Collective.h"
#include "mpt-runtime/Device.h"

#include "MpiCollective.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mpt::rt;

Collective::~Collective() = default;

void Collective::abort(int code) { std::_Exit(code); }

namespace {
/// One process: nothing to exchange.
class SingleCollective : public Collective {
public:
  std::string name() const override { return "single"; }
  std::string description() const override { return "one process"; }
  int rank() const override { return 0; }
  int size() const override { return 1; }
  Status allToAll(const void *send, void *recv, size_t bytes) override {
    if (bytes)
      std::memmove(recv, send, bytes);
    return Status::success();
  }
  Status allGather(const void *send, void *recv, size_t bytes) override {
    if (bytes)
      std::memmove(recv, send, bytes);
    return Status::success();
  }
  Status broadcast(void *, size_t, int root) override {
    if (root != 0)
      return Status::error("broadcast from rank " + std::to_string(root) +
                           ", but the run has one rank");
    return Status::success();
  }
  Status barrier() override { return Status::success(); }
};

/// Element `i` of `data` (f32, f16 or bf16) as a float.
float loadFloat(DType dtype, const char *data, size_t i) {
  if (dtype == DType::F32) {
    float v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
  uint16_t bits;
  std::memcpy(&bits, data + 2 * i, 2);
  return static_cast<float>(dtype == DType::F16 ? halfBitsToDouble(bits)
                                                : bf16BitsToDouble(bits));
}

/// `v` rounded to `dtype` (to nearest, ties to even) and stored at `i`.
void storeFloat(DType dtype, char *data, size_t i, float v) {
  if (dtype == DType::F32) {
    std::memcpy(data + 4 * i, &v, 4);
    return;
  }
  uint16_t bits =
      dtype == DType::F16 ? doubleToHalfBits(v) : doubleToBF16Bits(v);
  std::memcpy(data + 2 * i, &bits, 2);
}

/// `v` rounded to `dtype` and back (the value an f16/bf16 add keeps).
float roundTo(DType dtype, float v) {
  if (dtype == DType::F32)
    return v;
  char tmp[2];
  storeFloat(dtype, tmp, 0, v);
  return loadFloat(dtype, tmp, 0);
}
} // namespace

Status Collective::allReduce(const std::vector<ReduceBuffer> &buffers,
                             DType dtype, ReduceKind kind,
                             bool fp32Accumulate) {
  if (dtype != DType::F32 && dtype != DType::F16 && dtype != DType::BF16)
    return Status::error(std::string("all-reduce of ") + dtypeName(dtype) +
                         " values (only f32, f16 and bf16)");
  auto start = std::chrono::steady_clock::now();
  size_t element = dtypeSize(dtype), total = 0;
  for (const ReduceBuffer &b : buffers)
    total += b.count;
  ++stats_.allReduces;
  stats_.bytes += total * element;
  const size_t n = static_cast<size_t>(size());
  if (n > 1 && total) {
    // Slice r of the packed buffers is reduced on rank r.
    size_t chunk = (total + n - 1) / n, chunkBytes = chunk * element;
    send_.assign(n * chunkBytes, 0);
    size_t at = 0;
    for (const ReduceBuffer &b : buffers) {
      std::memcpy(send_.data() + at, b.data, b.count * element);
      at += b.count * element;
    }
    recv_.resize(n * chunkBytes);
    if (Status st = allToAll(send_.data(), recv_.data(), chunkBytes);
        st.failed())
      return st;
    slice_.resize(chunkBytes);
    bool exact = fp32Accumulate || dtype == DType::F32;
    float ranks = static_cast<float>(n);
    for (size_t i = 0; i < chunk; ++i) {
      float acc = loadFloat(dtype, recv_.data(), i);
      for (size_t r = 1; r < n; ++r) {
        acc += loadFloat(dtype, recv_.data() + r * chunkBytes, i);
        if (!exact)
          acc = roundTo(dtype, acc);
      }
      if (kind == ReduceKind::Mean)
        acc /= ranks;
      storeFloat(dtype, slice_.data(), i, acc);
    }
    if (Status st = allGather(slice_.data(), send_.data(), chunkBytes);
        st.failed())
      return st;
    at = 0;
    for (const ReduceBuffer &b : buffers) {
      std::memcpy(b.data, send_.data() + at, b.count * element);
      at += b.count * element;
    }
  }
  stats_.seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return Status::success();
}

namespace {
/// What the compiled code calls (`mpt_all_reduce_fn` of the generated entry
/// points): `n` buffers at `pointers` with `sizes` elements each.
int32_t allReduceHook(void *context, int64_t n, const int64_t *pointers,
                      const int64_t *sizes, int32_t dtype, int32_t kind,
                      int32_t fp32Accumulate) {
  auto *collective = static_cast<Collective *>(context);
  std::vector<ReduceBuffer> buffers(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    buffers[i].data =
        reinterpret_cast<void *>(static_cast<intptr_t>(pointers[i]));
    buffers[i].count = static_cast<size_t>(sizes[i]);
  }
  DType type = dtype == 1 ? DType::F16 : dtype == 2 ? DType::BF16 : DType::F32;
  if (dtype < 0 || dtype > 2 || (kind != 0 && kind != 1)) {
    collective->setLastError("the compiled step asked for an unknown "
                             "all-reduce (dtype " +
                             std::to_string(dtype) + ", kind " +
                             std::to_string(kind) + ")");
    return 1;
  }
  Status st = collective->allReduce(
      buffers, type, kind == 1 ? ReduceKind::Mean : ReduceKind::Sum,
      fp32Accumulate != 0);
  if (st.failed()) {
    collective->setLastError(st.message());
    return 1;
  }
  return 0;
}

using SetCollectiveFn = void (*)(int32_t (*)(void *, int64_t, const int64_t *,
                                             const int64_t *, int32_t, int32_t,
                                             int32_t),
                                 void *);
} // namespace

void Collective::install(Program &program) {
  if (auto set = reinterpret_cast<SetCollectiveFn>(
          program.hostSymbol("mpt_set_collective")))
    set(allReduceHook, this);
  if (auto setRanks = reinterpret_cast<void (*)(int32_t)>(
          program.hostSymbol("mpt_set_rank_count")))
    setRanks(size());
}

bool mpt::rt::launchedByMpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK");
}

Expected<std::unique_ptr<Collective>>
mpt::rt::createCollective(std::string_view name) {
  if (name == "auto")
    name = launchedByMpirun() ? "mpi" : "single";
  if (name == "single")
    return std::unique_ptr<Collective>(new SingleCollective());
  if (name == "mpi")
    return createMpiCollective();
  return Status::error("unknown collective '" + std::string(name) +
                       "' (single, mpi or auto)");
}
