// Tensor-core test kernels for the PTX emulator, written with inline PTX the
// way hand-tuned kernels (and mpt's lowering) use the instructions:
//  - single mma.sync operations fed directly from the fragment layouts of the
//    PTX ISA (m16n8k16 / m16n8k8, f16 / bf16, f32 or f16 accumulators);
//  - a tiled GEMM C = A * B (A: MxK row-major, B: KxN row-major, C: MxN f32)
//    with 128x128x32 block tiles, 8 warps of 64x32, a two-stage cp.async
//    double buffer, ldmatrix.x4 for A, ldmatrix.x2.trans for B and
//    mma.sync.m16n8k16. The ldmatrix addressing follows the usual
//    (CUTLASS-style) convention, independently of the fragment tables.
// Checked by test/PTXEmu/Inputs/check_mma.py against FP64 numpy products.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

__device__ __forceinline__ uint32_t pack2(uint16_t lo, uint16_t hi) {
  return (uint32_t)lo | ((uint32_t)hi << 16);
}

// D[16x8] = A[16xK] * B[Kx8] + C, one warp. A row-major, B given as [K][8]
// row-major, C/D row-major f32. kind: 0 f16 k16, 1 bf16 k16, 2 f16 k8,
// 3 bf16 k8, 4 f16 k16 with f16 accumulators (C/D as f16).
template <int Kind>
__device__ void mmaTile(const uint16_t *A, const uint16_t *B, const void *C,
                        void *D) {
  const int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int K = (Kind == 2 || Kind == 3) ? 8 : 16;
  uint32_t a[4], b[2];
  a[0] = pack2(A[g * K + 2 * t], A[g * K + 2 * t + 1]);
  a[1] = pack2(A[(g + 8) * K + 2 * t], A[(g + 8) * K + 2 * t + 1]);
  if (K == 16) {
    a[2] = pack2(A[g * K + 2 * t + 8], A[g * K + 2 * t + 9]);
    a[3] = pack2(A[(g + 8) * K + 2 * t + 8], A[(g + 8) * K + 2 * t + 9]);
  }
  b[0] = pack2(B[(2 * t) * 8 + g], B[(2 * t + 1) * 8 + g]);
  if (K == 16)
    b[1] = pack2(B[(2 * t + 8) * 8 + g], B[(2 * t + 9) * 8 + g]);
  if (Kind == 4) {
    const uint16_t *Ch = (const uint16_t *)C;
    uint16_t *Dh = (uint16_t *)D;
    uint32_t c0 = pack2(Ch[g * 8 + 2 * t], Ch[g * 8 + 2 * t + 1]);
    uint32_t c1 = pack2(Ch[(g + 8) * 8 + 2 * t], Ch[(g + 8) * 8 + 2 * t + 1]);
    uint32_t d0, d1;
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 "
                 "{%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%8,%9};\n"
                 : "=r"(d0), "=r"(d1)
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]), "r"(c0), "r"(c1));
    Dh[g * 8 + 2 * t] = (uint16_t)d0;
    Dh[g * 8 + 2 * t + 1] = (uint16_t)(d0 >> 16);
    Dh[(g + 8) * 8 + 2 * t] = (uint16_t)d1;
    Dh[(g + 8) * 8 + 2 * t + 1] = (uint16_t)(d1 >> 16);
    return;
  }
  const float *Cf = (const float *)C;
  float *Df = (float *)D;
  float c[4] = {Cf[g * 8 + 2 * t], Cf[g * 8 + 2 * t + 1],
                Cf[(g + 8) * 8 + 2 * t], Cf[(g + 8) * 8 + 2 * t + 1]};
  float d[4];
  if (Kind == 0)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\n"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
  else if (Kind == 1)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\n"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
  else if (Kind == 2)
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5}, {%6}, {%7,%8,%9,%10};\n"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(b[0]), "f"(c[0]), "f"(c[1]),
                   "f"(c[2]), "f"(c[3]));
  else
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5}, {%6}, {%7,%8,%9,%10};\n"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(b[0]), "f"(c[0]), "f"(c[1]),
                   "f"(c[2]), "f"(c[3]));
  Df[g * 8 + 2 * t] = d[0];
  Df[g * 8 + 2 * t + 1] = d[1];
  Df[(g + 8) * 8 + 2 * t] = d[2];
  Df[(g + 8) * 8 + 2 * t + 1] = d[3];
}

extern "C" __global__ void mma_m16n8k16_f16(const uint16_t *A, const uint16_t *B,
                                            const float *C, float *D) {
  mmaTile<0>(A, B, C, D);
}
extern "C" __global__ void mma_m16n8k16_bf16(const uint16_t *A, const uint16_t *B,
                                             const float *C, float *D) {
  mmaTile<1>(A, B, C, D);
}
extern "C" __global__ void mma_m16n8k8_f16(const uint16_t *A, const uint16_t *B,
                                           const float *C, float *D) {
  mmaTile<2>(A, B, C, D);
}
extern "C" __global__ void mma_m16n8k8_bf16(const uint16_t *A, const uint16_t *B,
                                            const float *C, float *D) {
  mmaTile<3>(A, B, C, D);
}
extern "C" __global__ void mma_m16n8k16_f16_f16acc(const uint16_t *A,
                                                   const uint16_t *B,
                                                   const uint16_t *C,
                                                   uint16_t *D) {
  mmaTile<4>(A, B, C, D);
}

// ---------------------------------------------------------------------------
// Tiled GEMM
// ---------------------------------------------------------------------------

constexpr int BM = 128, BN = 128, BK = 32;
constexpr int APAD = 8, BPAD = 8; // keep rows 16-byte aligned, skew banks
constexpr int AS = BK + APAD;     // 40 halves = 80 bytes per A row
constexpr int BS = BN + BPAD;     // 136 halves = 272 bytes per B row

__device__ __forceinline__ uint32_t smemAddr(const void *p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}
__device__ __forceinline__ void cpAsync16(void *smem, const void *gmem) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(
                   smemAddr(smem)),
               "l"(gmem));
}

template <bool BF16>
__device__ void gemm(const uint16_t *A, const uint16_t *B, float *C, int M,
                     int N, int K) {
  __shared__ __align__(16) uint16_t As[2][BM][AS];
  __shared__ __align__(16) uint16_t Bs[2][BK][BS];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int wm = warp >> 2, wn = warp & 3; // 2 x 4 warps of 64 x 32
  const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
  float acc[4][4][4];
#pragma unroll
  for (int mi = 0; mi < 4; ++mi)
#pragma unroll
    for (int ni = 0; ni < 4; ++ni)
#pragma unroll
      for (int r = 0; r < 4; ++r)
        acc[mi][ni][r] = 0.0f;

  auto loadTile = [&](int stage, int k0) {
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const int c = tid + j * 256;
      const int ar = c >> 2, ac = (c & 3) * 8;
      cpAsync16(&As[stage][ar][ac], &A[(size_t)(m0 + ar) * K + k0 + ac]);
      const int br = c >> 4, bc = (c & 15) * 8;
      cpAsync16(&Bs[stage][br][bc], &B[(size_t)(k0 + br) * N + n0 + bc]);
    }
    asm volatile("cp.async.commit_group;\n" ::);
  };

  const int KT = K / BK;
  loadTile(0, 0);
  for (int kt = 0; kt < KT; ++kt) {
    const int s = kt & 1;
    if (kt + 1 < KT) {
      loadTile(s ^ 1, (kt + 1) * BK);
      asm volatile("cp.async.wait_group 1;\n" ::);
    } else {
      asm volatile("cp.async.wait_group 0;\n" ::);
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk += 16) {
      uint32_t a[4][4], b[4][2];
#pragma unroll
      for (int mi = 0; mi < 4; ++mi) {
        const int row = wm * 64 + mi * 16 + (lane & 15);
        const int col = kk + (lane >> 4) * 8;
        asm volatile(
            "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
            : "=r"(a[mi][0]), "=r"(a[mi][1]), "=r"(a[mi][2]), "=r"(a[mi][3])
            : "r"(smemAddr(&As[s][row][col])));
      }
#pragma unroll
      for (int ni = 0; ni < 4; ++ni) {
        const int row = kk + (lane & 15);
        const int col = wn * 32 + ni * 8;
        asm volatile(
            "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];\n"
            : "=r"(b[ni][0]), "=r"(b[ni][1])
            : "r"(smemAddr(&Bs[s][row][col])));
      }
#pragma unroll
      for (int mi = 0; mi < 4; ++mi)
#pragma unroll
        for (int ni = 0; ni < 4; ++ni) {
          float *d = acc[mi][ni];
          if (BF16)
            asm volatile(
                "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                : "r"(a[mi][0]), "r"(a[mi][1]), "r"(a[mi][2]), "r"(a[mi][3]),
                  "r"(b[ni][0]), "r"(b[ni][1]));
          else
            asm volatile(
                "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                : "r"(a[mi][0]), "r"(a[mi][1]), "r"(a[mi][2]), "r"(a[mi][3]),
                  "r"(b[ni][0]), "r"(b[ni][1]));
        }
    }
    __syncthreads();
  }
  const int g = lane >> 2, t = lane & 3;
#pragma unroll
  for (int mi = 0; mi < 4; ++mi)
#pragma unroll
    for (int ni = 0; ni < 4; ++ni)
#pragma unroll
      for (int r = 0; r < 4; ++r) {
        const int row = m0 + wm * 64 + mi * 16 + g + 8 * (r >> 1);
        const int col = n0 + wn * 32 + ni * 8 + 2 * t + (r & 1);
        C[(size_t)row * N + col] = acc[mi][ni][r];
      }
}

// M, N multiples of 128, K a multiple of 32; block (256), grid (N/128, M/128).
extern "C" __global__ void __launch_bounds__(256)
    gemm_f16(const uint16_t *A, const uint16_t *B, float *C, int M, int N,
             int K) {
  gemm<false>(A, B, C, M, N, K);
}
extern "C" __global__ void __launch_bounds__(256)
    gemm_bf16(const uint16_t *A, const uint16_t *B, float *C, int M, int N,
              int K) {
  gemm<true>(A, B, C, M, N, K);
}
