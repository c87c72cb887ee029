//===- ThreadPool.h - the threads a CPU step runs its ops on ---*- C++ -*-===//
//
// The compiled CPU step splits its larger ops over a range of one parallel
// dimension (mpt-split-parallel-ops) and calls the hook its native code
// exports, `mpt_rt_parallel_for(task, args, n)`, for each; the session
// installs this pool there (`mpt_set_parallel_for`). The pool cuts [0, n)
// into a few contiguous chunks per thread, which the threads (the calling
// one included) claim one at a time; every element is computed by the same
// code whatever the chunk and whichever thread runs it, so results do not
// depend on the thread count.
//
// The workers are created once and wait on a condition variable between
// calls; a call allocates nothing.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_THREADPOOL_H
#define MPT_RUNTIME_THREADPOOL_H

#include "mpt-runtime/Status.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace mpt {
namespace rt {

class Program;

/// What a parallel loop runs: `task(args, lo, hi)` for [lo, hi).
using ParallelTask = void (*)(void *args, int64_t lo, int64_t hi);

class ThreadPool {
public:
  /// A pool of `threads` threads in all, the caller's included (so
  /// threads - 1 workers); at least 1.
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return threads_; }

  /// Runs `task(args, lo, hi)` over the chunks of [0, n) and returns when
  /// every chunk is done: chunkCount(n, size()) chunks, chunk i being
  /// [chunkBegin(n, c, i), chunkBegin(n, c, i + 1)), each run once, by
  /// whichever thread claims it first (the caller included). Nothing
  /// happens for n <= 0. Calls from several threads at once take turns.
  void parallelFor(int64_t n, ParallelTask task, void *args);

  /// Chunks per thread: a few, so that threads that start late (on a
  /// loaded machine) leave their share to the others.
  static constexpr unsigned kChunksPerThread = 4;

  /// How many chunks a pool of `threads` cuts [0, n) into.
  static int64_t chunkCount(int64_t n, unsigned threads);

  /// Where chunk `i` of `chunks` equal chunks of [0, n) begins (the first
  /// n % chunks chunks are one longer).
  static int64_t chunkBegin(int64_t n, int64_t chunks, int64_t i);

  /// Installs this pool in `program`'s native code when it exports
  /// `mpt_set_parallel_for` (code compiled before the hook existed runs
  /// every op on the calling thread).
  void install(Program &program);

private:
  void work();
  /// Claims and runs chunks of call `generation` until none is left;
  /// whether this thread finished the last one.
  bool runChunks(uint32_t generation, ParallelTask task, void *args, int64_t n,
                 int64_t chunks);

  unsigned threads_;
  std::vector<std::thread> workers_;
  std::mutex callMutex_; ///< one parallelFor at a time
  std::mutex mutex_;     ///< guards the call's parameters and stop_
  std::condition_variable wake_, done_cv_;
  uint32_t generation_ = 0; ///< of the latest call
  bool stop_ = false;
  ParallelTask task_ = nullptr;
  void *args_ = nullptr;
  int64_t n_ = 0;
  int64_t chunks_ = 0;
  /// The current call's generation (high 32 bits) and next unclaimed chunk.
  std::atomic<uint64_t> claim_{0};
  /// Chunks of the current call finished.
  std::atomic<int64_t> done_{0};
};

/// The CPUs this process may run on (sched_getaffinity), at least 1.
unsigned availableCpus();

/// The default thread count of a CPU step: the CPUs this process may run on,
/// divided among the ranks of a data-parallel run that share this host
/// (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE), at least 1.
unsigned defaultThreadCount();

/// Parses a thread count given by a user ("4"): a whole number from 1 to
/// 1024, else an error that says so.
Expected<unsigned> parseThreadCount(std::string_view text);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_THREADPOOL_H
