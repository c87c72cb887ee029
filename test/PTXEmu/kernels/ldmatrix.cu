// ldmatrix in all its .m8n8 forms (.x1/.x2/.x4, with and without .trans),
// from rows scattered over shared memory (each 16-byte aligned, not
// contiguous), plus stmatrix-free round trips. One warp; out[v][lane][j] is
// register j of lane for variant v = 0 x1, 1 x2, 2 x4, 3 x1.trans,
// 4 x2.trans, 5 x4.trans. M holds four 8x8 b16 matrices (row-major, 256
// values). Checked by test/PTXEmu/Inputs/check_ldmatrix.py against the
// layout described in the PTX ISA.
#include <stdint.h>

// Row R (0..31) of the four stacked matrices lives at shared row
// (R * 5) % 32 of a 32 x 16 array, at column 0 or 8 depending on R.
__device__ __forceinline__ int rowSlot(int R) { return (R * 5) % 32; }
__device__ __forceinline__ int rowCol(int R) { return ((R >> 2) & 1) * 8; }

extern "C" __global__ void ldmatrix_all(const uint16_t *M, uint32_t *out) {
  __shared__ __align__(16) uint16_t s[32][16];
  const int lane = threadIdx.x;
  for (int k = lane; k < 32 * 16; k += 32)
    (&s[0][0])[k] = 0xdead;
  __syncwarp();
  for (int k = lane; k < 256; k += 32) {
    const int R = k / 8, c = k % 8;
    s[rowSlot(R)][rowCol(R) + c] = M[k];
  }
  __syncwarp();
  uint32_t r0, r1, r2, r3;
  // Only lanes 0-7 (x1) / 0-15 (x2) supply addresses: the others point
  // somewhere else on purpose.
  const int R1 = lane < 8 ? lane : 31 - lane;
  const int R2 = lane < 16 ? lane : 31 - (lane - 16);
  const uint32_t a1 = (uint32_t)__cvta_generic_to_shared(&s[rowSlot(R1)][rowCol(R1)]);
  const uint32_t a2 = (uint32_t)__cvta_generic_to_shared(&s[rowSlot(R2)][rowCol(R2)]);
  const uint32_t a4 = (uint32_t)__cvta_generic_to_shared(&s[rowSlot(lane)][rowCol(lane)]);
  uint32_t *o = out + lane * 4;
  asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];\n"
               : "=r"(r0) : "r"(a1));
  o[0 * 128 + 0] = r0;
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n"
               : "=r"(r0), "=r"(r1) : "r"(a2));
  o[1 * 128 + 0] = r0;
  o[1 * 128 + 1] = r1;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(a4));
  o[2 * 128 + 0] = r0;
  o[2 * 128 + 1] = r1;
  o[2 * 128 + 2] = r2;
  o[2 * 128 + 3] = r3;
  asm volatile("ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [%1];\n"
               : "=r"(r0) : "r"(a1));
  o[3 * 128 + 0] = r0;
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];\n"
               : "=r"(r0), "=r"(r1) : "r"(a2));
  o[4 * 128 + 0] = r0;
  o[4 * 128 + 1] = r1;
  // Generic addressing (no .shared): the address is a generic pointer.
  const uint64_t g4 = (uint64_t)&s[rowSlot(lane)][rowCol(lane)];
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "l"(g4));
  o[5 * 128 + 0] = r0;
  o[5 * 128 + 1] = r1;
  o[5 * 128 + 2] = r2;
  o[5 * 128 + 3] = r3;
}
