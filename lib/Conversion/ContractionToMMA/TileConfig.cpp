//===- TileConfig.cpp - block tiles and their selection -------------------===//
//
// The tile table follows what mature sm_80 kernels use for f16/bf16 (CUTLASS
// and Triton defaults): 64x64 warp tiles for large problems, smaller warp
// tiles where the grid would otherwise leave SMs idle, BK = 32 (two k16
// mma steps per stage) with 3-4 stages, and BK = 64 for long reductions.
//
// Selection estimates, per candidate, the time of the grid as
//   waves * (reduction tiles per block) * (BM * BN) / efficiency(tile)
// where waves = ceil(blocks / (SMs * blocks per SM)) and the efficiency of a
// tile shape reflects its arithmetic intensity (shared-memory traffic per
// mma): bigger tiles are faster per element, but a grid of a few big tiles
// leaves most SMs idle. Split-K adds a reduction pass and is considered when
// the grid is small and the reduction long.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

std::string MMATileConfig::str() const {
  return llvm::formatv("{0}x{1}x{2}_w{3}x{4}_s{5}", blockM, blockN, blockK,
                       warpsM, warpsN, stages)
      .str();
}

bool MMATileConfig::isValid(std::string &error) const {
  if (blockM <= 0 || blockN <= 0 || blockK <= 0 || warpsM <= 0 || warpsN <= 0) {
    error = "sizes must be positive";
    return false;
  }
  if (blockM % warpsM || blockN % warpsN) {
    error = "the block tile must split evenly over the warps";
    return false;
  }
  if (warpTileM() % 16) {
    error = "the warp tile's M must be a multiple of 16 (mma m16n8k16)";
    return false;
  }
  if (warpTileN() % 16) {
    error = "the warp tile's N must be a multiple of 16 (ldmatrix x4 loads "
            "two n8 tiles)";
    return false;
  }
  if (blockK % 32 || blockK > 64) {
    error = "BK must be 32 or 64 (16-byte chunks of a swizzled row)";
    return false;
  }
  if (numThreads() > 1024) {
    error = "more than 1024 threads";
    return false;
  }
  if ((blockM * blockK / 8) % numThreads() ||
      (blockN * blockK / 8) % numThreads()) {
    error = "the 16-byte chunks of the A and B tiles must split evenly over "
            "the threads";
    return false;
  }
  if (stages < 2 || stages > 8) {
    error = "2 to 8 pipeline stages";
    return false;
  }
  if (warpTileM() * warpTileN() > 64 * 128) {
    error = "the warp tile needs more accumulator registers than a thread "
            "has";
    return false;
  }
  return true;
}

FailureOr<MMATileConfig> MMATileConfig::parse(StringRef s, std::string &error) {
  // BMxBNxBK_wWMxWN_sS
  SmallVector<StringRef> parts;
  s.split(parts, '_');
  MMATileConfig t;
  auto fail = [&]() -> FailureOr<MMATileConfig> {
    error = ("'" + s +
             "' is not a tile: expected BMxBNxBK_wWMxWN_sS, e.g. "
             "128x128x32_w2x2_s4")
                .str();
    return failure();
  };
  if (parts.size() != 3 || !parts[1].consume_front("w") ||
      !parts[2].consume_front("s"))
    return fail();
  SmallVector<StringRef> block, warps;
  parts[0].split(block, 'x');
  parts[1].split(warps, 'x');
  if (block.size() != 3 || warps.size() != 2 ||
      block[0].getAsInteger(10, t.blockM) ||
      block[1].getAsInteger(10, t.blockN) ||
      block[2].getAsInteger(10, t.blockK) ||
      warps[0].getAsInteger(10, t.warpsM) ||
      warps[1].getAsInteger(10, t.warpsN) ||
      parts[2].getAsInteger(10, t.stages))
    return fail();
  std::string why;
  if (!t.isValid(why)) {
    error = ("tile '" + s + "': " + why).str();
    return failure();
  }
  return t;
}

int64_t mma::numSMs(int64_t sm) { return sm >= 90 ? 132 : 108; }

int64_t mma::sharedMemoryLimit(int64_t sm) {
  // Per block opt-in limits: 227 KB on sm_90, 163 KB on sm_80.
  return sm >= 90 ? 227 * 1024 : 163 * 1024;
}

ArrayRef<MMATileConfig> mma::tileTable() {
  static const MMATileConfig table[] = {
      // blockM, blockN, blockK, warpsM, warpsN, stages
      {128, 256, 32, 2, 4, 3}, // 8 warps of 64x64
      {256, 128, 32, 4, 2, 3}, // 8 warps of 64x64
      {128, 128, 64, 2, 4, 3}, // 8 warps of 64x32, long reductions
      {128, 128, 32, 2, 2, 4}, // 4 warps of 64x64
      {128, 64, 32, 2, 2, 4},  // 4 warps of 64x32
      {64, 128, 32, 2, 2, 4},  // 4 warps of 32x64
      {64, 64, 32, 2, 2, 4},   // 4 warps of 32x32
      {32, 128, 32, 1, 4, 4},  // small M: 4 warps of 32x32
      {128, 32, 32, 4, 1, 4},  // small N: 4 warps of 32x32
      {32, 64, 32, 1, 2, 3},   // tiny problems: 2 warps of 32x32
  };
  return table;
}

namespace {
/// Rough per-element throughput of a tile relative to 128x256 with 64x64
/// warps: global loads per mma fall with the block's bm*bn/(bm+bn), shared
/// memory (ldmatrix) traffic per mma with the warp tile's wm*wn/(wm+wn).
double tileEfficiency(const MMATileConfig &t) {
  auto intensity = [](double x, double y) { return x * y / (x + y); };
  double block = intensity(t.blockM, t.blockN) / intensity(128, 256);
  double warp = intensity(t.warpTileM(), t.warpTileN()) / intensity(64, 64);
  return std::pow(std::min(1.0, block), 0.3) *
         std::pow(std::min(1.0, warp), 0.5);
}

/// Accumulator registers per thread dominate the register file.
int64_t blocksPerSM(const MMATileConfig &t, int64_t smemBytes, int64_t sm) {
  int64_t regsPerThread =
      std::min<int64_t>(255, 64 + t.warpTileM() * t.warpTileN() / 32 * 3 / 2);
  int64_t byRegs = 65536 / (regsPerThread * t.numThreads());
  int64_t bySmem = sharedMemoryLimit(sm) / std::max<int64_t>(1, smemBytes);
  int64_t byThreads = 2048 / t.numThreads();
  return std::max<int64_t>(1, std::min({byRegs, bySmem, byThreads}));
}
} // namespace

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Shared memory of the mainloop (both operands, all stages) and of the
/// staged epilogue; the larger is what the kernel asks for.
static int64_t smemFor(const MMATileConfig &t) {
  int64_t mainloop = t.stages * (t.blockM + t.blockN) * t.blockK * 2;
  return std::max(mainloop, epilogueSmemBytes(t));
}

KernelChoice mma::chooseKernel(const GemmProblem &p, const MMAOptions &opts) {
  int64_t sms = numSMs(opts.sm);
  KernelChoice best;
  double bestCost = INFINITY;
  // Operands copied element by element (no aligned vector exists, or f32
  // rounded on the way) keep many loads in flight: 64x64 warp tiles would
  // not fit their registers beside the accumulators.
  GemmProblem copy = p;
  MainloopConfig layouts = planMainloop(copy, tileTable().front());
  bool narrow = layouts.aLayout.vec == 1 || layouts.bLayout.vec == 1 ||
                p.aConverts || p.bConverts;
  auto consider = [&](const MMATileConfig &t) {
    int64_t smem = smemFor(t);
    if (smem > sharedMemoryLimit(opts.sm))
      return;
    if (narrow && !opts.forcedTile && t.warpTileM() * t.warpTileN() > 64 * 32)
      return;
    int64_t tiles = ceilDiv(p.m, t.blockM) * ceilDiv(p.n, t.blockN) * p.batch;
    int64_t kTiles = ceilDiv(p.k, t.blockK);
    int64_t perSM = blocksPerSM(t, smem, opts.sm);
    double eff = tileEfficiency(t);
    SmallVector<int64_t> splits{1};
    if (opts.forcedSplitK > 0)
      splits = {std::min(opts.forcedSplitK, kTiles)};
    else if (opts.allowSplitK && tiles < sms && kTiles >= 8)
      for (int64_t s = 2; s <= 32 && s <= kTiles / 4; s *= 2)
        splits.push_back(s);
    for (int64_t s : splits) {
      int64_t perBlock = ceilDiv(kTiles, s);
      // No split without reduction tiles.
      s = ceilDiv(kTiles, perBlock);
      int64_t blocks = tiles * s;
      int64_t waves = ceilDiv(blocks, sms * perSM);
      // Blocks resident on one SM share its tensor cores; a reduction step
      // of any block takes at least about half a 128x128 step (latency).
      int64_t resident = std::min(perSM, ceilDiv(blocks, sms));
      double step = std::max(resident * double(t.blockM * t.blockN) *
                                 (t.blockK / 32.0) / eff,
                             0.5 * 128 * 128);
      double cost = double(waves) * perBlock * step;
      if (s > 1) {
        // Cost units are one output element of one k32 step on one SM
        // (64 flops: about 22 ps on an A100 SM). Each split writes and the
        // reduce reads 4 bytes per output through DRAM (about 5 ps per
        // output and split for the whole GPU), plus a launch (about 5 us).
        double outputs = double(p.m) * p.n * p.batch;
        cost += outputs * s * 0.25 + 14.0 * 128 * 128;
      }
      if (cost < bestCost * 0.98) {
        bestCost = cost;
        best.tile = t;
        best.splitK = s;
      }
    }
  };
  if (opts.forcedTile) {
    bestCost = INFINITY;
    consider(*opts.forcedTile);
    if (bestCost == INFINITY) {
      // Over the shared-memory limit: keep it anyway, the caller checks.
      best.tile = *opts.forcedTile;
      best.splitK = 1;
    }
    return best;
  }
  for (const MMATileConfig &t : tileTable())
    consider(t);
  return best;
}
