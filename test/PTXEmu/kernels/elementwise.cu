// Elementwise test kernels for the PTX emulator: f32/f64 arithmetic and
// math, f16/bf16 (scalar and x2) arithmetic, conversions in every direction,
// integer and bit operations. Each output row is compared with an FP64 /
// exact-integer reference computed independently in Python
// (test/PTXEmu/Inputs/check_elementwise.py).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#define IDX int i = blockIdx.x * blockDim.x + threadIdx.x; if (i >= n) return

// out[k * n + i] for k = 0..10
extern "C" __global__ void math_f32(const float *x, const float *y,
                                    float *out, int n) {
  IDX;
  const float a = x[i], b = y[i];
  out[0 * n + i] = a * 1.5f + b;          // fma.rn.f32
  out[1 * n + i] = a / b;                 // div.rn.f32 (IEEE)
  out[2 * n + i] = sqrtf(fabsf(a));       // sqrt.rn.f32
  out[3 * n + i] = rsqrtf(fabsf(a) + 1);  // rsqrt.approx.f32
  out[4 * n + i] = expf(b);               // ex2.approx + range reduction
  out[5 * n + i] = sinf(a);               // incl. the Payne-Hanek path
  out[6 * n + i] = __fdividef(a, b);      // div.full / approx
  out[7 * n + i] = fminf(a, b);           // min.f32
  out[8 * n + i] = __saturatef(a);        // .sat
  out[9 * n + i] = logf(fabsf(b) + 1.0f); // lg2.approx based
  out[10 * n + i] = __fmul_rz(a, b);      // mul.rz.f32
  out[11 * n + i] = __fadd_rd(a, b);      // add.rm.f32
  out[12 * n + i] = __fsub_ru(a, b);      // sub.rp.f32
}

extern "C" __global__ void math_f64(const double *x, const double *y,
                                    double *out, int n) {
  IDX;
  const double a = x[i], b = y[i];
  out[0 * n + i] = fma(a, b, 0.25);  // fma.rn.f64
  out[1 * n + i] = a / b;            // div.rn.f64
  out[2 * n + i] = sqrt(fabs(a));    // sqrt.rn.f64
  out[3 * n + i] = exp(b);           // software exp
  out[4 * n + i] = fmax(a, b);       // max.f64
  out[5 * n + i] = __dmul_rz(a, b);  // mul.rz.f64
  out[6 * n + i] = (double)(float)a; // cvt.rn.f32.f64 + cvt.f64.f32
  // nvcc does not inline these helpers: the PTX calls .func bodies
  // (__internal_accurate_pow, the trig slow path), which the emulator
  // inlines.
  out[7 * n + i] = pow(fabs(a), 0.5 * b);
  out[8 * n + i] = sin(a * 1e7);
}

// Packed f16x2: out[k * n + i] for k = 0..7
extern "C" __global__ void half2_ops(const __half2 *a, const __half2 *b,
                                     const __half2 *c, __half2 *out, int n) {
  IDX;
  const __half2 x = a[i], y = b[i], z = c[i];
  out[0 * n + i] = __hadd2(x, y);
  out[1 * n + i] = __hsub2(x, y);
  out[2 * n + i] = __hmul2(x, y);
  out[3 * n + i] = __hfma2(x, y, z);
  out[4 * n + i] = __hmax2(x, y);
  out[5 * n + i] = __hmin2(x, y);
  out[6 * n + i] = __hneg2(x);
  out[7 * n + i] = __hfma2_relu(x, y, z);
}

extern "C" __global__ void bf162_ops(const __nv_bfloat162 *a,
                                     const __nv_bfloat162 *b,
                                     const __nv_bfloat162 *c,
                                     __nv_bfloat162 *out, int n) {
  IDX;
  const __nv_bfloat162 x = a[i], y = b[i], z = c[i];
  out[0 * n + i] = __hadd2(x, y);
  out[1 * n + i] = __hsub2(x, y);
  out[2 * n + i] = __hmul2(x, y);
  out[3 * n + i] = __hfma2(x, y, z);
  out[4 * n + i] = __hmax2(x, y);
  out[5 * n + i] = __hmin2(x, y);
  out[6 * n + i] = __hneg2(x);
  out[7 * n + i] = __hfma2_relu(x, y, z);
}

// Scalar f16 with f32 accumulation the way mixed-precision kernels do it.
extern "C" __global__ void half_scalar(const __half *a, const __half *b,
                                       __half *out, float *outf, int n) {
  IDX;
  const __half x = a[i], y = b[i];
  out[0 * n + i] = __hadd(x, y);
  out[1 * n + i] = __hmul(x, y);
  out[2 * n + i] = __hfma(x, y, __float2half(0.5f));
  out[3 * n + i] = __habs(x);
  outf[i] = __half2float(x) * __half2float(y) + 1.0f;
}

// Conversions.
extern "C" __global__ void convert_ops(const float *x, const double *xd,
                                       uint16_t *h16, int *i32,
                                       unsigned *u32, float *f32,
                                       long long *i64, int n) {
  IDX;
  const float v = x[i];
  const double d = xd[i];
  h16[0 * n + i] = __half_as_ushort(__float2half_rn(v));     // cvt.rn.f16.f32
  h16[1 * n + i] = __half_as_ushort(__float2half_rz(v));     // cvt.rz.f16.f32
  h16[2 * n + i] = __half_as_ushort(__float2half_rd(v));     // cvt.rm.f16.f32
  h16[3 * n + i] = __half_as_ushort(__float2half_ru(v));     // cvt.rp.f16.f32
  h16[4 * n + i] = __bfloat16_as_ushort(__float2bfloat16_rn(v));
  h16[5 * n + i] = __bfloat16_as_ushort(__float2bfloat16_rz(v));
  h16[6 * n + i] = __half_as_ushort(__double2half(d));       // cvt.rn.f16.f64
  h16[7 * n + i] = __bfloat16_as_ushort(__double2bfloat16(d));
  i32[0 * n + i] = __float2int_rn(v);
  i32[1 * n + i] = __float2int_rz(v);
  i32[2 * n + i] = __float2int_rd(v);
  i32[3 * n + i] = __float2int_ru(v);
  i32[4 * n + i] = __double2int_rz(d);
  i32[5 * n + i] = (int)(signed char)__float2int_rz(v); // cvt.s8 style
  u32[0 * n + i] = __float2uint_rz(v);
  u32[1 * n + i] = __float2uint_rn(v);
  f32[0 * n + i] = __half2float(__float2half_rn(v));
  f32[1 * n + i] = __bfloat162float(__float2bfloat16_rn(v));
  f32[2 * n + i] = __int2float_rz((int)(v * 1e5f));
  f32[3 * n + i] = __ll2float_rn((long long)d * 1000003LL);
  f32[4 * n + i] = __double2float_rd(d);
  f32[5 * n + i] = __double2float_ru(d);
  i64[0 * n + i] = __double2ll_rn(d * 1e10);
  i64[1 * n + i] = (long long)__float2uint_rz(v) * 3 - 7;
  __half2 p = __floats2half2_rn(v, v * 3.0f);          // cvt.rn.f16x2.f32
  __nv_bfloat162 q = __floats2bfloat162_rn(v, -v);      // cvt.rn.bf16x2.f32
  u32[2 * n + i] = *(unsigned *)&p;
  u32[3 * n + i] = *(unsigned *)&q;
}

// Integer and bit operations: out[k * n + i] for k = 0..23
extern "C" __global__ void int_ops(const int *a, const int *b, const int *s,
                                   int *out, int n) {
  IDX;
  const int x = a[i], y = b[i];
  const unsigned ux = (unsigned)x, uy = (unsigned)y, sel = (unsigned)s[i];
  out[0 * n + i] = x / y;
  out[1 * n + i] = x % y;
  out[2 * n + i] = (int)(ux / uy);
  out[3 * n + i] = (int)(ux % uy);
  out[4 * n + i] = __mulhi(x, y);
  out[5 * n + i] = (int)__umulhi(ux, uy);
  out[6 * n + i] = __popc(ux);
  out[7 * n + i] = __clz(x);
  out[8 * n + i] = (int)__brev(ux);
  out[9 * n + i] = (int)__byte_perm(ux, uy, sel);
  out[10 * n + i] = (int)__funnelshift_l(ux, uy, sel);
  out[11 * n + i] = (int)__funnelshift_rc(ux, uy, sel);
  out[12 * n + i] = min(x, y);
  out[13 * n + i] = (int)max(ux, uy);
  out[14 * n + i] = x >> (sel & 31);
  out[15 * n + i] = (int)(ux >> (sel & 31));
  out[16 * n + i] = (int)__sad(x, y, 7u);
  out[17 * n + i] = (int)(((long long)x * y) >> 7);
  out[18 * n + i] = abs(x);
  out[19 * n + i] = __ffs(x);
  out[20 * n + i] = (int)((ux >> (sel & 15)) & 0x3ffu);
  out[21 * n + i] = x * y + i;
  out[22 * n + i] = __dp4a(x, y, 5);
  out[23 * n + i] = __usad(ux, uy, 0);
}

// A guarded store and an early exit: out-of-range threads do nothing.
extern "C" __global__ void axpy_f32(const float *x, float *y, float a, int n) {
  IDX;
  y[i] = a * x[i] + y[i];
}
