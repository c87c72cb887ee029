# The dynamic loss-scale sequences of GradScaler (and DeepSpeed's hysteresis)
# hold through mpt-compile and mpt-run: the one-weight step of
# Inputs/one_weight_sgd.mlir (gradient of w = the fed input x, through an f16
# contraction) compiled with --precision=f16 and the scaling options, fed one
# x per step from a dataset directory (batch 1: step k reads sample k-1).
# The scale after each step and the skipped flags in mpt-run's report must
# equal the hand-derived constants below; the final w must equal an FP64
# replay of the clean updates.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e

t = sys.argv[1]
check = e2e.Checks()
src = e2e.input_path("one_weight_sgd.mlir")
LR = 1e-4
BIG = 1e6  # inf in f16 (>= 65520): the contraction's f16 input overflows

# Why each BIG step overflows: x = 1e6 is cast to f16 for both contractions
# and becomes inf, so dW = x^T @ seed is inf at any scale. Independently of
# the input, the scaled seed is cast to f16 too: at scale 65536 it is inf
# (65536 >= 65520), so steps at scale 65536 overflow whatever x is. Every
# expected overflow below happens at a BIG input; the ones at scale 65536
# overflow for both reasons. Clean inputs are exact in f16 and small, so
# x * scale never overflows the f32 accumulator and unscaling is exact.
with np.errstate(over="ignore"):
    assert np.isinf(np.float16(BIG)) and np.isinf(np.float16(65536.0))
assert np.float16(65504.0) == 65504.0


def run_case(name, options, xs, want_scales, want_found_inf, want_trackers):
    art = e2e.compile_step(src, f"{t}/{name}.mpt", "f16",
                           loss_scale="dynamic", **options)
    data = f"{t}/{name}-data"
    e2e.write_split(data, "train",
                    x=np.array(xs, np.float32).reshape(len(xs), 1))
    rep = e2e.train(art, data, len(xs), f"{t}/{name}.json",
                    f"--dump-state={t}/{name}-state")
    steps = rep["steps"]
    scales = [s["scale"] for s in steps]
    skipped = [s["skipped"] for s in steps]
    check(scales == want_scales,
          f"{name}: scales {scales}, expected {want_scales}")
    check(skipped == [bool(f) for f in want_found_inf],
          f"{name}: skipped {skipped}, expected found_inf {want_found_inf}")
    check(rep["summary"]["skipped_steps"] == sum(want_found_inf),
          f"{name}: summary skipped_steps {rep['summary']['skipped_steps']}")
    state = e2e.read_state(f"{t}/{name}-state")
    # w moves by -lr * x on clean steps only (FP64 replay; a skipped BIG
    # step would move it by 100).
    want_w = 1.0 - LR * sum(x for x, f in zip(xs, want_found_inf) if not f)
    w = float(state["w"].reshape(()))
    check(abs(w - want_w) <= 1e-6,
          f"{name}: final w {w!r}, FP64 replay of the clean steps {want_w!r}")
    # The working copy is the f16 rounding of the master.
    check(e2e.bits(state["w.working_copy"]) ==
          e2e.bits(state["w"].astype(np.float16)),
          f"{name}: working copy {state['w.working_copy']} is not f16(w)")
    got = (int(state["loss_scale.growth_tracker"]),
           int(state["loss_scale.hysteresis_tracker"]))
    check(got == want_trackers,
          f"{name}: (growth, hysteresis) trackers {got}, expected {want_trackers}")
    check(float(state["loss_scale.scale"]) == want_scales[-1],
          f"{name}: scale state {state['loss_scale.scale']}")
    return rep


# (a) GradScaler reference: init 4, growth 2, backoff 0.25, interval 2;
# found_inf 0,0,1. Step 1 clean (tracker 1), step 2 clean (tracker 2 =
# interval: 4 * 2 = 8, tracker 0), step 3 overflows: 8 * 0.25 = 2.
run_case("a", dict(init_scale=4, growth_factor=2, backoff_factor=0.25,
                   growth_interval=2),
         xs=[0.5, 0.25, BIG],
         want_scales=[4, 8, 2], want_found_inf=[0, 0, 1],
         want_trackers=(0, 1))

# (b) GradScaler defaults but interval 3: init 65536, growth 2, backoff 0.5;
# found_inf 1,1,0,0,0,0,0,0,1,0. 65536 -> 32768 -> 16384 (two overflows),
# three clean steps at 16384 grow it to 32768 after step 5, three more to
# 65536 after step 8, step 9 overflows (65536 -> 32768), step 10 is clean.
run_case("b", dict(init_scale=65536, growth_interval=3),
         xs=[BIG, BIG, 0.5, 0.25, 0.75, 1.0, 0.125, 2.0, BIG, 0.5],
         want_scales=[32768, 16384, 16384, 16384, 32768, 32768, 32768, 65536,
                      32768, 32768],
         want_found_inf=[1, 1, 0, 0, 0, 0, 0, 0, 1, 0],
         want_trackers=(1, 1))

# (b') The seed alone overflows at scale 65536: the same artifact with a
# clean first input still skips step 1 (f16(65536) = inf), and step 2 at
# 32768 is clean.
run_case("b_seed", dict(init_scale=65536, growth_interval=3),
         xs=[0.5, 0.5],
         want_scales=[32768, 32768], want_found_inf=[1, 0],
         want_trackers=(1, 1))

# (c) Hysteresis 2 (init 256, growth 2, backoff 0.5, interval 2), derived by
# hand from the mpt.update_scale rule: an overflow with counter h > 1 only
# decrements h (scale kept, growth tracker g reset); an overflow with h <= 1
# backs off (h stays); a clean step counts g up, and at the interval the
# scale grows, g resets and h refills to 2.
#   start         s=256 g=0 h=2
#   1 inf  h 2->1             s=256
#   2 ok   g=1                s=256
#   3 inf  h=1: backoff       s=128 g=0 h=1
#   4 inf  h=1: backoff       s=64
#   5 ok   g=1                s=64
#   6 ok   g=2: grow          s=128 g=0 h=2
#   7 inf  h 2->1             s=128
#   8 inf  h=1: backoff       s=64
#   9 ok   g=1                s=64
#  10 ok   g=2: grow          s=128 g=0 h=2
#  11 inf  h 2->1             s=128
#  12 ok   g=1 (h stays 1)    s=128
#  13 inf  h=1: backoff       s=64  g=0 h=1
run_case("c", dict(init_scale=256, growth_interval=2, hysteresis=2),
         xs=[BIG, 0.5, BIG, BIG, 0.25, 0.75, BIG, BIG, 1.0, 0.5, BIG, 0.125,
             BIG],
         want_scales=[256, 256, 128, 64, 64, 128, 128, 64, 64, 128, 128, 128,
                      64],
         want_found_inf=[1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1],
         want_trackers=(0, 1))

check.done()
