# Elementwise fusion (mpt-fuse-elementwise, on by default in mpt-compile
# --target=cpu) changes no bit.
#
# 1. Against an independent reference: a plain function of f16 and bf16
#    elementwise chains written as separate ops (max((a * b) + c, a) - b;
#    a product read by two ops; a product widened and summed over the rows,
#    the sum reading each element once), compiled with and without fusion
#    and called with mpt-run --call, must give numpy's per-op results bit
#    for bit: float16 arithmetic (each op rounded to f16), bf16 as f32
#    arithmetic rounded to bfloat16 after every op (ml_dtypes), the row sum
#    in f32 from 0 in row order. The inputs are chosen so that computing a
#    chain in f32 and rounding once at the end (what fusion would do if a
#    rounding between two fused ops were lost) differs from the per-op
#    reference on a fifth (f16) and two fifths (bf16) of the elements; the
#    test requires a tenth. The default compile must really fuse: its
#    object file has fewer op functions than the unfused one. The same
#    function compiled for --target=cuda (each chain one kernel) and run
#    on cuda-emu must give the same bits: its kernels round after every
#    op too (mpt-keep-roundings in mpt-gpu-to-ptx).
# 2. The zoo's MLP, CNN, ResNet (2 blocks) and transformer at f32, f16
#    (dynamic loss scaling) and bf16 train 4 steps on the digits with and
#    without fusion: every loss and the checkpoint (parameters, optimizer
#    state, loss scale, step count) are equal byte for byte. This half
#    compares the compiler with itself; the numerics tests (bit patterns,
#    RNE ties, skips, loss-scale sequences, model-zoo's FP64 losses) are
#    the independent checks of the fused code, which they all compile.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import ml_dtypes
import numpy as np

import e2e

t = sys.argv[1]
check = e2e.Checks()
BF16 = ml_dtypes.bfloat16

def op_functions(keep_dir):
    """The outlined op functions (__mpt_opN) in the kept object file."""
    return [name for name in e2e.object_symbols(keep_dir)
            if name.startswith("__mpt_op") and "." not in name]


# --- 1. chains against numpy -------------------------------------------------

R, C = 16, 24
SRC = f"""#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @chains(%a: tensor<{R}x{C}xf16>, %b: tensor<{R}x{C}xf16>,
                  %c: tensor<{R}x{C}xf16>, %x: tensor<{R}x{C}xbf16>,
                  %y: tensor<{R}x{C}xbf16>, %z: tensor<{R}x{C}xbf16>)
    -> (tensor<{R}x{C}xf16>, tensor<{R}x{C}xf16>, tensor<{R}x{C}xf16>,
        tensor<{R}x{C}xbf16>, tensor<{C}xf32>) {{
  %m = arith.mulf %a, %b : tensor<{R}x{C}xf16>
  %s = arith.addf %m, %c : tensor<{R}x{C}xf16>
  %r = arith.maximumf %s, %a : tensor<{R}x{C}xf16>
  %chain = arith.subf %r, %b : tensor<{R}x{C}xf16>
  %p = arith.mulf %b, %c : tensor<{R}x{C}xf16>
  %u = arith.addf %p, %a : tensor<{R}x{C}xf16>
  %v = arith.subf %p, %c : tensor<{R}x{C}xf16>
  %xm = arith.mulf %x, %y : tensor<{R}x{C}xbf16>
  %xs = arith.addf %xm, %z : tensor<{R}x{C}xbf16>
  %xr = arith.subf %xs, %x : tensor<{R}x{C}xbf16>
  %q = arith.mulf %a, %c : tensor<{R}x{C}xf16>
  %e = tensor.empty() : tensor<{R}x{C}xf32>
  %w = linalg.generic {{indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%q : tensor<{R}x{C}xf16>) outs(%e : tensor<{R}x{C}xf32>) {{
  ^bb0(%in: f16, %o: f32):
    %0 = arith.extf %in : f16 to f32
    linalg.yield %0 : f32
  }} -> tensor<{R}x{C}xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{C}xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e1 : tensor<{C}xf32>) -> tensor<{C}xf32>
  %sum = linalg.generic {{indexing_maps = [#id, #row],
                         iterator_types = ["reduction", "parallel"]}}
      ins(%w : tensor<{R}x{C}xf32>) outs(%init : tensor<{C}xf32>) {{
  ^bb0(%in: f32, %o: f32):
    %0 = arith.addf %in, %o : f32
    linalg.yield %0 : f32
  }} -> tensor<{C}xf32>
  return %chain, %u, %v, %xr, %sum
      : tensor<{R}x{C}xf16>, tensor<{R}x{C}xf16>, tensor<{R}x{C}xf16>,
        tensor<{R}x{C}xbf16>, tensor<{C}xf32>
}}
"""
src = f"{t}/chains.mlir"
with open(src, "w") as f:
    f.write(SRC)

# Values with full mantissas, so that products and sums are rarely exact
# in 16 bits and a lost rounding shows.
rng = np.random.default_rng(17)
a, b, c = (rng.uniform(-4, 4, (R, C)).astype(np.float16) for _ in range(3))
x, y, z = (rng.uniform(-4, 4, (R, C)).astype(np.float32).astype(BF16)
           for _ in range(3))
inputs = []
for i, arr in enumerate([a, b, c, x, y, z]):
    path = f"{t}/arg{i}.npy"
    np.save(path, arr.view(np.uint16) if arr.dtype == BF16 else arr)
    inputs.append(f"--input=arg{i}={path}")

# Per-op references: numpy's float16 operators round every result to f16;
# for bf16, each op in f32 and a round-to-nearest-even cast to bfloat16.
ref_chain = np.maximum(a * b + c, a) - b
p = b * c
ref_u, ref_v = p + a, p - c


def bf(v):
    return np.asarray(v, np.float32).astype(BF16)


def f32(v):
    return np.asarray(v).astype(np.float32)


ref_xr = bf(f32(bf(f32(bf(f32(x) * f32(y))) + f32(z))) - f32(x))
q = f32(a * c)
ref_sum = np.zeros(C, np.float32)
for i in range(R):
    ref_sum = (ref_sum + q[i]).astype(np.float32)

# What a lost rounding between fused ops would compute: each chain in f32,
# rounded once.
merged_chain = (np.maximum(f32(a) * f32(b) + f32(c), f32(a))
                - f32(b)).astype(np.float16)
merged_xr = bf(f32(x) * f32(y) + f32(z) - f32(x))
check(np.count_nonzero(merged_chain.view(np.uint16)
                       != ref_chain.view(np.uint16)) > R * C // 10,
      "the f16 inputs do not tell one rounding per op from one per chain")
check(np.count_nonzero(merged_xr.view(np.uint16)
                       != ref_xr.view(np.uint16)) > R * C // 10,
      "the bf16 inputs do not tell one rounding per op from one per chain")

counts = {}
for tag in ("fused", "unfused", "cuda-emu"):
    if tag == "cuda-emu":
        # The CUDA path fuses each chain into one kernel; its bodies must
        # round after every op too.
        art = e2e.compile_step(src, f"{t}/chains-{tag}.mpt", target="cuda")
        device = ["--device=cuda-emu"]
    else:
        art = e2e.compile_step(src, f"{t}/chains-{tag}.mpt", target="cpu",
                               fuse_elementwise=tag == "fused",
                               keep_temps=f"{t}/chains-{tag}.tmp")
        counts[tag] = len(op_functions(f"{t}/chains-{tag}.tmp"))
        device = []
    out = f"{t}/out-{tag}"
    e2e.run_cmd([e2e.tool("mpt-run"), art, "--call=chains", *device, *inputs,
                 f"--output-dir={out}"])
    got = [np.load(f"{out}/{i}.npy") for i in range(5)]
    for i, (name, ref) in enumerate([("chain", ref_chain), ("u", ref_u),
                                     ("v", ref_v), ("bf16 chain", ref_xr),
                                     ("row sum", ref_sum)]):
        want = ref.view(np.uint16) if ref.dtype == BF16 else ref
        same = got[i].dtype == want.dtype and got[i].shape == want.shape
        diff = (np.count_nonzero(got[i].view(np.uint8) != want.view(np.uint8))
                if same else "all")
        check(same and got[i].tobytes() == want.tobytes(),
              f"{tag}: {name} differs from the per-op numpy reference "
              f"({got[i].dtype} {got[i].shape}, {diff} bytes differ)")
check(counts["fused"] < counts["unfused"],
      f"the default compile fused nothing: {counts['fused']} op functions, "
      f"{counts['unfused']} without fusion")

# --- 2. the zoo, fused against unfused -----------------------------------------

STEPS = 4
MODELS = {"mlp": ["--batch", "32"], "cnn": ["--batch", "32"],
          "resnet": ["--batch", "8", "--blocks", "2"],
          "transformer": ["--batch", "2"]}
for model, args in MODELS.items():
    src = e2e.zoo_step(model, args, t)
    for precision in ["f32", "f16", "bf16"]:
        runs, functions = {}, {}
        for fused in (True, False):
            tag = f"{model}-{precision}-{'fused' if fused else 'unfused'}"
            art = e2e.compile_step(src, f"{t}/{tag}.mpt", precision,
                                   fuse_elementwise=fused,
                                   keep_temps=f"{t}/{tag}.tmp")
            runs[fused] = e2e.train_to_checkpoint(art, t, tag, STEPS)
            functions[fused] = len(op_functions(f"{t}/{tag}.tmp"))
        tag = f"{model} {precision}"
        check(len(runs[True][1]) == STEPS,
              f"{tag}: {len(runs[True][1])} steps")
        e2e.same_training(check, f"{tag} fused", runs[True], runs[False],
                          "the unfused code")
        check(functions[True] < functions[False],
              f"{tag}: fusion removed no op function ({functions[True]} "
              f"against {functions[False]})")

check.done()
