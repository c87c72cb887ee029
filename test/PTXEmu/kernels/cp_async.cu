// cp.async test kernels: a double-buffered copy pipeline (commit_group /
// wait_group 1) with 16-byte .cg copies whose src-size zero-fills the tail
// past n, and 4/8-byte .ca copies, with an ignore-src predicate. Checked by
// test/PTXEmu/Inputs/check_cp_async.py.
#include <stdint.h>

__device__ __forceinline__ uint32_t smemAddr(const void *p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

// dst[k] = 2 * src[k] + 1 for k < n and 1 (zero-filled source) for
// n <= k < tiles * 512. One block of 128 threads, tiles of 512 floats.
extern "C" __global__ void pipelined_copy(const float *src, float *dst, int n,
                                          int tiles) {
  __shared__ __align__(16) float buf[2][512];
  const int tid = threadIdx.x;
  auto issue = [&](int t) {
    const int base = t * 512 + tid * 4;
    int bytes = (n - base) * 4;
    bytes = bytes < 0 ? 0 : bytes > 16 ? 16 : bytes;
    // With src-size 0 nothing is read: point at the start of the array so
    // that the (unread) source address stays valid.
    const float *g = bytes ? src + base : src;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(
                     smemAddr(&buf[t & 1][tid * 4])),
                 "l"(g), "r"(bytes));
    asm volatile("cp.async.commit_group;\n" ::);
  };
  issue(0);
  for (int t = 0; t < tiles; ++t) {
    if (t + 1 < tiles) {
      issue(t + 1);
      asm volatile("cp.async.wait_group 1;\n" ::);
    } else {
      asm volatile("cp.async.wait_group 0;\n" ::);
    }
    __syncthreads();
    for (int j = tid; j < 512; j += 128)
      dst[t * 512 + j] = 2.0f * buf[t & 1][j] + 1.0f;
    __syncthreads();
  }
}

// 4- and 8-byte .ca copies and the ignore-src form: one warp.
// out[0..31]: 4-byte copies of src[lane]; out[32..95]: 8-byte copies of
// src[2 lane], src[2 lane + 1]; out[96..127]: src[lane] for even lanes and 0
// for odd lanes (ignore-src).
extern "C" __global__ void small_copies(const uint32_t *src, uint32_t *out) {
  __shared__ __align__(16) uint32_t s[128];
  const int lane = threadIdx.x;
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(
                   smemAddr(&s[lane])),
               "l"(src + lane));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 8;\n" ::"r"(
                   smemAddr(&s[32 + 2 * lane])),
               "l"(src + 2 * lane));
  asm volatile("{\n .reg .pred p;\n setp.ne.u32 p, %2, 0;\n"
               " cp.async.ca.shared.global [%0], [%1], 4, p;\n}\n" ::"r"(
                   smemAddr(&s[96 + lane])),
               "l"(src + lane), "r"(lane & 1));
  asm volatile("cp.async.wait_all;\n" ::);
  __syncwarp();
  for (int k = lane; k < 128; k += 32)
    out[k] = s[k];
}
