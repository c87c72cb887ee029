//===- ThreadPool.cpp - the threads a CPU step runs its ops on ------------===//
//
// A fixed set of workers; each call publishes (task, args, n) under the
// mutex with a new generation number, and every thread, the caller
// included, claims chunks (a compare-and-swap on generation:next chunk)
// until none is left; the caller then waits until every chunk is done.
// Workers and caller spin for a few microseconds before sleeping, since a
// step calls the pool for op after op.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/ThreadPool.h"

#include "mpt-runtime/Device.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <sched.h>

using namespace mpt::rt;

namespace {
/// How long a thread polls before it sleeps: a step calls the pool op
/// after op, and waking a sleeping thread costs more than most ops.
constexpr auto kPollTime = std::chrono::microseconds(200);

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
/// Polls `ready` for up to kPollTime (a short busy wait, then yielding the
/// core to any other thread that wants it); whether it became true.
template <typename Ready> bool pollFor(Ready ready) {
  for (int i = 0; i < 64; ++i) {
    if (ready())
      return true;
    pause();
  }
  auto end = std::chrono::steady_clock::now() + kPollTime;
  while (std::chrono::steady_clock::now() < end) {
    if (ready())
      return true;
    std::this_thread::yield();
  }
  return ready();
}
} // namespace

ThreadPool::ThreadPool(unsigned threads) : threads_(std::max(1u, threads)) {
  workers_.reserve(threads_ - 1);
  for (unsigned i = 1; i < threads_; ++i)
    workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

int64_t ThreadPool::chunkCount(int64_t n, unsigned threads) {
  return std::min<int64_t>(n, int64_t(threads) * kChunksPerThread);
}

int64_t ThreadPool::chunkBegin(int64_t n, int64_t chunks, int64_t i) {
  return i * (n / chunks) + std::min(i, n % chunks);
}

bool ThreadPool::runChunks(uint32_t generation, ParallelTask task, void *args,
                           int64_t n, int64_t chunks) {
  bool ranLast = false;
  uint64_t claim = claim_.load(std::memory_order_acquire);
  for (;;) {
    if (claim >> 32 != generation || int64_t(claim & 0xffffffffu) >= chunks)
      return ranLast;
    // Claims chunk `claim & 0xffffffff` of this call, unless another thread
    // did first (or the call is over: then the generation differs).
    if (!claim_.compare_exchange_weak(claim, claim + 1,
                                      std::memory_order_acq_rel,
                                      std::memory_order_acquire))
      continue;
    int64_t i = int64_t(claim & 0xffffffffu);
    task(args, chunkBegin(n, chunks, i), chunkBegin(n, chunks, i + 1));
    ranLast = done_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks;
    claim = claim_.load(std::memory_order_acquire);
  }
}

void ThreadPool::parallelFor(int64_t n, ParallelTask task, void *args) {
  if (n <= 0)
    return;
  int64_t chunks = chunkCount(n, threads_);
  if (threads_ == 1 || chunks == 1) {
    // One thread runs every chunk in order: the same elements, computed
    // by the same code, as any partition.
    for (int64_t i = 0; i < chunks; ++i)
      task(args, chunkBegin(n, chunks, i), chunkBegin(n, chunks, i + 1));
    return;
  }
  std::lock_guard<std::mutex> call(callMutex_);
  uint32_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = ++generation_;
    task_ = task;
    args_ = args;
    n_ = n;
    chunks_ = chunks;
    done_.store(0, std::memory_order_relaxed);
    claim_.store(uint64_t(generation) << 32, std::memory_order_release);
  }
  wake_.notify_all();
  // The caller takes chunks too, all of them if no worker is scheduled in
  // time (on a loaded machine), so it never waits for a worker to wake.
  runChunks(generation, task, args, n, chunks);
  if (pollFor([&] { return done_.load(std::memory_order_acquire) == chunks; }))
    return;
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(
      lock, [&] { return done_.load(std::memory_order_acquire) == chunks; });
}

void ThreadPool::work() {
  uint32_t seen = 0;
  for (;;) {
    pollFor([&] {
      return uint32_t(claim_.load(std::memory_order_relaxed) >> 32) != seen;
    });
    ParallelTask task;
    void *args;
    int64_t n, chunks;
    {
      // The call's parameters are read under the mutex with its
      // generation; chunks are only claimed while that generation is the
      // current one.
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_)
        return;
      seen = generation_;
      task = task_;
      args = args_;
      n = n_;
      chunks = chunks_;
    }
    if (runChunks(seen, task, args, n, chunks)) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_cv_.notify_one();
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
