//===- Collective.h - Collectives of a data-parallel run -------*- C++ -*-===//
//
// What a data-parallel run needs from its ranks: the gradients' all-reduce
// (which the compiled step calls through the hook it exports,
// `mpt_set_collective`), a broadcast (the state rank 0 starts from) and a
// barrier. Two backends:
//
//   single  one process: every all-reduce returns its input (no transport)
//   mpi     Open MPI's libmpi.so.40, loaded with dlopen when the backend is
//           created ($MPT_MPI_LIBRARY names another library), so
//           libmpt_runtime does not depend on MPI
//
// The all-reduce is built on two byte-moving primitives, all-to-all and
// all-gather: each rank receives every rank's share of one slice, adds the
// contributions in rank order (in FP32 for f16/bf16 unless asked not to),
// and all ranks gather the slices. Every element is therefore computed once,
// on one rank, in a fixed order: all ranks get the same bits, and a run is
// reproducible whatever algorithms the MPI library picks.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_COLLECTIVE_H
#define MPT_RUNTIME_COLLECTIVE_H

#include "mpt-runtime/DType.h"
#include "mpt-runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace rt {

class Program;

/// How an all-reduce combines the ranks' values (the numbers are the
/// compiled code's `kind` argument).
enum class ReduceKind : int32_t { Sum = 0, Mean = 1 };

/// What the all-reduces of a collective have done.
struct CollectiveStats {
  uint64_t allReduces = 0; ///< calls
  uint64_t bytes = 0;      ///< bytes of the reduced buffers (one rank)
  double seconds = 0;      ///< wall time inside the all-reduces
};

/// One buffer of an all-reduce: host memory, `count` elements.
struct ReduceBuffer {
  void *data = nullptr;
  size_t count = 0;
};

class Collective {
public:
  virtual ~Collective();

  /// "single" or "mpi".
  virtual std::string name() const = 0;
  /// One line for humans ("Open MPI 4.1.4, rank 0 of 2").
  virtual std::string description() const = 0;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Transport; every rank calls each in the same order. Blocking.
  /// `send` holds size() pieces of `bytesPerRank` bytes; piece j goes to
  /// rank j, and `recv` receives piece rank() of every rank, in rank order.
  virtual Status allToAll(const void *send, void *recv,
                          size_t bytesPerRank) = 0;
  /// Every rank's `bytesPerRank` bytes, in rank order, into `recv`.
  virtual Status allGather(const void *send, void *recv,
                           size_t bytesPerRank) = 0;
  /// `bytes` bytes of rank `root` into `data` on every rank.
  virtual Status broadcast(void *data, size_t bytes, int root) = 0;
  virtual Status barrier() = 0;
  /// Ends the whole job after an error on this rank (the other ranks are
  /// stopped too; MPI_Abort). The default ends this process.
  [[noreturn]] virtual void abort(int code);

  /// Sums (or averages) `buffers` of `dtype` (f32, f16 or bf16)
  /// elementwise over the ranks, in place; every rank gets the same bits.
  /// f16/bf16 values are added in FP32 and rounded once when
  /// `fp32Accumulate`, else rounded after every addition.
  Status allReduce(const std::vector<ReduceBuffer> &buffers, DType dtype,
                   ReduceKind kind, bool fp32Accumulate);

  const CollectiveStats &stats() const { return stats_; }
  /// The message of the last failed all-reduce the compiled code called
  /// (the entry point itself only returns kEntryCollectiveFailed).
  const std::string &lastError() const { return lastError_; }
  void setLastError(std::string message) { lastError_ = std::move(message); }

  /// Installs this collective as the all-reduce of `program`'s compiled
  /// code (native code exporting `mpt_set_collective`). Programs without
  /// the hook are left alone.
  void install(Program &program);

private:
  CollectiveStats stats_;
  std::string lastError_;
  std::vector<char> send_, recv_, slice_;
};

/// A collective by name: "single" (one process), "mpi" (Open MPI through
/// dlopen; MPI_Init happens now), or "auto": mpi when this process was
/// started by mpirun (OMPI_COMM_WORLD_SIZE or PMIX_RANK set), else single.
Expected<std::unique_ptr<Collective>> createCollective(std::string_view name);

/// Whether mpirun (Open MPI) started this process.
bool launchedByMpirun();

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_COLLECTIVE_H
