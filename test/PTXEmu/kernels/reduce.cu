// Reductions, warp collectives, atomics and divergent control flow for the
// PTX emulator (checked by test/PTXEmu/Inputs/check_reduce.py).
#include <stdint.h>

#define FULL 0xffffffffu

// Grid-stride sum: shuffles within warps, shared memory across warps, one
// atomicAdd per block into *out (which starts at 0).
extern "C" __global__ void block_reduce_f32(const float *x, float *out,
                                            int n) {
  __shared__ float warpSums[32];
  float v = 0.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += gridDim.x * blockDim.x)
    v += x[i];
  for (int o = 16; o > 0; o >>= 1)
    v += __shfl_down_sync(FULL, v, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0)
    warpSums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (int)(blockDim.x >> 5) ? warpSums[lane] : 0.0f;
    for (int o = 16; o > 0; o >>= 1)
      v += __shfl_xor_sync(FULL, v, o);
    if (lane == 0)
      atomicAdd(out, v);
  }
}

// Block-wide max and min with shared-memory atomics, then global atomics.
extern "C" __global__ void block_minmax_i32(const int *x, int *out, int n) {
  __shared__ int smax, smin;
  if (threadIdx.x == 0) {
    smax = INT32_MIN;
    smin = INT32_MAX;
  }
  __syncthreads();
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    atomicMax(&smax, x[i]);
    atomicMin(&smin, x[i]);
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    atomicMax(&out[0], smax);
    atomicMin(&out[1], smin);
  }
}

// Warp collectives on full warps: ballot/all/any, an inclusive scan with
// shfl.up, broadcasts with shfl.idx, sub-warp (width 8) shuffles, match.any,
// redux, and activemask inside a divergent branch. out[k * n + i].
extern "C" __global__ void warp_collectives(const int *x, unsigned *out,
                                            int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int lane = threadIdx.x & 31;
  const int v = x[i];
  const bool p = v > 0;
  out[0 * n + i] = __ballot_sync(FULL, p);
  out[1 * n + i] = __all_sync(FULL, p);
  out[2 * n + i] = __any_sync(FULL, v > 90);
  int s = v;
  for (int o = 1; o < 32; o <<= 1) {
    int t = __shfl_up_sync(FULL, s, o);
    if (lane >= o)
      s += t;
  }
  out[3 * n + i] = (unsigned)s;
  out[4 * n + i] = (unsigned)__shfl_sync(FULL, v, (lane * 7 + 3) & 31);
  out[5 * n + i] = (unsigned)__shfl_down_sync(FULL, v, 3, 8);
  out[6 * n + i] = (unsigned)__shfl_xor_sync(FULL, v, 5, 16);
  out[7 * n + i] = __match_any_sync(FULL, v & 3);
  out[8 * n + i] = __reduce_add_sync(FULL, (unsigned)v);
  out[9 * n + i] = (unsigned)__reduce_max_sync(FULL, v);
  unsigned act = 0;
  if (lane % 3 == 0)
    act = __activemask();
  out[10 * n + i] = act;
  out[11 * n + i] = (unsigned)__shfl_up_sync(FULL, v, 2, 16);
}

// Shared-memory histogram of x & 63 with atomics; hist starts at 0.
extern "C" __global__ void histogram64(const int *x, unsigned *hist, int n) {
  __shared__ unsigned h[64];
  for (int j = threadIdx.x; j < 64; j += blockDim.x)
    h[j] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += gridDim.x * blockDim.x)
    atomicAdd(&h[x[i] & 63], 1u);
  __syncthreads();
  for (int j = threadIdx.x; j < 64; j += blockDim.x)
    atomicAdd(&hist[j], h[j]);
}

// 64-bit, f64 and CAS-based atomics. acc: [0] i64 sum, [1] u64 max;
// dacc[0] f64 sum; fmaxv[0] f32 max via CAS; cnt[0] inc-wrap, cnt[1] exch.
extern "C" __global__ void atomics_misc(const int *x, long long *acc,
                                        double *dacc, float *fmaxv,
                                        unsigned *cnt, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  atomicAdd((unsigned long long *)&acc[0], (unsigned long long)(long long)x[i]);
  atomicMax((unsigned long long *)&acc[1], (unsigned long long)(x[i] + 1000));
  atomicAdd(&dacc[0], (double)x[i] * 0.5);
  float f = (float)x[i] * 0.25f;
  int *addr = (int *)fmaxv;
  int old = *addr, assumed;
  do {
    assumed = old;
    if (__int_as_float(assumed) >= f)
      break;
    old = atomicCAS(addr, assumed, __float_as_int(f));
  } while (assumed != old);
  atomicInc(&cnt[0], 99u);
  atomicExch(&cnt[1], 7u);
}

// Divergent loops with continue/break and nested branches, then warp-wide
// collectives after reconvergence. out[i], out[n + i].
extern "C" __global__ void divergent_loops(const int *counts, int *out,
                                           int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int c = counts[i];
  int acc = 0;
  for (int k = 0; k < c; ++k) {
    if (k % 3 == 0)
      continue;
    acc += k * (i + 1);
    if (acc > 5000)
      break;
  }
  if (c & 1) {
    for (int k = 0; k < c; ++k)
      acc ^= k << (k & 7);
  } else if (c % 4 == 2) {
    acc = -acc;
  } else {
    while (acc > 100)
      acc /= 3;
  }
  __syncwarp();
  out[i] = acc;
  out[n + i] = __shfl_xor_sync(FULL, acc, 1) + __popc(__ballot_sync(FULL, acc & 1));
}

// A bar.red based reduction (__syncthreads_count / _and / _or).
extern "C" __global__ void sync_count(const int *x, int *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int p = x[i] > 0;
  int cnt = __syncthreads_count(p);
  int all = __syncthreads_and(p);
  int any = __syncthreads_or(x[i] > 95);
  if (threadIdx.x == 0) {
    out[blockIdx.x * 3 + 0] = cnt;
    out[blockIdx.x * 3 + 1] = all;
    out[blockIdx.x * 3 + 2] = any;
  }
}
