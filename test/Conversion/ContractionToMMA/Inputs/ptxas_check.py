"""ptxas -v on the tensor-core kernels at benchmark sizes, for sm_80 and
sm_90: fails on any spill; prints registers, spills and shared memory per
kernel (the table of docs/gpu.md).

The kernels: every tile of the table (f16 and bf16, all operand layouts),
the GEMMs of a 4096-wide MLP step (forward with the fused bias/ReLU/mask
epilogue, both backward products), and ResNet-50 convolutions at batch 64
(fused conv-bias-ReLU forward, data and weight gradients, split-K), the
narrow-copy paths (3 input channels, f32 gradients rounded on load).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import mma_harness as H  # noqa: E402
import mma_numerics as N  # noqa: E402


def cases():
    out = []
    for t in ("f16", "bf16"):
        tiles = ["128x256x32_w2x4_s3", "256x128x32_w4x2_s3",
                 "128x128x64_w2x4_s3", "128x128x32_w2x2_s4",
                 "128x64x32_w2x2_s4", "64x128x32_w2x2_s4", "64x64x32_w2x2_s4",
                 "32x128x32_w1x4_s4", "128x32x32_w4x1_s4", "32x64x32_w1x2_s3"]
        # Every tile in every operand layout (the bf16 kernels differ only
        # in the mma instruction: two layouts suffice).
        for i, tile in enumerate(tiles):
            for layout in (("nn", "nt", "tn", "tt") if t == "f16" else
                           ("nn", "tt")):
                out.append(N.matmul_case(
                    "tile%d_%s_%s" % (i, layout, t), None, t, 1000, 1000, 1000,
                    layout, tile=tile))
        # A 4096-wide MLP step: forward (fused epilogue), dX = dY W^T,
        # dW = X^T dY.
        out.append(N.matmul_case("mlp_fwd_%s" % t, None, t, 4096, 4096, 4096,
                                 epilogue="bias_relu_mask"))
        out.append(N.matmul_case("mlp_dx_%s" % t, None, t, 4096, 4096, 4096,
                                 "nt", epilogue="mask_select"))
        out.append(N.matmul_case("mlp_dw_%s" % t, None, t, 4096, 4096, 4096,
                                 "tn"))
        out.append(N.matmul_case("gemm4096_%s" % t, None, t, 4096, 4096, 4096))
        # ResNet-50 at batch 64 (N, H, W, C, K, F, stride, pad).
        layers = [("conv1", 64, 224, 224, 3, 7, 64, 2, 3),
                  ("c2_1x1", 64, 56, 56, 64, 1, 256, 1, 0),
                  ("c2_3x3", 64, 56, 56, 64, 3, 64, 1, 1),
                  ("c3_3x3s2", 64, 56, 56, 128, 3, 128, 2, 1),
                  ("c3_down", 64, 56, 56, 256, 1, 512, 2, 0),
                  ("c4_3x3", 64, 14, 14, 256, 3, 256, 1, 1),
                  ("c5_3x3", 64, 7, 7, 512, 3, 512, 1, 1)]
        for (name, n, h, w, c, k, f, s, p) in layers:
            out.append(N.conv_fprop_case(
                "%s_fprop_%s" % (name, t), None, t, n, h, w, c, k, k, f, s, 1,
                p, epilogue="bias_relu_mask"))
            if c >= 8:
                out.append(N.conv_dgrad_case(
                    "%s_dgrad_%s" % (name, t), None, t, n, h, w, c, k, k, f,
                    s, 1, p))
            out.append(N.conv_wgrad_case(
                "%s_wgrad_%s" % (name, t), None, t, n, h, w, c, k, k, f, s, 1,
                p))
        out.append(N.conv_wgrad_case("wgrad_dyf32_%s" % t, None, t, 64, 28,
                                     28, 128, 3, 3, 128, 1, 1, 1, dy_f32=True))
    # The f32 SIMT family: an FP32 step's GEMMs and a ResNet layer.
    for layout in ("nn", "nt", "tn", "tt"):
        out.append(N.matmul_case("simt_gemm4096_%s" % layout, None, "f32",
                                 4096, 4096, 4096, layout))
    out.append(N.matmul_case("simt_mlp_fwd", None, "f32", 4096, 4096, 4096,
                             epilogue="bias_relu_mask"))
    out.append(N.conv_fprop_case("simt_c2_3x3_fprop", None, "f32", 64, 56, 56,
                                 64, 3, 3, 64, 1, 1, 1,
                                 epilogue="bias_relu_mask"))
    out.append(N.conv_dgrad_case("simt_c3_3x3s2_dgrad", None, "f32", 64, 56,
                                 56, 128, 3, 3, 128, 2, 1, 1))
    out.append(N.conv_wgrad_case("simt_c2_3x3_wgrad", None, "f32", 64, 56, 56,
                                 64, 3, 3, 64, 1, 1, 1))
    return out


def main():
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--mpt-opt", required=True)
    p.add_argument("--ptxas", required=True)
    p.add_argument("--tmp", required=True)
    args = p.parse_args()
    os.makedirs(args.tmp, exist_ok=True)
    cs = cases()
    src = os.path.join(args.tmp, "cases.mlir")
    with open(src, "w") as f:
        f.write("module {\n%s\n}\n" % "\n".join(c.func_text() for c in cs))
    host = os.path.join(args.tmp, "host.mlir")
    r = H.run([args.mpt_opt, src, "--mpt-contractions-to-mma", "-o", host])
    if r.returncode != 0:
        H.fail("compile", r.stderr[-4000:])
        H.finish()
    ptx = H.to_ptx(args, host, args.tmp)
    ptx_path = os.path.join(args.tmp, "kernels.ptx")
    with open(ptx_path, "w") as f:
        f.write(ptx)
    funcs, kernels = H.parse_host(open(host).read())
    smem = {}
    used_by = {}
    for fname, info in funcs.items():
        for launch in info["launches"]:
            smem[launch["kernel"]] = launch["smem"]
            used_by.setdefault(launch["kernel"], fname)
    results = H.check_spills(args.ptxas, ptx_path)
    print("%-22s %-30s %-14s %8s %8s %8s" % ("kernel", "case", "family",
                                              "tile", "regs80/90", "smem"))
    for k in sorted(kernels, key=lambda k: (used_by.get(k, ""), k)):
        family, tile = kernels[k]
        r80, r90 = results["sm_80"].get(k), results["sm_90"].get(k)
        if r80 is None or r90 is None:
            H.fail(k, "ptxas did not report this kernel")
            continue
        print("%-22s %-30s %-14s %-22s %3d/%3d %7d" %
              (k, used_by.get(k, "?"), family, tile, r80["regs"], r90["regs"],
               smem.get(k, 0)))
    H.finish()


if __name__ == "__main__":
    main()
