//===- ThreadPool.cpp - the threads a CPU step runs its ops on ------------===//
//
// A fixed set of workers; each call publishes (task, args, n) under the
// mutex with a new generation number, the workers take their chunks, and the
// caller waits for the count of chunks still running to reach zero. Workers
// and caller spin for a few microseconds before sleeping, since a step calls
// the pool for op after op.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/ThreadPool.h"

#include "mpt-runtime/Device.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sched.h>

using namespace mpt::rt;

namespace {
/// Spins of the busy wait before a thread sleeps (about 20-50 us).
constexpr int kSpins = 4000;

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

/// The hook the native code calls (`mpt_set_parallel_for`'s function).
void parallelForHook(void *pool, ParallelTask task, void *args, int64_t n) {
  static_cast<ThreadPool *>(pool)->parallelFor(n, task, args);
}
using SetParallelForFn = void (*)(void (*)(void *, ParallelTask, void *,
                                           int64_t),
                                  void *);
} // namespace

ThreadPool::ThreadPool(unsigned threads) : threads_(std::max(1u, threads)) {
  workers_.reserve(threads_ - 1);
  for (unsigned i = 1; i < threads_; ++i)
    workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_relaxed);
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

int64_t ThreadPool::chunkBegin(int64_t n, int64_t chunks, int64_t i) {
  return i * (n / chunks) + std::min(i, n % chunks);
}

void ThreadPool::parallelFor(int64_t n, ParallelTask task, void *args) {
  if (n <= 0)
    return;
  int64_t chunks = std::min<int64_t>(n, threads_);
  if (chunks == 1) {
    task(args, 0, n);
    return;
  }
  std::lock_guard<std::mutex> call(callMutex_);
  pending_.store(static_cast<int>(chunks - 1), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = task;
    args_ = args;
    n_ = n;
    chunks_ = chunks;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  task(args, 0, chunkBegin(n, chunks, 1));
  for (int i = 0; i < kSpins; ++i) {
    if (pending_.load(std::memory_order_acquire) == 0)
      return;
    pause();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock,
             [&] { return pending_.load(std::memory_order_acquire) == 0; });
}

void ThreadPool::work(unsigned index) {
  uint64_t seen = 0;
  for (;;) {
    for (int i = 0;
         i < kSpins && generation_.load(std::memory_order_acquire) == seen; ++i)
      pause();
    ParallelTask task;
    void *args;
    int64_t n, chunks;
    {
      // The call's parameters are read under the mutex, so a worker that
      // has no chunk in one call never reads the next call's half-written.
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] {
        return stop_ || generation_.load(std::memory_order_relaxed) != seen;
      });
      if (stop_)
        return;
      seen = generation_.load(std::memory_order_relaxed);
      task = task_;
      args = args_;
      n = n_;
      chunks = chunks_;
    }
    if (index >= chunks)
      continue;
    task(args, chunkBegin(n, chunks, index), chunkBegin(n, chunks, index + 1));
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

void ThreadPool::install(Program &program) {
  if (auto set = reinterpret_cast<SetParallelForFn>(
          program.hostSymbol("mpt_set_parallel_for")))
    set(threads_ > 1 ? parallelForHook : nullptr, this);
}

unsigned mpt::rt::availableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0)
      return static_cast<unsigned>(count);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

unsigned mpt::rt::defaultThreadCount() {
  unsigned cpus = availableCpus();
  if (const char *local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) {
    int ranks = std::atoi(local);
    if (ranks > 1)
      cpus /= static_cast<unsigned>(ranks);
  }
  return std::max(1u, cpus);
}

Expected<unsigned> mpt::rt::parseThreadCount(std::string_view text) {
  unsigned value = 0;
  const char *end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1 ||
      value > 1024)
    return Status::error("invalid thread count '" + std::string(text) +
                         "': give a whole number from 1 to 1024 (the "
                         "default is the CPUs this process may use, " +
                         std::to_string(defaultThreadCount()) + " here)");
  return value;
}
