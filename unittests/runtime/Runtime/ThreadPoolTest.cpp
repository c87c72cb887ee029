//===- ThreadPoolTest.cpp - the CPU step's thread pool
//---------------------===//
//
// Every index of [0, n) is run exactly once, in chunks that are those
// chunkBegin() describes, for n below, at and above the thread count and
// n = 0; the pool is reused across many calls; the thread count parser
// refuses what is not a count.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/ThreadPool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

using namespace mpt::rt;

namespace {

/// What the tasks record: how often each index ran, the chunks, the
/// threads.
struct Record {
  explicit Record(int64_t n) : hits(static_cast<size_t>(n)) {}
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  std::set<std::thread::id> threads;
};

void recordTask(void *args, int64_t lo, int64_t hi) {
  auto *r = static_cast<Record *>(args);
  for (int64_t i = lo; i < hi; ++i)
    r->hits[static_cast<size_t>(i)].fetch_add(1);
  std::lock_guard<std::mutex> lock(r->mutex);
  r->chunks.emplace_back(lo, hi);
  r->threads.insert(std::this_thread::get_id());
}

/// Runs a pool of `threads` over [0, n) and checks each index ran once and
/// the chunks are exactly the documented ones.
void checkCoverage(unsigned threads, int64_t n) {
  SCOPED_TRACE("threads " + std::to_string(threads) + ", n " +
               std::to_string(n));
  ThreadPool pool(threads);
  Record r(n);
  pool.parallelFor(n, recordTask, &r);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(r.hits[static_cast<size_t>(i)].load(), 1) << "index " << i;
  if (n <= 0) {
    EXPECT_TRUE(r.chunks.empty());
    return;
  }
  // The expected chunks, computed here independently: min(n, 4 * threads)
  // chunks whose sizes differ by at most one, the longer ones first.
  int64_t count = std::min<int64_t>(n, 4 * int64_t(threads));
  std::vector<std::pair<int64_t, int64_t>> want;
  int64_t lo = 0;
  for (int64_t i = 0; i < count; ++i) {
    int64_t size = n / count + (i < n % count ? 1 : 0);
    want.emplace_back(lo, lo + size);
    lo += size;
  }
  ASSERT_EQ(lo, n);
  std::sort(r.chunks.begin(), r.chunks.end());
  EXPECT_EQ(r.chunks, want);
}

TEST(ThreadPool, EveryIndexOnceForSmallAndLargeRanges) {
  for (unsigned threads : {1u, 2u, 3u, 5u, 8u})
    for (int64_t n : {0, 1, 2, 3, 4, 7, 19, 20, 21, 1000, 100003})
      checkCoverage(threads, n);
}

TEST(ThreadPool, NegativeRangeRunsNothing) {
  ThreadPool pool(3);
  Record r(0);
  pool.parallelFor(-5, recordTask, &r);
  EXPECT_TRUE(r.chunks.empty());
}

TEST(ThreadPool, ChunkBeginSplitsEvenly) {
  // 10 into 4: 3, 3, 2, 2.
  EXPECT_EQ(ThreadPool::chunkBegin(10, 4, 0), 0);
  EXPECT_EQ(ThreadPool::chunkBegin(10, 4, 1), 3);
  EXPECT_EQ(ThreadPool::chunkBegin(10, 4, 2), 6);
  EXPECT_EQ(ThreadPool::chunkBegin(10, 4, 3), 8);
  EXPECT_EQ(ThreadPool::chunkBegin(10, 4, 4), 10);
  EXPECT_EQ(ThreadPool::chunkCount(3, 2), 3);
  EXPECT_EQ(ThreadPool::chunkCount(100, 2), 8);
}

void sumTask(void *args, int64_t lo, int64_t hi) {
  auto *sum = static_cast<std::atomic<int64_t> *>(args);
  int64_t s = 0;
  for (int64_t i = lo; i < hi; ++i)
    s += i;
  sum->fetch_add(s);
}

TEST(ThreadPool, ReusedAcrossManyCalls) {
  // Many calls of varying n on one pool: each sees every index once (the
  // sum of 0..n-1), including calls too short to wake every worker.
  ThreadPool pool(4);
  for (int call = 0; call < 20000; ++call) {
    int64_t n = call % 37;
    std::atomic<int64_t> sum{0};
    pool.parallelFor(n, sumTask, &sum);
    ASSERT_EQ(sum.load(), n * (n - 1) / 2) << "call " << call;
  }
}

TEST(ThreadPool, WorkersTakeChunks) {
  // With chunks long enough to outlast a wake-up, more than one thread runs
  // them (the pool is not the caller alone).
  ThreadPool pool(2);
  bool sawTwo = false;
  for (int attempt = 0; attempt < 200 && !sawTwo; ++attempt) {
    Record r(8);
    pool.parallelFor(
        8,
        [](void *args, int64_t lo, int64_t hi) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          recordTask(args, lo, hi);
        },
        &r);
    sawTwo = r.threads.size() == 2;
  }
  EXPECT_TRUE(sawTwo);
}

TEST(ThreadPool, ConcurrentCallersTakeTurns) {
  ThreadPool pool(3);
  auto caller = [&] {
    for (int call = 0; call < 2000; ++call) {
      std::atomic<int64_t> sum{0};
      pool.parallelFor(101, sumTask, &sum);
      ASSERT_EQ(sum.load(), 101 * 100 / 2);
    }
  };
  std::thread a(caller), b(caller);
  a.join();
  b.join();
}

TEST(ThreadPool, ParseThreadCount) {
  Expected<unsigned> four = parseThreadCount("4");
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(*four, 4u);
  for (const char *bad :
       {"0", "-1", "", "two", "3x", "1.5", "1025", "99999999999999999999"}) {
    Expected<unsigned> parsed = parseThreadCount(bad);
    ASSERT_TRUE(parsed.failed()) << bad;
    EXPECT_NE(parsed.message().find("invalid thread count '" +
                                    std::string(bad) + "'"),
              std::string::npos)
        << parsed.message();
  }
}

TEST(ThreadPool, DefaultThreadCountSharesCoresAmongLocalRanks) {
  unsigned cpus = availableCpus();
  ASSERT_GE(cpus, 1u);
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  EXPECT_EQ(defaultThreadCount(), cpus);
  ::setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2", 1);
  EXPECT_EQ(defaultThreadCount(), std::max(1u, cpus / 2));
  ::setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "100000", 1);
  EXPECT_EQ(defaultThreadCount(), 1u);
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
}

} // namespace
