//===- ExecTest.cpp - Instruction semantics of the PTX emulator -----------===//
//
// Small hand-written PTX kernels whose results are computed by hand from the
// PTX ISA (not from the emulator): integer and bit instructions, floating
// point special cases, conversions, memory spaces, control flow and
// divergence, barriers, warp collectives, cp.async, mma.sync and ldmatrix.
//
//===----------------------------------------------------------------------===//

#include "PTXEmuTestUtil.h"

#include <cmath>
#include <numeric>

using namespace mpt::ptxemu;
using namespace mpt::ptxemu::test;

namespace {

/// Runs `code` (which leaves its u32 result in %r10) on one warp and
/// returns the 32 results.
std::vector<uint32_t> lanes(const std::string &code) {
  return run<uint32_t>(kernel(code + "\n  st.global.u32 [%rd3], %r10;"), 32);
}
/// The same for one thread.
uint32_t one(const std::string &code) {
  auto v = lanes(code);
  return v.empty() ? 0xdeadbeef : v[0];
}
uint64_t one64(const std::string &code) {
  auto v = run<uint64_t>(kernel(code + "\n  st.global.u64 [%rd4], %rd10;"),
                         32);
  return v.empty() ? 0xdeadbeef : v[0];
}
float oneF(const std::string &code) {
  auto v = run<float>(kernel(code + "\n  st.global.f32 [%rd3], %f10;"), 32);
  return v.empty() ? NAN : v[0];
}

// Integer ----------------------------------------------------------------------

TEST(ExecTest, IntegerArithmetic) {
  EXPECT_EQ(one("add.sat.s32 %r10, 2147483647, 5;"), 2147483647u);
  EXPECT_EQ(one("sub.sat.s32 %r10, -2147483647, 5;"), 0x80000000u);
  EXPECT_EQ(one("add.s32 %r10, 2147483647, 1;"), 0x80000000u); // wraps
  EXPECT_EQ(one("mul.hi.s32 %r10, -3, 5;"), 0xffffffffu);
  EXPECT_EQ(one("mul.hi.u32 %r10, -3, 5;"), 4u);
  EXPECT_EQ(one("mul.lo.s32 %r10, 65536, 65537;"), 65536u);
  EXPECT_EQ(one64("mul.wide.s32 %rd10, -2, 1073741824;"),
            (uint64_t)-2147483648LL);
  EXPECT_EQ(one64("mul.wide.u32 %rd10, -2, 2;"), 0x1fffffffcull);
  EXPECT_EQ(one("mul.wide.s16 %r10, -300, 300;"), (uint32_t)-90000);
  EXPECT_EQ(one64("mad.wide.u32 %rd10, -1, -1, 5;"), 0xfffffffe00000006ull);
  EXPECT_EQ(one64("mul.hi.u64 %rd10, -1, -1;"), 0xfffffffffffffffeull);
  EXPECT_EQ(one64("mul.hi.s64 %rd10, -1, -1;"), 0u);
  EXPECT_EQ(one("mad.lo.s32 %r10, 7, 6, -2;"), 40u);
  EXPECT_EQ(one("mad.hi.s32 %r10, 65536, 65536, 3;"), 4u);
  EXPECT_EQ(one("mul24.lo.u32 %r10, 0x1000003, 2;"), 6u); // bits above 24 ignored
  EXPECT_EQ(one("mul24.hi.u32 %r10, 0xffffff, 0xffffff;"), 0xfffffe00u);
  EXPECT_EQ(one("div.s32 %r10, -7, 2;"), (uint32_t)-3);
  EXPECT_EQ(one("rem.s32 %r10, -7, 2;"), (uint32_t)-1);
  EXPECT_EQ(one("div.u32 %r10, 7, 0;"), 0xffffffffu);
  EXPECT_EQ(one("rem.u32 %r10, 7, 0;"), 7u);
  EXPECT_EQ(one("div.s32 %r10, -2147483648, -1;"), 0x80000000u);
  EXPECT_EQ(one("abs.s32 %r10, -2147483648;"), 0x80000000u);
  EXPECT_EQ(one("neg.s32 %r10, 5;"), (uint32_t)-5);
  EXPECT_EQ(one("min.s32 %r10, -5, 3;"), (uint32_t)-5);
  EXPECT_EQ(one("min.u32 %r10, -5, 3;"), 3u);
  EXPECT_EQ(one("max.relu.s32 %r10, -5, -3;"), 0u);
  EXPECT_EQ(one("sad.u32 %r10, 3, 10, 100;"), 107u);
  EXPECT_EQ(one("dp4a.u32.s32 %r10, 0x01020304, 0xff010203, 10;"),
            10u + 4 * 3 + 3 * 2 + 2 * 1 + 1 * (uint32_t)-1);
  // 16-bit registers.
  EXPECT_EQ(one("mov.u16 %h1, 65535;\n add.u16 %h2, %h1, 2;\n"
                "cvt.u32.u16 %r10, %h2;"),
            1u);
}

TEST(ExecTest, CarryChains) {
  // 64-bit add from 32-bit halves: 0x00000001_ffffffff + 0x00000002_00000001.
  EXPECT_EQ(one("add.cc.u32 %r1, -1, 1;\n addc.u32 %r10, 1, 2;"), 4u);
  EXPECT_EQ(one("add.cc.u32 %r1, 5, 1;\n addc.u32 %r10, 1, 2;"), 3u);
  // Borrow: 0x1_00000000 - 1 -> high word 0.
  EXPECT_EQ(one("sub.cc.u32 %r1, 0, 1;\n subc.u32 %r10, 1, 0;"), 0u);
}

TEST(ExecTest, MultiplyAddCarryChains) {
  // (2^32-1)^2 = 0xfffffffe_00000001; adding c to the low word carries into
  // the high word when it overflows.
  EXPECT_EQ(one("mad.lo.cc.u32 %r1, -1, -1, 2;\n madc.hi.u32 %r10, -1, -1, 0;"),
            0xfffffffeu);
  EXPECT_EQ(one("mad.lo.cc.u32 %r1, -1, -1, -1;\n madc.hi.u32 %r10, -1, -1, 0;"),
            0xffffffffu);
  EXPECT_EQ(one("mad.lo.cc.u32 %r10, -1, -1, -1;"), 0u);
}

TEST(ExecTest, InlineAsmStyleBlocks) {
  // nvcc's inline asm: `.reg.b32` without a space, names without '%',
  // set with an f16 destination, hex literals with X and U.
  EXPECT_EQ(one(R"({.reg.b16 h, p;
  mov.b16 h, 0X3C00U;
  set.eq.f16.f16 p, h, h;
  cvt.u32.u16 %r10, p;
})"),
            0x3c00u);
  // low halves 2 < 1 false, high halves 1 < 2 true
  EXPECT_EQ(one("set.lt.f16x2.f16x2 %r10, 0x3c004000, 0x40003c00;"),
            0x3c000000u);
}

TEST(ExecTest, BitInstructions) {
  EXPECT_EQ(one("shl.b32 %r10, 1, 31;"), 0x80000000u);
  EXPECT_EQ(one("shl.b32 %r10, 1, 32;"), 0u);
  EXPECT_EQ(one("shr.s32 %r10, -8, 40;"), 0xffffffffu);
  EXPECT_EQ(one("shr.u32 %r10, -8, 40;"), 0u);
  EXPECT_EQ(one("shr.s32 %r10, -8, 1;"), (uint32_t)-4);
  EXPECT_EQ(one("bfe.u32 %r10, 0xabcd1234, 8, 8;"), 0x12u);
  EXPECT_EQ(one("bfe.s32 %r10, 0xabcd1234, 12, 8;"), 0xffffffd1u);
  EXPECT_EQ(one("bfe.s32 %r10, 0x80000000, 28, 10;"), 0xfffffff8u);
  EXPECT_EQ(one("bfe.u32 %r10, 0xabcd1234, 8, 0;"), 0u);
  EXPECT_EQ(one("bfi.b32 %r10, 0xff, 0x12345678, 8, 4;"), 0x12345f78u);
  EXPECT_EQ(one("bfind.u32 %r10, 0x00010000;"), 16u);
  EXPECT_EQ(one("bfind.u32 %r10, 0;"), 0xffffffffu);
  EXPECT_EQ(one("bfind.s32 %r10, -2;"), 0u);
  EXPECT_EQ(one("bfind.shiftamt.u32 %r10, 0x00010000;"), 15u);
  EXPECT_EQ(one("brev.b32 %r10, 1;"), 0x80000000u);
  EXPECT_EQ(one64("brev.b64 %rd10, 3;"), 0xc000000000000000ull);
  EXPECT_EQ(one("clz.b32 %r10, 0x00800000;"), 8u);
  EXPECT_EQ(one("clz.b32 %r10, 0;"), 32u);
  EXPECT_EQ(one("clz.b64 %r10, 1;"), 63u);
  EXPECT_EQ(one("popc.b64 %r10, -1;"), 64u);
  EXPECT_EQ(one("prmt.b32 %r10, 0x33221100, 0x77665544, 0x7531;"),
            0x77553311u);
  EXPECT_EQ(one("prmt.b32 %r10, 0x33221100, 0x77665544, 0x8888;"), 0u);
  // Bit 3 of a selector nibble replicates the sign of the selected byte.
  EXPECT_EQ(one("prmt.b32 %r10, 0x332211f0, 0x77665544, 0x0008;"),
            0xf0f0f0ffu);
  EXPECT_EQ(one("prmt.b32.f4e %r10, 0x33221100, 0x77665544, 1;"), 0x44332211u);
  // b4e, selector 0: bytes (b3..b0) = 5, 6, 7, 0
  EXPECT_EQ(one("prmt.b32.b4e %r10, 0x33221100, 0x77665544, 0;"), 0x55667700u);
  // ecl, selector 1: 3, 2, 1, 1; ecr, selector 2: 2, 2, 1, 0
  EXPECT_EQ(one("prmt.b32.ecl %r10, 0x33221100, 0x77665544, 1;"), 0x33221111u);
  EXPECT_EQ(one("prmt.b32.ecr %r10, 0x33221100, 0x77665544, 2;"), 0x22221100u);
  EXPECT_EQ(one("prmt.b32.rc8 %r10, 0x33221100, 0x77665544, 2;"), 0x22222222u);
  EXPECT_EQ(one("lop3.b32 %r10, 0xf0f0, 0xcccc, 0xaaaa, 0x96;"),
            0xf0f0u ^ 0xccccu ^ 0xaaaau);
  EXPECT_EQ(one("lop3.b32 %r10, 0xf0f0, 0xcccc, 0xaaaa, 0xe8;"), // majority
            (0xf0f0u & 0xccccu) | (0xf0f0u & 0xaaaau) | (0xccccu & 0xaaaau));
  EXPECT_EQ(one("shf.l.wrap.b32 %r10, 0x80000000, 1, 33;"), 3u);
  EXPECT_EQ(one("shf.l.clamp.b32 %r10, 0x80000000, 1, 33;"), 0x80000000u);
  EXPECT_EQ(one("shf.r.wrap.b32 %r10, 0x10, 1, 4;"), 0x10000001u);
  EXPECT_EQ(one("cnot.b32 %r10, 0;"), 1u);
  EXPECT_EQ(one("not.b32 %r10, 0xf;"), 0xfffffff0u);
  EXPECT_EQ(one("xor.b32 %r10, 6, 3;"), 5u);
}

TEST(ExecTest, PredicatesAndSelects) {
  EXPECT_EQ(one("setp.lt.s32 %p1, -1, 0;\n selp.u32 %r10, 1, 2, %p1;"), 1u);
  EXPECT_EQ(one("setp.lt.u32 %p1, -1, 0;\n selp.u32 %r10, 1, 2, %p1;"), 2u);
  EXPECT_EQ(one("setp.hi.u32 %p1, -1, 0;\n selp.u32 %r10, 1, 2, %p1;"), 1u);
  // p|q and a boolean combination: p = (1<2) and !p2, q = !(1<2) and !p2.
  EXPECT_EQ(one("setp.eq.u32 %p2, 0, 1;\n"
                "setp.lt.and.s32 %p3|%p4, 1, 2, !%p2;\n"
                "selp.u32 %r1, 1, 0, %p3;\n selp.u32 %r2, 2, 0, %p4;\n"
                "or.b32 %r10, %r1, %r2;"),
            1u);
  EXPECT_EQ(one("set.gt.u32.s32 %r10, 5, 3;"), 0xffffffffu);
  EXPECT_EQ(one("set.gt.f32.s32 %r10, 5, 3;"), 0x3f800000u);
  EXPECT_EQ(one("slct.u32.s32 %r10, 7, 8, -1;"), 8u);
  EXPECT_EQ(one("mov.pred %p1, 1;\n not.pred %p2, %p1;\n"
                "selp.u32 %r10, 1, 2, %p2;"),
            2u);
}

// Floating point ---------------------------------------------------------------

TEST(ExecTest, FloatSpecialCases) {
  // min/max: NaN is ignored unless .NaN, -0 < +0.
  EXPECT_EQ(oneF("min.f32 %f10, 0fFFC00000, 0f3F800000;"), 1.0f);
  EXPECT_TRUE(std::isnan(oneF("min.NaN.f32 %f10, 0fFFC00000, 0f3F800000;")));
  EXPECT_EQ(bitsF(oneF("min.f32 %f10, 0f00000000, 0f80000000;")), 0x80000000u);
  EXPECT_EQ(bitsF(oneF("max.f32 %f10, 0f80000000, 0f00000000;")), 0u);
  EXPECT_EQ(oneF("max.xorsign.abs.f32 %f10, 0fC0000000, 0f3F800000;"), -2.0f);
  EXPECT_EQ(oneF("copysign.f32 %f10, 0fBF800000, 0f40000000;"), -2.0f);
  EXPECT_EQ(oneF("div.rn.f32 %f10, 0f3F800000, 0f00000000;"), INFINITY);
  EXPECT_TRUE(std::isnan(oneF("sqrt.rn.f32 %f10, 0fBF800000;")));
  // .ftz flushes subnormal inputs and results; without it they are kept.
  EXPECT_EQ(bitsF(oneF("add.ftz.f32 %f10, 0f00000001, 0f00000001;")), 0u);
  EXPECT_EQ(bitsF(oneF("add.f32 %f10, 0f00000001, 0f00000001;")), 2u);
  EXPECT_EQ(bitsF(oneF("mul.ftz.f32 %f10, 0f80800000, 0f3F000000;")),
            0x80000000u);
  EXPECT_EQ(oneF("fma.rn.sat.f32 %f10, 0f40000000, 0f40000000, 0f00000000;"),
            1.0f);
  EXPECT_EQ(bitsF(oneF("fma.rn.sat.f32 %f10, 0fBF800000, 0f40000000, 0f00000000;")),
            0u);
  EXPECT_EQ(oneF("add.rz.f32 %f10, 0f3F800000, 0f33800000;"), 1.0f);
  EXPECT_EQ(oneF("add.rp.f32 %f10, 0f3F800000, 0f33800000;"),
            std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(oneF("ex2.approx.ftz.f32 %f10, 0f40400000;"), 8.0f);
  EXPECT_EQ(oneF("lg2.approx.f32 %f10, 0f41000000;"), 3.0f);
  EXPECT_EQ(oneF("rcp.rn.f32 %f10, 0f40800000;"), 0.25f);
  EXPECT_EQ(oneF("rsqrt.approx.f32 %f10, 0f40800000;"), 0.5f);
  EXPECT_EQ(oneF("testp.subnormal.f32 %p1, 0f00000001;\n"
                 "selp.f32 %f10, 0f3F800000, 0f00000000, %p1;"),
            1.0f);
  EXPECT_EQ(oneF("neg.f32 %f10, 0f00000000;"), -0.0f);
  EXPECT_TRUE(std::signbit(oneF("neg.f32 %f10, 0f00000000;")));
  // Unordered comparisons are true on NaN, ordered ones false.
  EXPECT_EQ(one("setp.ltu.f32 %p1, 0f7FC00000, 0f3F800000;\n"
                "setp.lt.f32 %p2, 0f7FC00000, 0f3F800000;\n"
                "selp.u32 %r1, 1, 0, %p1;\n selp.u32 %r2, 2, 0, %p2;\n"
                "or.b32 %r10, %r1, %r2;"),
            1u);
  EXPECT_EQ(one("setp.nan.f32 %p1, 0f7FC00000, 0f3F800000;\n"
                "selp.u32 %r10, 1, 0, %p1;"),
            1u);
}

TEST(ExecTest, Float64) {
  auto d = [](const std::string &code) {
    auto v = run<double>(kernel(code + "\n  st.global.f64 [%rd4], %fd1;"), 32);
    return v.empty() ? NAN : v[0];
  };
  EXPECT_EQ(d("div.rn.f64 %fd1, 0d3FF0000000000000, 0d4008000000000000;"),
            1.0 / 3.0);
  // RN(1/3) is below 1/3, so .rp is one ulp above it.
  EXPECT_EQ(d("div.rp.f64 %fd1, 0d3FF0000000000000, 0d4008000000000000;"),
            std::nextafter(1.0 / 3.0, 1.0));
  EXPECT_EQ(d("div.rz.f64 %fd1, 0d3FF0000000000000, 0d4008000000000000;"),
            1.0 / 3.0);
  // (1 + 2^-52)(1 - 2^-53) - 1, fused: 2^-53 - 2^-105, exactly.
  EXPECT_EQ(d("fma.rn.f64 %fd1, 0d3FF0000000000001, 0d3FEFFFFFFFFFFFFF, "
              "0dBFF0000000000000;"),
            std::ldexp(1.0, -53) - std::ldexp(1.0, -105));
  EXPECT_EQ(d("max.f64 %fd1, 0d7FF8000000000000, 0d4000000000000000;"), 2.0);
  EXPECT_EQ(d("sqrt.rn.f64 %fd1, 0d4000000000000000;"), std::sqrt(2.0));
  EXPECT_EQ(d("abs.f64 %fd1, 0dC000000000000000;"), 2.0);
  EXPECT_EQ(d("rcp.approx.ftz.f64 %fd1, 0d4010000000000000;"), 0.25);
  EXPECT_EQ(d("rcp.approx.ftz.f64 %fd1, 0d0000000000000001;"), INFINITY);
}

TEST(ExecTest, HalfPrecisionArithmetic) {
  auto h = [](const std::string &code) {
    auto v = lanes(code + "\n  mov.b32 %r10, {%h5, %h6};");
    return v.empty() ? 0xdeadbeefu : v[0] & 0xffff;
  };
  EXPECT_EQ(h("mov.b16 %h1, 0x7bff;\n add.f16 %h5, %h1, %h1;"), 0x7c00u);
  // 1 + 2^-11 is a tie between 1 and 1 + 2^-10: to even.
  EXPECT_EQ(h("mov.b16 %h1, 0x3c00;\n mov.b16 %h2, 0x1000;\n"
              "add.f16 %h5, %h1, %h2;"),
            0x3c00u);
  EXPECT_EQ(h("mov.b16 %h1, 0x3c00;\n mov.b16 %h2, 0x1001;\n"
              "add.f16 %h5, %h1, %h2;"),
            0x3c01u);
  // fma.rn.f16 rounds once: a*b = 2^-11 (1 - 2^-20) and c = 1 + 2^-10 give
  // 1 + 3 * 2^-11 - 2^-31, just below a tie: the answer is 0x3c01, while
  // rounding through f32 first would land on the tie and pick 0x3c02.
  EXPECT_EQ(h("mov.b16 %h1, 0x1001;\n mov.b16 %h2, 0x3bfe;\n"
              "mov.b16 %h3, 0x3c01;\n fma.rn.f16 %h5, %h1, %h2, %h3;"),
            0x3c01u);
  EXPECT_EQ(h("mov.b16 %h1, 0xbc00;\n mov.b16 %h2, 0x3c00;\n"
              "mov.b16 %h3, 0x0000;\n fma.rn.relu.f16 %h5, %h1, %h2, %h3;"),
            0u);
  EXPECT_EQ(h("mov.b16 %h1, 0x0001;\n mov.b16 %h2, 0x3c00;\n"
              "mul.ftz.f16 %h5, %h1, %h2;"),
            0u);
  EXPECT_EQ(h("mov.b16 %h1, 0x4000;\n mov.b16 %h2, 0x3c00;\n"
              "mul.rn.sat.f16 %h5, %h1, %h2;"),
            0x3c00u);
  EXPECT_EQ(h("mov.b16 %h1, 0x8000;\n mov.b16 %h2, 0x0000;\n"
              "max.f16 %h5, %h1, %h2;"),
            0x0000u);
  // bf16: fma.rn.bf16 with -0.0 as c is a multiply.
  EXPECT_EQ(h("mov.b16 %h1, 0x3fc0;\n mov.b16 %h2, 0x4040;\n"
              "mov.b16 %h3, 0x8000;\n fma.rn.bf16 %h5, %h1, %h2, %h3;"),
            0x4090u); // 1.5 * 3 = 4.5
  // Packed: lanes are independent, a in the low half.
  EXPECT_EQ(one("mov.b32 %r1, 0x40003c00;\n mov.b32 %r2, 0x3c003c00;\n"
                "add.rn.f16x2 %r10, %r1, %r2;"),
            0x42004000u);
  EXPECT_EQ(one("mov.b32 %r1, 0x40003c00;\n neg.bf16x2 %r10, %r1;"),
            0xc000bc00u);
}

TEST(ExecTest, Conversions) {
  EXPECT_EQ(one("cvt.rni.s32.f32 %r10, 0f40200000;"), 2u);  // 2.5 -> 2
  EXPECT_EQ(one("cvt.rni.s32.f32 %r10, 0f40600000;"), 4u);  // 3.5 -> 4
  EXPECT_EQ(one("cvt.rmi.s32.f32 %r10, 0fC0200000;"), (uint32_t)-3);
  EXPECT_EQ(one("cvt.rzi.s32.f32 %r10, 0f7FC00000;"), 0u); // NaN -> 0
  EXPECT_EQ(one("cvt.rzi.s32.f32 %r10, 0f4F800000;"), 0x7fffffffu);
  EXPECT_EQ(one("cvt.rzi.u8.f32 %r10, 0f43960000;"), 255u); // 300 saturates
  EXPECT_EQ(one("cvt.u8.u32 %r10, 300;"), 44u);           // truncates
  EXPECT_EQ(one("cvt.s8.s32 %r10, 200;"), (uint32_t)-56);
  EXPECT_EQ(one("cvt.sat.s8.s32 %r10, 200;"), 127u);
  EXPECT_EQ(one("cvt.sat.u16.s32 %r10, -5;"), 0u);
  EXPECT_EQ(one64("cvt.s64.s32 %rd10, -5;"), (uint64_t)-5);
  EXPECT_EQ(one64("cvt.u64.s32 %rd10, -5;"), (uint64_t)-5); // sign of source
  EXPECT_EQ(one64("cvt.u64.u32 %rd10, -5;"), 0xfffffffbull);
  EXPECT_EQ(one("cvt.rn.f32.u64 %r10, -1;"), 0x5f800000u);
  EXPECT_EQ(one("cvt.rz.f32.u64 %r10, -1;"), 0x5f7fffffu);
  EXPECT_EQ(one("cvt.rn.f32.s32 %r10, 16777217;"), 0x4b800000u); // tie even
  EXPECT_EQ(one("cvt.rp.f32.s32 %r10, 16777217;"), 0x4b800001u);
  EXPECT_EQ(one("cvt.rn.f16.f32 %h5, 0f477FF000;\n cvt.u32.u16 %r10, %h5;"),
            0x7c00u);
  EXPECT_EQ(one("cvt.rz.f16.f32 %h5, 0f477FF000;\n cvt.u32.u16 %r10, %h5;"),
            0x7bffu);
  EXPECT_EQ(one("cvt.rn.satfinite.f16.f32 %h5, 0f7F800000;\n"
                "cvt.u32.u16 %r10, %h5;"),
            0x7bffu);
  EXPECT_EQ(one("cvt.rn.relu.f16.f32 %h5, 0fBF800000;\n cvt.u32.u16 %r10, %h5;"),
            0u);
  EXPECT_EQ(one("cvt.rn.bf16.f32 %h5, 0f3F808000;\n cvt.u32.u16 %r10, %h5;"),
            0x3f80u);
  EXPECT_EQ(one("mov.b16 %h1, 0x3f81;\n cvt.f32.bf16 %f1, %h1;\n"
                "mov.b32 %r10, %f1;"),
            0x3f810000u);
  EXPECT_EQ(one("mov.b16 %h1, 0x0001;\n cvt.f32.f16 %f1, %h1;\n"
                "mov.b32 %r10, %f1;"),
            0x33800000u); // 2^-24
  // a goes to the upper half.
  EXPECT_EQ(one("cvt.rn.f16x2.f32 %r10, 0f40000000, 0f3F800000;"),
            0x40003c00u);
  EXPECT_EQ(one("cvt.rn.bf16x2.f32 %r10, 0f40000000, 0f3F800000;"),
            0x40003f80u);
  EXPECT_EQ(one("cvt.rna.tf32.f32 %r10, 0f3F801000;"), 0x3f802000u); // tie away
  EXPECT_EQ(one("cvt.rni.f32.f32 %r10, 0f40200000;"), 0x40000000u);
  EXPECT_EQ(one("cvt.ftz.f32.f32 %r10, 0f80000001;"), 0x80000000u);
  EXPECT_EQ(one("cvt.sat.f32.f32 %r10, 0f40000000;"), 0x3f800000u);
  // .sat maps NaN to +0.0 (the ISA's rule, as for add.sat), in every
  // direction and with a rounding mode; without .sat NaN stays NaN.
  EXPECT_EQ(one("cvt.sat.f32.f32 %r10, 0f7FC00000;"), 0u);
  EXPECT_EQ(one("cvt.sat.f32.f32 %r10, 0fFFC00001;"), 0u);
  EXPECT_EQ(one("cvt.rni.sat.f32.f32 %r10, 0f7FC00000;"), 0u);
  EXPECT_EQ(one("cvt.rn.sat.f32.f64 %r10, 0d7FF8000000000000;"), 0u);
  EXPECT_EQ(one("cvt.rn.sat.f16.f32 %h5, 0f7FC00000;\n cvt.u32.u16 %r10, %h5;"),
            0u);
  EXPECT_EQ(one("cvt.rn.sat.bf16.f32 %h5, 0f7FC00000;\n"
                "cvt.u32.u16 %r10, %h5;"),
            0u);
  EXPECT_EQ(one("mov.b16 %h1, 0x7e00;\n cvt.sat.f32.f16 %f1, %h1;\n"
                "mov.b32 %r10, %f1;"),
            0u);
  EXPECT_EQ(one("cvt.rn.f16.f32 %h5, 0f7FC00000;\n cvt.u32.u16 %r10, %h5;"),
            0x7fffu);
  EXPECT_EQ(one("cvt.sat.f32.f32 %r10, 0fBF800000;"), 0u); // -1 -> +0
  EXPECT_EQ(one("cvt.rn.f32.f64 %r10, 0d3FF0000010000000;"), 0x3f800000u);
  EXPECT_EQ(one("cvt.rp.f32.f64 %r10, 0d3FF0000010000000;"), 0x3f800001u);
  EXPECT_EQ(one("cvt.rn.f16.f64 %h5, 0d3FF0020000000001;\n"
                "cvt.u32.u16 %r10, %h5;"),
            0x3c01u); // just above the tie, rounded once
}

// Memory ---------------------------------------------------------------------

TEST(ExecTest, VectorLoadsStoresAndSpaces) {
  const std::string ptx = kernel(R"(
  // vector store then load back through global and generic addressing
  cvt.rn.f32.u32 %f1, %r0;
  add.f32 %f2, %f1, 0f3F000000;
  mul.wide.u32 %rd5, %r0, 16;
  add.s64 %rd6, %rd1, %rd5;
  st.global.v4.f32 [%rd6], {%f1, %f2, %f1, %f2};
  ld.v2.f32 {%f3, %f4}, [%rd6+8];
  // shared via a generic pointer, local via the depot
  mov.u32 %r1, sh;
  shl.b32 %r2, %r0, 2;
  add.u32 %r3, %r1, %r2;
  st.shared.f32 [%r3], %f4;
  cvta.shared.u64 %rd7, sh;
  cvt.u64.u32 %rd8, %r2;
  add.s64 %rd9, %rd7, %rd8;
  ld.f32 %f5, [%rd9];
  mov.u64 %rd10, depot;
  cvta.local.u64 %rd11, %rd10;
  st.local.f32 [depot+4], %f5;
  ld.f32 %f6, [%rd11+4];
  ld.const.f32 %f7, [cst+4];
  add.f32 %f8, %f6, %f7;
  st.global.f32 [%rd6+12], %f8;
  // sign extension of narrow loads
  st.global.u8 [%rd6], 200;
  ld.global.s8 %r5, [%rd6];
  st.global.u32 [%rd6], %r5;
)", "", ".const .align 4 .f32 cst[2] = {0f00000000, 0f41200000};\n");
  const std::string full =
      ptx.substr(0, ptx.find("{\n  .reg")) + "{\n  .shared .align 4 .b8 sh[128];\n"
      "  .local .align 8 .b8 depot[16];\n" + ptx.substr(ptx.find("  .reg"));
  auto out = run<float>(full, 128);
  ASSERT_EQ(out.size(), 128u);
  for (int t = 0; t < 32; ++t) {
    EXPECT_EQ(out[4 * t + 1], t + 0.5f) << t;
    EXPECT_EQ(out[4 * t + 2], (float)t) << t;
    EXPECT_EQ(out[4 * t + 3], t + 0.5f + 10.0f) << t; // f4 = f2, + cst[1]
    EXPECT_EQ(bitsF(out[4 * t]), (uint32_t)-56) << t;
  }
}

TEST(ExecTest, Atomics) {
  const std::string ptx = kernel(R"(
  atom.global.add.u32 %r1, [%rd1], 1;
  atom.global.max.s32 %r2, [%rd1+4], %r0;
  atom.global.min.s32 %r2, [%rd1+8], %r0;
  atom.global.inc.u32 %r2, [%rd1+12], 9;
  atom.global.dec.u32 %r2, [%rd1+16], 9;
  atom.global.cas.b32 %r2, [%rd1+20], %r0, 100;
  red.global.add.f32 [%rd1+24], 0f3F000000;
  atom.shared.add.u32 %r3, [sh], 2;
  bar.sync 0;
  ld.shared.u32 %r4, [sh];
  setp.eq.u32 %p1, %r0, 0;
  @%p1 st.global.u32 [%rd1+28], %r4;
  atom.global.exch.b32 %r5, [%rd1+32], %r0;
  // f32 add flushes subnormals on global memory but not on shared.
  atom.global.add.f32 %f1, [%rd1+36], 0f00000001;
  atom.shared.add.f32 %f2, [sh+4], 0f00000001;
  bar.sync 0;
  @%p1 ld.shared.f32 %f3, [sh+4];
  @%p1 st.global.f32 [%rd1+40], %f3;
  atom.global.cas.b64 %rd12, [%rd1+48], 0, %rd1;
)");
  const std::string full =
      ptx.substr(0, ptx.find("  .reg")) +
      "  .shared .align 4 .b8 sh[8];\n" + ptx.substr(ptx.find("  .reg"));
  std::string err;
  auto mod = Module::load(full, err);
  ASSERT_TRUE(mod) << err;
  Device dev;
  DevicePtr out = dev.alloc(64);
  uint32_t init[16] = {0, 0x80000000u, 0x7fffffffu, 0, 0, 5, 0, 0,
                       0, 0, 0, 0, 0, 0, 0, 0};
  ASSERT_TRUE(dev.memcpyHtoD(out, init, 64, err));
  // Shared memory starts as 0xff: initialise it first with a tiny prologue.
  // (sh is set below by the first atomics of thread 0 on a zeroed copy.)
  LaunchOptions opts;
  opts.uninitializedFill = 0;
  auto r = dev.launch(*mod, "k", {1, 1, 1}, {64, 1, 1}, 0,
                      {KernelArg::ptr(out)}, opts);
  ASSERT_TRUE(r.ok) << r.error;
  uint32_t h[16];
  ASSERT_TRUE(dev.memcpyDtoH(h, out, 64, err));
  EXPECT_EQ(h[0], 64u);
  EXPECT_EQ(h[1], 63u);
  EXPECT_EQ(h[2], 0u);
  EXPECT_EQ(h[3], 64u % 10); // inc wraps to 0 after 9
  EXPECT_EQ(h[4], 6u);       // dec: 0 -> 9, then down: 64 steps
  EXPECT_EQ(h[5], 100u);     // thread 5 swapped 5 -> 100
  EXPECT_EQ(floatB(h[6]), 32.0f);
  EXPECT_EQ(h[7], 128u);
  EXPECT_LT(h[8], 64u);
  EXPECT_EQ(h[9], 0u);                  // flushed each time
  EXPECT_EQ(h[10], 64u);                // 64 subnormal quanta, kept
  uint64_t p;
  ASSERT_TRUE(dev.memcpyDtoH(&p, out + 48, 8, err));
  EXPECT_EQ(p, out);
}

// Control flow -------------------------------------------------------------

TEST(ExecTest, NestedDivergenceAndLoopsWithDivergentTripCounts) {
  // r10 = sum_{k < tid % 7} (k odd ? k : 2k), with an early exit at 20 and
  // an if/else inside the loop; then all lanes must be reconverged for the
  // shuffle that follows.
  const std::string code = R"(
  rem.u32 %r1, %r0, 7;
  mov.u32 %r2, 0;
  mov.u32 %r10, 0;
$L_loop:
  setp.ge.u32 %p1, %r2, %r1;
  @%p1 bra $L_done;
  and.b32 %r3, %r2, 1;
  setp.eq.u32 %p2, %r3, 1;
  @%p2 bra $L_odd;
  shl.b32 %r4, %r2, 1;
  add.u32 %r10, %r10, %r4;
  bra.uni $L_next;
$L_odd:
  add.u32 %r10, %r10, %r2;
$L_next:
  add.u32 %r2, %r2, 1;
  setp.gt.u32 %p3, %r10, 20;
  @%p3 bra $L_done;
  bra.uni $L_loop;
$L_done:
  shfl.sync.bfly.b32 %r11, %r10, 1, 31, -1;
  mad.lo.u32 %r10, %r11, 1000, %r10;
)";
  auto v = lanes(code);
  ASSERT_EQ(v.size(), 32u);
  std::vector<uint32_t> base(32);
  for (int t = 0; t < 32; ++t) {
    uint32_t s = 0;
    for (uint32_t k = 0; k < (uint32_t)t % 7; ++k) {
      s += (k & 1) ? k : 2 * k;
      if (s > 20)
        break;
    }
    base[t] = s;
  }
  for (int t = 0; t < 32; ++t)
    EXPECT_EQ(v[t], base[t ^ 1] * 1000 + base[t]) << t;
}

TEST(ExecTest, ActiveMaskFollowsDivergence) {
  auto v = lanes(R"(
  and.b32 %r1, %r0, 3;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 bra $L_a;
  activemask.b32 %r10;
  bra.uni $L_end;
$L_a:
  activemask.b32 %r10;
$L_end:
)");
  ASSERT_EQ(v.size(), 32u);
  for (int t = 0; t < 32; ++t)
    EXPECT_EQ(v[t], t % 4 == 0 ? 0x11111111u : 0xeeeeeeeeu) << t;
}

TEST(ExecTest, LanesReconvergeAfterAnIfThen) {
  auto v = lanes(R"(
  and.b32 %r1, %r0, 1;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 bra $L_join;
  add.u32 %r2, %r2, 1;
  add.u32 %r2, %r2, 1;
$L_join:
  activemask.b32 %r10;
)");
  ASSERT_EQ(v.size(), 32u);
  for (int t = 0; t < 32; ++t)
    EXPECT_EQ(v[t], 0xffffffffu) << t;
}

TEST(ExecTest, ACollectiveStopsWaitingForLanesThatExit) {
  // Lanes 0-15 reach the shuffle first and wait for 16-31, which then exit:
  // shfl.sync waits only for non-exited lanes of its membermask.
  auto v = run<uint32_t>(kernel(R"(
  st.global.u32 [%rd3], 7;
  setp.lt.u32 %p1, %r0, 16;
  @%p1 bra $L_work;
  bra.uni $L_exit;
$L_work:
  shfl.sync.bfly.b32 %r10, %r0, 1, 31, -1;
  st.global.u32 [%rd3], %r10;
$L_exit:
  exit;
)"),
                         32);
  ASSERT_EQ(v.size(), 32u);
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(v[t], t < 16 ? (t ^ 1) : 7u) << t;
}

TEST(ExecTest, PartialExitKeepsTheRestRunning) {
  auto v = run<uint32_t>(kernel(R"(
  st.global.u32 [%rd3], 7;
  setp.gt.u32 %p1, %r0, 40;
  @%p1 exit;
  activemask.b32 %r1;
  st.global.u32 [%rd3], %r1;
)"),
                         64, {1, 1, 1}, {64, 1, 1});
  ASSERT_EQ(v.size(), 64u);
  EXPECT_EQ(v[0], 0xffffffffu);
  EXPECT_EQ(v[40], 0x1ffu); // lanes 32..40 of warp 1
  EXPECT_EQ(v[41], 7u);
}

TEST(ExecTest, CallsAreInlined) {
  // sq3 is defined after the kernel, calls twice (nested), uses its own
  // local depot and labels and returns an aggregate; one call is guarded.
  const std::string ptx = module(R"(
.func (.param .align 8 .b8 r[8]) sq3(.param .b32 a);

.visible .entry k(.param .u64 out)
{
  .reg .pred %p<2>;
  .reg .b32 %r<8>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mov.u32 %r5, 1000;
  {
  .param .b32 param0;
  st.param.b32 [param0], %r1;
  .param .align 8 .b8 retval0[8];
  call.uni (retval0), sq3, (param0);
  ld.param.b32 %r2, [retval0];
  ld.param.b32 %r3, [retval0+4];
  }
  setp.lt.u32 %p1, %r1, 4;
  {
  .param .b32 param0;
  st.param.b32 [param0], %r2;
  .param .align 8 .b8 retval0[8];
  @%p1 call.uni (retval0), sq3, (param0);
  @%p1 ld.param.b32 %r5, [retval0];
  }
  add.u32 %r4, %r2, %r3;
  add.u32 %r4, %r4, %r5;
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r4;
  ret;
}

// r = {x*x, (x odd ? 1 : 2)} via a helper
.func (.param .align 8 .b8 r[8]) sq3(.param .b32 a)
{
  .reg .pred %p<2>;
  .reg .b32 %r<6>;
  .local .align 4 .b8 depot[8];
  ld.param.b32 %r1, [a];
  st.local.u32 [depot+4], %r1;
  ld.local.u32 %r2, [depot+4];
  mul.lo.u32 %r3, %r2, %r2;
  st.param.b32 [r], %r3;
  and.b32 %r4, %r1, 1;
  setp.eq.u32 %p1, %r4, 1;
  @%p1 bra $L_odd;
  st.param.b32 [r+4], 2;
  ret;
$L_odd:
  st.param.b32 [r+4], 1;
  ret;
}
)");
  std::string err;
  auto m = Module::load(ptx, err);
  ASSERT_TRUE(m) << err;
  EXPECT_TRUE(m->unsupported().empty());
  auto v = run<uint32_t>(ptx, 32);
  ASSERT_EQ(v.size(), 32u);
  for (uint32_t t = 0; t < 32; ++t) {
    const uint32_t sq = t * t, parity = (t & 1) ? 1 : 2;
    const uint32_t inner = t < 4 ? sq * sq : 1000;
    EXPECT_EQ(v[t], sq + parity + inner) << t;
  }
}

TEST(ExecTest, RecursionIsReportedNotInlinedForever) {
  const std::string ptx = module(R"(
.func f(.param .b32 a);
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<2>;
  {
  .param .b32 param0;
  st.param.b32 [param0], 1;
  call.uni f, (param0);
  }
  ret;
}
.func f(.param .b32 a)
{
  {
  .param .b32 param0;
  st.param.b32 [param0], 1;
  call.uni f, (param0);
  }
  ret;
}
)");
  std::string err;
  auto m = Module::load(ptx, err);
  ASSERT_TRUE(m) << err;
  ASSERT_EQ(m->unsupported().size(), 1u);
  EXPECT_NE(m->unsupported()[0].find("recursion is not supported"),
            std::string::npos)
      << m->unsupported()[0];
}

// Barriers -------------------------------------------------------------------

TEST(ExecTest, BarriersOrderSharedMemoryBetweenWarps) {
  // Reverse 256 values through shared memory across 8 warps.
  const std::string ptx = module(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<8>;
  .shared .align 4 .b8 s[1024];
  ld.param.u64 %rd1, [out];
  mov.u32 %r0, %tid.x;
  shl.b32 %r1, %r0, 2;
  mul.lo.u32 %r2, %r0, %r0;
  st.shared.u32 [s+0], 0;
  bar.sync 0;
  mov.u32 %r6, s;
  add.u32 %r3, %r6, %r1;
  st.shared.u32 [%r3], %r2;
  bar.sync 0;
  sub.u32 %r4, 1020, %r1;   // s is 4-aligned (at offset 4)
  add.u32 %r4, %r6, %r4;
  ld.shared.u32 %r5, [%r4];
  mul.wide.u32 %rd2, %r0, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r5;
  ret;
}
)");
  std::string err;
  auto v = run<uint32_t>(ptx, 256, {1, 1, 1}, {256, 1, 1}, {}, &err);
  // `st.shared [s+0]` by every thread before the first barrier is a race.
  EXPECT_TRUE(v.empty());
  EXPECT_NE(err.find("data race on shared memory at 0x4: write by warp 1 of a "
                     "byte written by warp 0"),
            std::string::npos)
      << err;
  // Without the racy store the exchange is correct.
  std::string fixed = ptx;
  fixed.erase(fixed.find("  st.shared.u32 [s+0], 0;\n"),
              std::string("  st.shared.u32 [s+0], 0;\n").size());
  v = run<uint32_t>(fixed, 256, {1, 1, 1}, {256, 1, 1});
  ASSERT_EQ(v.size(), 256u);
  for (uint32_t t = 0; t < 256; ++t)
    EXPECT_EQ(v[t], (255 - t) * (255 - t)) << t;
}

TEST(ExecTest, NamedBarriersWithCountsAndArrive) {
  // Warps 0-1 produce into shared memory and bar.arrive on barrier 1;
  // warps 2-3 bar.sync on barrier 1 (count 128) and consume.
  const std::string ptx = module(R"(
.visible .entry k(.param .u64 out)
{
  .reg .pred %p<3>;
  .reg .b32 %r<8>;
  .reg .b64 %rd<8>;
  .shared .align 4 .b8 s[256];
  ld.param.u64 %rd1, [out];
  mov.u32 %r0, %tid.x;
  setp.lt.u32 %p1, %r0, 64;
  @!%p1 bra $L_consumer;
  shl.b32 %r1, %r0, 2;
  mov.u32 %r2, s;
  add.u32 %r2, %r2, %r1;
  add.u32 %r3, %r0, 1000;
  st.shared.u32 [%r2], %r3;
  bar.arrive 1, 128;
  ret;
$L_consumer:
  bar.sync 1, 128;
  sub.u32 %r4, %r0, 64;
  shl.b32 %r1, %r4, 2;
  mov.u32 %r2, s;
  add.u32 %r2, %r2, %r1;
  ld.shared.u32 %r5, [%r2];
  mul.wide.u32 %rd2, %r4, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r5;
  ret;
}
)");
  auto v = run<uint32_t>(ptx, 64, {1, 1, 1}, {128, 1, 1});
  ASSERT_EQ(v.size(), 64u);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(v[t], 1000 + t);
}

TEST(ExecTest, BarRedPopcAndOr) {
  auto v = run<uint32_t>(kernel(R"(
  and.b32 %r1, %r0, 3;
  setp.eq.u32 %p1, %r1, 0;
  bar.red.popc.u32 %r2, 0, %p1;
  setp.gt.u32 %p2, %r0, 60;
  bar.red.or.pred %p3, 0, %p2;
  bar.red.and.pred %p4, 0, !%p2;
  selp.u32 %r3, 1000, 0, %p3;
  selp.u32 %r4, 10000, 0, %p4;
  add.u32 %r5, %r2, %r3;
  add.u32 %r5, %r5, %r4;
  st.global.u32 [%rd3], %r5;
)"),
                         64, {1, 1, 1}, {64, 1, 1});
  ASSERT_EQ(v.size(), 64u);
  for (int t = 0; t < 64; ++t)
    EXPECT_EQ(v[t], 16u + 1000u) << t;
}

// Warp collectives ---------------------------------------------------------

TEST(ExecTest, ShuffleModesAndClamps) {
  auto v = run<uint32_t>(kernel(R"(
  mul.lo.u32 %r1, %r0, 10;
  shfl.sync.up.b32 %r2|%p1, %r1, 3, 0, -1;
  shfl.sync.down.b32 %r3|%p2, %r1, 3, 0x1f, -1;
  shfl.sync.bfly.b32 %r4, %r1, 6, 0x1f, -1;
  shfl.sync.idx.b32 %r5, %r1, 7, 0x1f, -1;
  shfl.sync.idx.b32 %r6, %r1, 5, 0x181f, -1;
  shfl.sync.down.b32 %r7|%p3, %r1, 2, 0x181f, -1;
  selp.u32 %r8, 1, 0, %p1;
  selp.u32 %r9, 2, 0, %p2;
  selp.u32 %r11, 4, 0, %p3;
  or.b32 %r8, %r8, %r9;
  or.b32 %r8, %r8, %r11;
  mul.wide.u32 %rd5, %r0, 32;
  add.s64 %rd6, %rd1, %rd5;
  st.global.v4.u32 [%rd6], {%r2, %r3, %r4, %r5};
  st.global.v4.u32 [%rd6+16], {%r6, %r7, %r8, %r8};
)"),
                         256);
  ASSERT_EQ(v.size(), 256u);
  for (uint32_t l = 0; l < 32; ++l) {
    const uint32_t *o = &v[8 * l];
    EXPECT_EQ(o[0], l >= 3 ? (l - 3) * 10 : l * 10) << l;
    EXPECT_EQ(o[1], l + 3 <= 31 ? (l + 3) * 10 : l * 10) << l;
    EXPECT_EQ(o[2], (l ^ 6) * 10) << l;
    EXPECT_EQ(o[3], 70u) << l;
    // width 8 (segmask 0x18): idx 5 within each 8-lane segment
    EXPECT_EQ(o[4], ((l & ~7u) | 5) * 10) << l;
    EXPECT_EQ(o[5], (l % 8) + 2 <= 7 ? (l + 2) * 10 : l * 10) << l;
    EXPECT_EQ(o[6], (l >= 3 ? 1u : 0u) | (l + 3 <= 31 ? 2u : 0u) |
                        ((l % 8) + 2 <= 7 ? 4u : 0u))
        << l;
  }
}

TEST(ExecTest, VoteMatchRedux) {
  auto v = run<uint32_t>(kernel(R"(
  and.b32 %r1, %r0, 1;
  setp.eq.u32 %p1, %r1, 1;
  vote.sync.ballot.b32 %r2, %p1, -1;
  vote.sync.ballot.b32 %r3, !%p1, -1;
  vote.sync.any.pred %p2, %p1, -1;
  vote.sync.all.pred %p3, %p1, -1;
  vote.sync.uni.pred %p4, %p1, -1;
  selp.u32 %r4, 1, 0, %p2;
  selp.u32 %r5, 2, 0, %p3;
  selp.u32 %r6, 4, 0, %p4;
  or.b32 %r4, %r4, %r5;
  or.b32 %r4, %r4, %r6;
  shr.u32 %r7, %r0, 3;
  match.any.sync.b32 %r8, %r7, -1;
  redux.sync.min.s32 %r9, %r0, -1;
  redux.sync.add.u32 %r11, %r0, -1;
  redux.sync.xor.b32 %r12, %r0, -1;
  mul.wide.u32 %rd5, %r0, 32;
  add.s64 %rd6, %rd1, %rd5;
  st.global.v4.u32 [%rd6], {%r2, %r3, %r4, %r8};
  st.global.v4.u32 [%rd6+16], {%r9, %r11, %r12, %r12};
)"),
                         256);
  ASSERT_EQ(v.size(), 256u);
  for (uint32_t l = 0; l < 32; ++l) {
    const uint32_t *o = &v[8 * l];
    EXPECT_EQ(o[0], 0xaaaaaaaau);
    EXPECT_EQ(o[1], 0x55555555u);
    EXPECT_EQ(o[2], 1u); // any, not all, not uniform
    EXPECT_EQ(o[3], 0xffu << (8 * (l / 8)));
    EXPECT_EQ(o[4], 0u);
    EXPECT_EQ(o[5], 496u);
    EXPECT_EQ(o[6], 0u); // xor of 0..31
  }
}

// cp.async -------------------------------------------------------------------

const char *kCpAsyncGroups = R"(
.visible .entry k(.param .u64 out, .param .u64 src)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<8>;
  .shared .align 16 .b8 s[64];
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [src];
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, s;
  cp.async.ca.shared.global [%r1], [%rd2], 16;
  cp.async.commit_group;
  cp.async.ca.shared.global [%r1+16], [%rd2+16], 16;
  cp.async.commit_group;
  cp.async.wait_group 1;
  ld.shared.u32 %r2, [%r1+12];
  LATE_READ
  cp.async.wait_group 0;
  ld.shared.u32 %r3, [%r1+16];
  st.global.v2.u32 [%rd1], {%r2, %r3};
  ret;
}
)";

TEST(ExecTest, CpAsyncWaitGroupRetiresTheOlderGroups) {
  std::string ptx = module(kCpAsyncGroups);
  ptx.replace(ptx.find("LATE_READ"), 9, "");
  std::string err;
  auto mod = Module::load(ptx, err);
  ASSERT_TRUE(mod) << err;
  Device dev;
  DevicePtr out = dev.alloc(8), src = dev.alloc(32);
  uint32_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_TRUE(dev.memcpyHtoD(src, data, 32, err));
  auto r = dev.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0,
                      {KernelArg::ptr(out), KernelArg::ptr(src)});
  ASSERT_TRUE(r.ok) << r.error;
  uint32_t h[2];
  ASSERT_TRUE(dev.memcpyDtoH(h, out, 8, err));
  EXPECT_EQ(h[0], 4u);
  EXPECT_EQ(h[1], 5u);
  // Reading the second group's destination after wait_group 1 is an error.
  std::string late = module(kCpAsyncGroups);
  late.replace(late.find("LATE_READ"), 9, "ld.shared.u32 %r4, [%r1+20];");
  mod = Module::load(late, err);
  ASSERT_TRUE(mod) << err;
  r = dev.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0,
                 {KernelArg::ptr(out), KernelArg::ptr(src)});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("overlaps a cp.async still in flight"),
            std::string::npos)
      << r.error;
}

// Errors -----------------------------------------------------------------------

/// An error stops the launch at the failing lane: the lanes before it in
/// the same instruction have stored, the ones after it have not, and the
/// first failing lane is the one reported. The device stays usable.
TEST(ExecTest, AnErrorStopsTheLaunchAtTheFirstFailingLane) {
  // 64 threads: every thread stores tid to out[tid]; then lanes 5 and 9 of
  // warp 1 store 1 MiB past it, the others store tid + 100 to out[tid].
  const std::string ptx = kernel(R"(
  st.global.u32 [%rd3], %r0;
  setp.eq.u32 %p1, %r0, 37;
  setp.eq.or.u32 %p1, %r0, 41, %p1;
  add.u32 %r1, %r0, 100;
  selp.b64 %rd5, 1048576, 0, %p1;
  add.s64 %rd6, %rd3, %rd5;
  st.global.u32 [%rd6], %r1;
)");
  std::string err;
  auto mod = Module::load(ptx, err);
  ASSERT_TRUE(mod) << err;
  Device dev;
  DevicePtr out = dev.alloc(64 * 4);
  std::vector<uint32_t> init(64, 0xffffffffu);
  ASSERT_TRUE(dev.memcpyHtoD(out, init.data(), 64 * 4, err)) << err;
  LaunchResult r =
      dev.launch(*mod, "k", {1, 1, 1}, {64, 1, 1}, 0, {KernelArg::ptr(out)});
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("`st.global.u32 [%rd6], %r1;`: out-of-bounds global "
                         "write of 4 bytes"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("\n  in block (0,0,0) thread (37,0,0) (warp 1 lane "
                         "5)"),
            std::string::npos)
      << r.error;
  EXPECT_EQ(r.error.find("lane 9"), std::string::npos) << r.error;
  std::vector<uint32_t> h(64);
  ASSERT_TRUE(dev.memcpyDtoH(h.data(), out, 64 * 4, err)) << err;
  // Warp 0 ran to its end before warp 1 started.
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(h[t], t + 100) << t;
  // Warp 1: lanes 0-4 stored, lane 5 failed, lanes 6-31 did not store.
  for (uint32_t t = 32; t < 37; ++t)
    EXPECT_EQ(h[t], t + 100) << t;
  for (uint32_t t = 37; t < 64; ++t)
    EXPECT_EQ(h[t], t) << t;

  // The next launch on the same device starts clean.
  const std::string good = kernel("  st.global.u32 [%rd3], %r0;");
  auto mod2 = Module::load(good, err);
  ASSERT_TRUE(mod2) << err;
  r = dev.launch(*mod2, "k", {1, 1, 1}, {64, 1, 1}, 0, {KernelArg::ptr(out)});
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_TRUE(dev.memcpyDtoH(h.data(), out, 64 * 4, err)) << err;
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(h[t], t) << t;
}

// mma.sync / ldmatrix --------------------------------------------------------

TEST(ExecTest, MmaWithIdentityAndOnes) {
  // A = I (16x16, f16), B[k][n] = k * 8 + n (f16), C = 0.5: D = B + 0.5.
  // Fragments are built per lane from the ISA layout with integer code.
  const std::string ptx = kernel(R"(
  shr.u32 %r1, %r0, 2;          // g
  and.b32 %r2, %r0, 3;          // t
  shl.b32 %r3, %r2, 1;          // 2t
  // A registers: a_i pair (row g + 8 (i&1), cols 2t + 8 (i>>1), +1); the
  // identity has a 1.0 where row == col.
  mov.u32 %r20, 0;
  mov.u32 %r21, 0;
  mov.u32 %r22, 0;
  mov.u32 %r23, 0;
  setp.eq.u32 %p1, %r1, %r3;     // row g == col 2t
  selp.u32 %r4, 0x3c00, 0, %p1;
  add.u32 %r5, %r3, 1;
  setp.eq.u32 %p2, %r1, %r5;     // row g == col 2t+1
  selp.u32 %r6, 0x3c000000, 0, %p2;
  or.b32 %r20, %r4, %r6;         // a0 (row g)
  or.b32 %r23, %r4, %r6;         // a3 (row g+8, col +8): same pattern
  // B registers: b_i pair (k = 2t + 8 i, +1; n = g)
  shl.b32 %r7, %r2, 4;           // 2t * 8
  add.u32 %r8, %r7, %r1;         // k*8 + n for k = 2t
  cvt.rn.f16.u32 %h1, %r8;
  add.u32 %r9, %r8, 8;
  cvt.rn.f16.u32 %h2, %r9;
  mov.b32 %r24, {%h1, %h2};
  add.u32 %r11, %r8, 64;
  cvt.rn.f16.u32 %h3, %r11;
  add.u32 %r12, %r8, 72;
  cvt.rn.f16.u32 %h4, %r12;
  mov.b32 %r25, {%h3, %h4};
  mov.f32 %f1, 0f3F000000;
  mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
    {%f2, %f3, %f4, %f5}, {%r20, %r21, %r22, %r23}, {%r24, %r25},
    {%f1, %f1, %f1, %f1};
  mul.wide.u32 %rd5, %r0, 16;
  add.s64 %rd6, %rd1, %rd5;
  st.global.v4.f32 [%rd6], {%f2, %f3, %f4, %f5};
)");
  auto v = run<float>(ptx, 128);
  ASSERT_EQ(v.size(), 128u);
  for (uint32_t l = 0; l < 32; ++l) {
    const uint32_t g = l / 4, t = l % 4;
    // D[row][col] = B[row][col] + 0.5 for row < 16.
    EXPECT_EQ(v[4 * l + 0], g * 8 + 2 * t + 0.5f) << l;
    EXPECT_EQ(v[4 * l + 1], g * 8 + 2 * t + 1 + 0.5f) << l;
    EXPECT_EQ(v[4 * l + 2], (g + 8) * 8 + 2 * t + 0.5f) << l;
    EXPECT_EQ(v[4 * l + 3], (g + 8) * 8 + 2 * t + 1 + 0.5f) << l;
  }
}

TEST(ExecTest, LdmatrixTransposes) {
  // Shared holds an 8x8 matrix M[r][c] = r * 8 + c (b16); lane l gives the
  // address of row l % 8.
  const std::string ptx = module(R"(
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .shared .align 16 .b8 m[128];
  ld.param.u64 %rd1, [out];
  mov.u32 %r0, %tid.x;
  // each lane writes elements 2l, 2l+1
  shl.b32 %r1, %r0, 1;
  add.u32 %r2, %r1, 1;
  shl.b32 %r3, %r2, 16;
  or.b32 %r4, %r1, %r3;
  shl.b32 %r5, %r0, 2;
  mov.u32 %r6, m;
  add.u32 %r7, %r6, %r5;
  st.shared.u32 [%r7], %r4;
  bar.warp.sync -1;
  and.b32 %r8, %r0, 7;
  shl.b32 %r8, %r8, 4;
  add.u32 %r8, %r6, %r8;
  ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%r1}, [%r8];
  ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%r2}, [%r8];
  mul.wide.u32 %rd2, %r0, 8;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v2.u32 [%rd3], {%r1, %r2};
  ret;
}
)");
  auto v = run<uint32_t>(ptx, 64);
  ASSERT_EQ(v.size(), 64u);
  for (uint32_t l = 0; l < 32; ++l) {
    const uint32_t row = l / 4, c = 2 * (l % 4);
    EXPECT_EQ(v[2 * l], (row * 8 + c) | ((row * 8 + c + 1) << 16)) << l;
    EXPECT_EQ(v[2 * l + 1], (c * 8 + row) | (((c + 1) * 8 + row) << 16)) << l;
  }
}

// Launch geometry and special registers ---------------------------------------

TEST(ExecTest, SpecialRegistersIn3DGrids) {
  const std::string ptx = kernel(R"(
  mov.u32 %r1, %tid.y;
  mov.u32 %r2, %tid.z;
  mov.u32 %r3, %ctaid.x;
  mov.u32 %r4, %ctaid.y;
  mov.u32 %r5, %ctaid.z;
  mov.u32 %r6, %nctaid.y;
  mov.u32 %r7, %laneid;
  mov.u32 %r8, %warpid;
  mov.u32 %r9, %lanemask_lt;
  mov.u32 %r11, %ntid.x;
  mov.u32 %r12, %ntid.y;
  // linear thread and block ids
  mad.lo.u32 %r13, %r2, %r12, %r1;
  mad.lo.u32 %r13, %r13, %r11, %r0;
  mad.lo.u32 %r14, %r5, %r6, %r4;
  mov.u32 %r15, %nctaid.x;
  mad.lo.u32 %r14, %r14, %r15, %r3;
  mul.lo.u32 %r16, %r14, 24;
  add.u32 %r16, %r16, %r13;     // global linear id
  mul.wide.u32 %rd5, %r16, 16;
  add.s64 %rd6, %rd1, %rd5;
  st.global.v4.u32 [%rd6], {%r13, %r7, %r8, %r9};
)");
  // block (4,3,2) = 24 threads; grid (2,2,2)
  auto v = run<uint32_t>(ptx, 8 * 24 * 4, {2, 2, 2}, {4, 3, 2});
  ASSERT_EQ(v.size(), 8u * 24 * 4);
  for (uint32_t b = 0; b < 8; ++b)
    for (uint32_t t = 0; t < 24; ++t) {
      const uint32_t *o = &v[(b * 24 + t) * 4];
      EXPECT_EQ(o[0], t);
      EXPECT_EQ(o[1], t % 32);
      EXPECT_EQ(o[2], t / 32);
      EXPECT_EQ(o[3], (1u << (t % 32)) - 1);
    }
}

TEST(ExecTest, DynamicSharedMemory) {
  const std::string ptx = module(R"(
.extern .shared .align 16 .b8 dyn[];
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<8>;
  .shared .align 4 .b8 fixed[20];
  ld.param.u64 %rd1, [out];
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, dyn;
  mov.u32 %r2, %dynamic_smem_size;
  mov.u32 %r3, %total_smem_size;
  shl.b32 %r4, %r0, 2;
  add.u32 %r5, %r1, %r4;
  st.shared.u32 [%r5], %r0;
  ld.shared.u32 %r6, [%r5];
  st.global.v4.u32 [%rd1], {%r1, %r2, %r3, %r6};
  ret;
}
)");
  auto v = run<uint32_t>(ptx, 4, {1, 1, 1}, {1, 1, 1}, {}, nullptr, 1024);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], 32u); // after 20 static bytes, 16-aligned
  EXPECT_EQ(v[1], 1024u);
  EXPECT_EQ(v[2], 32u + 1024u);
  // Without dynamic memory, touching it is out of bounds.
  std::string err;
  run<uint32_t>(ptx, 4, {1, 1, 1}, {1, 1, 1}, {}, &err, 0);
  EXPECT_NE(err.find("out-of-bounds shared write"), std::string::npos) << err;
}

TEST(ExecTest, InstructionCounts) {
  std::string err;
  auto mod = Module::load(kernel("  st.global.u32 [%rd3], %r0;"), err);
  ASSERT_TRUE(mod) << err;
  Device dev;
  DevicePtr out = dev.alloc(48 * 4);
  auto r = dev.launch(*mod, "k", {1, 1, 1}, {48, 1, 1}, 0,
                      {KernelArg::ptr(out)});
  ASSERT_TRUE(r.ok) << r.error;
  // 6 prologue instructions, the store and ret, for 2 warps of 32 and 16
  // threads.
  EXPECT_EQ(r.stats.warpInstructions, 2u * 8);
  EXPECT_EQ(r.stats.threadInstructions, 48u * 8);
  EXPECT_EQ(r.stats.blocks, 1u);
  EXPECT_EQ(dev.stats().warpInstructions, 16u);
}

} // namespace
