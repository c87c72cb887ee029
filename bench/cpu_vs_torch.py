#!/usr/bin/env python3
"""CPU training steps of mpt against PyTorch eager, side by side.

For the zoo's MLP (2 x 64, batch 32), CNN (2 conv blocks, batch 32),
16-block ResNet (batch 8) and transformer encoder (2 blocks of width 64,
4 heads, batch 32), all on 8x8x1 digits with SGD (lr 0.1), the script

- compiles mpt's FP32 step at f32, f16 (dynamic loss scaling, FP32 masters)
  and bf16 with mpt-compile, timing each compile;
- builds the same architecture in PyTorch (same layers, shapes, loss and
  optimizer; PyTorch's own initial values), trained eagerly in FP32 and
  under ``torch.autocast("cpu", dtype=torch.bfloat16)``;
- for each thread count of --threads (the process, and so mpt-run, is pinned
  to that many cores with sched_setaffinity; mpt-run gets --threads=N,
  PyTorch torch.set_num_threads(N)), alternates in every round: mpt f32, torch f32,
  mpt bf16, torch bf16, mpt f16, so that load on a shared machine falls on
  all of them alike.

Step time: mpt's is the report's ``steps[].ms`` (the compiled step call);
PyTorch's is the wall time of zero_grad + forward + loss + backward +
optimizer step on a batch already in memory. Medians over all rounds, the
first --warmup steps of each run left out. Ratios are of medians.

Targets checked (issue 17): mpt f32 <= 0.8x torch f32, mpt bf16 <= 0.8x
torch bf16 autocast, mpt f16 <= 1.5x mpt f32.

With --baseline-flags="--some-option=value ...", every mpt artifact is also
compiled with those extra mpt-compile flags (the "before" of a change that
an option turns off), and each round runs the baseline artifact right
after the default one: a second table gives both medians and their ratio,
measured side by side.

Usage: python3 bench/cpu_vs_torch.py [--steps 100] [--rounds 3]
           [--threads 1,2] [--models mlp,cnn,resnet16] [--markdown]
           [--baseline-flags="--fuse-elementwise=false"]
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time

from cpu_steps import MODELS, ROOT, run, tool

sys.path.insert(0, os.path.join(ROOT, "python"))

TARGET_F32 = 0.8
TARGET_BF16 = 0.8
TARGET_F16 = 1.5


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir",
                   default=os.environ.get("MPT_BUILD_DIR",
                                          os.path.join(ROOT, "build")))
    p.add_argument("--out", default=os.path.join(ROOT, "out", "bench",
                                                 "cpu_vs_torch"))
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--baseline-flags", default="",
                   help="extra mpt-compile flags of a baseline build of "
                   "every mpt artifact, run side by side")
    args = p.parse_args(argv)
    args.baseline_flags = args.baseline_flags.split()
    args.models = [m for m in args.models.split(",") if m]
    for m in args.models:
        if m not in MODELS:
            p.error(f"unknown model '{m}' (known: {', '.join(MODELS)})")
    args.threads = [int(t) for t in args.threads.split(",") if t]
    if any(t < 1 or t > len(os.sched_getaffinity(0)) for t in args.threads):
        p.error(f"--threads: between 1 and the {len(os.sched_getaffinity(0))}"
                " cores this process may use")
    if args.warmup >= args.steps:
        p.error("--warmup must be smaller than --steps")
    return args


def torch_model(name, torch):
    """The zoo model ``name`` in PyTorch (NCHW; the same layers and
    shapes as python/mpt/models)."""
    nn = torch.nn
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(),
                             nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(16 * 2 * 2, 10))

    if name == "transformer":
        return Transformer(torch, **MODELS[name][1])

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.c0 = nn.Conv2d(8, 8, 3, padding=1)
            self.c1 = nn.Conv2d(8, 8, 3, padding=1)

        def forward(self, h):
            return torch.relu(h + self.c1(torch.relu(self.c0(h))))

    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                         *[Block() for _ in range(16)], nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(8 * 4 * 4, 10))


def Transformer(torch, batch, blocks, width, heads):
    """The zoo's transformer encoder (python/mpt/models): the 8 rows of a
    digit as 8 tokens, embedding + learned positions, ``blocks`` pre-LN
    blocks (LN, self-attention with Q/K/V/output projections, residual; LN,
    dense-GELU(tanh)-dense of 4 x width, residual), final LN, mean over the
    tokens, dense head. Attention is
    ``torch.nn.functional.scaled_dot_product_attention``, what a PyTorch
    user calls."""
    nn, F = torch.nn, torch.nn.functional

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.out = (nn.Linear(width, width)
                                                for _ in range(4))

        def forward(self, h):
            b, s, e = h.shape

            def split(t):
                return t.view(b, s, heads, e // heads).transpose(1, 2)

            o = F.scaled_dot_product_attention(split(self.q(h)),
                                               split(self.k(h)),
                                               split(self.v(h)))
            return self.out(o.transpose(1, 2).reshape(b, s, e))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln0, self.ln1 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.attn = Attention()
            self.mlp0 = nn.Linear(width, 4 * width)
            self.mlp1 = nn.Linear(4 * width, width)

        def forward(self, h):
            h = h + self.attn(self.ln0(h))
            return h + self.mlp1(F.gelu(self.mlp0(self.ln1(h)),
                                        approximate="tanh"))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(8, width)
            self.pos = nn.Parameter(torch.empty(8, width).uniform_(-0.1, 0.1))
            self.blocks = nn.Sequential(*[Block() for _ in range(blocks)])
            self.ln = nn.LayerNorm(width)
            self.head = nn.Linear(width, 10)

        def forward(self, x):
            h = self.embed(x.reshape(x.shape[0], 8, 8)) + self.pos
            return self.head(self.ln(self.blocks(h)).mean(dim=1))

    return Model()


def torch_steps(torch, model, batch, steps, bf16):
    """Milliseconds of each of ``steps`` SGD steps on random digits-shaped
    batches (generated before the clock starts)."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    g = torch.Generator().manual_seed(0)
    xs = [torch.rand(batch, 1, 8, 8, generator=g) * 16 for _ in range(8)]
    ys = [torch.randint(0, 10, (batch,), generator=g) for _ in range(8)]
    loss_fn = torch.nn.CrossEntropyLoss()
    ms = []
    for i in range(steps):
        x, y = xs[i % 8], ys[i % 8]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        if bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = loss_fn(model(x), y)
        else:
            loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def main(argv=None):
    args = parse_args(argv)
    import torch
    import mpt.models

    compile_tool = tool(args.build_dir, "mpt-compile")
    run_tool = tool(args.build_dir, "mpt-run")
    os.makedirs(args.out, exist_ok=True)
    cores = sorted(os.sched_getaffinity(0))
    info = {"date": datetime.date.today().isoformat(),
            "cores": len(cores), "torch": torch.__version__,
            "load_average": os.getloadavg()}
    print(f"{info['date']}, {len(cores)} cores, torch {torch.__version__}, "
          f"load average {info['load_average'][0]:.2f}", flush=True)

    artifacts, compile_s = {}, {}
    for m in args.models:
        name, kw, _ = MODELS[m]
        src = os.path.join(args.out, f"{m}.mlir")
        with open(src, "w") as f:
            f.write(mpt.models.build(name, **kw).to_mlir(
                functions=("train_step",)))
        for p in ("f32", "bf16", "f16"):
            for base in ([False, True] if args.baseline_flags else [False]):
                key = (m, p, "baseline") if base else (m, p)
                art = os.path.join(args.out, f"{m}_{p}"
                                   f"{'_baseline' if base else ''}.mpt")
                t0 = time.perf_counter()
                run([compile_tool, src, f"--precision={p}", "-o", art] +
                    (args.baseline_flags if base else []))
                compile_s[key] = time.perf_counter() - t0
                artifacts[key] = art
                print(f"compiled {m} {p}{' (baseline)' if base else ''} in "
                      f"{compile_s[key]:.1f} s", flush=True)

    torch.manual_seed(0)
    ms = {}
    for threads in args.threads:
        os.sched_setaffinity(0, cores[:threads])
        torch.set_num_threads(threads)
        models = {m: torch_model(m, torch) for m in args.models}
        for r in range(args.rounds):
            for m in args.models:
                batch = MODELS[m][1]["batch"]
                kinds = ["mpt f32", "torch f32", "mpt bf16", "torch bf16",
                         "mpt f16"]
                if args.baseline_flags:
                    kinds = [k for kind in kinds for k in
                             ([kind, kind + " baseline"]
                              if kind.startswith("mpt") else [kind])]
                for kind in kinds:
                    key = (threads, m, kind)
                    if kind.startswith("torch"):
                        t = torch_steps(torch, models[m], batch, args.steps,
                                        kind.endswith("bf16"))
                    else:
                        p = kind.split()[1]
                        art = artifacts[(m, p, "baseline")
                                        if kind.endswith("baseline")
                                        else (m, p)]
                        report = os.path.join(args.out, f"{m}_{p}.json")
                        run([run_tool, art, "--data=digits",
                             f"--steps={args.steps}", f"--report={report}",
                             "--progress=none", f"--threads={threads}"])
                        rep = json.load(open(report))
                        if rep["device"].get("threads") != threads:
                            sys.exit(f"error: mpt-run ran {m} {p} on "
                                     f"{rep['device'].get('threads')} "
                                     f"threads, not {threads}")
                        t = [s["ms"] for s in rep["steps"]]
                    ms.setdefault(key, []).extend(t[args.warmup:])
            print(f"{threads} thread(s): round {r + 1}/{args.rounds} done",
                  flush=True)
    os.sched_setaffinity(0, cores)
    info["load_average_end"] = os.getloadavg()

    med = {k: statistics.median(v) for k, v in ms.items()}
    head = ["model", "threads", "mpt f32 ms", "torch f32 ms", "f32 ratio",
            "mpt bf16 ms", "torch bf16 ms", "bf16 ratio", "mpt f16 ms",
            "f16/f32", "compile s (f32/bf16/f16)"]
    rows, checks = [], []
    for threads in args.threads:
        for m in args.models:
            g = lambda kind: med[(threads, m, kind)]
            f32 = g("mpt f32") / g("torch f32")
            bf16 = g("mpt bf16") / g("torch bf16")
            f16 = g("mpt f16") / g("mpt f32")
            checks += [(m, threads, "f32 <= 0.8x torch", f32 <= TARGET_F32),
                       (m, threads, "bf16 <= 0.8x torch autocast",
                        bf16 <= TARGET_BF16),
                       (m, threads, "f16 <= 1.5x mpt f32", f16 <= TARGET_F16)]
            rows.append([MODELS[m][2], str(threads), f"{g('mpt f32'):.2f}",
                         f"{g('torch f32'):.2f}", f"{f32:.2f}",
                         f"{g('mpt bf16'):.2f}", f"{g('torch bf16'):.2f}",
                         f"{bf16:.2f}", f"{g('mpt f16'):.2f}", f"{f16:.2f}",
                         "/".join(f"{compile_s[(m, p)]:.1f}"
                                  for p in ("f32", "bf16", "f16"))])
    widths = [max(len(x[i]) for x in [head] + rows) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for line in rows:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
    print()
    for m, threads, what, ok in checks:
        print(f"{'holds' if ok else 'MISSED'}: {m}, {threads} thread(s): "
              f"{what}")
    if args.markdown:
        print()
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in rows:
            print("| " + " | ".join(line) + " |")
    if args.baseline_flags:
        print(f"\nside by side with the baseline "
              f"({' '.join(args.baseline_flags)}): median ms, now / baseline")
        bhead = ["model", "threads"] + [
            f"{p} {w}" for p in ("f32", "bf16", "f16")
            for w in ("baseline", "now", "ratio")] + [
            "compile s baseline/now (f16)"]
        brows = []
        for threads in args.threads:
            for m in args.models:
                row = [MODELS[m][2], str(threads)]
                for p in ("f32", "bf16", "f16"):
                    before = med[(threads, m, f"mpt {p} baseline")]
                    now = med[(threads, m, f"mpt {p}")]
                    row += [f"{before:.3f}", f"{now:.3f}",
                            f"{now / before:.2f}"]
                row.append(f"{compile_s[(m, 'f16', 'baseline')]:.1f}/"
                           f"{compile_s[(m, 'f16')]:.1f}")
                brows.append(row)
        print("| " + " | ".join(bhead) + " |")
        print("|" + "|".join("---" for _ in bhead) + "|")
        for line in brows:
            print("| " + " | ".join(line) + " |")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "steps": args.steps,
                   "baseline_flags": args.baseline_flags,
                   "rounds": args.rounds, "warmup": args.warmup,
                   "median_ms": {" / ".join(map(str, k)): v
                                 for k, v in med.items()},
                   "compile_s": {" ".join(k): v
                                 for k, v in compile_s.items()}}, f,
                  indent=2)
        f.write("\n")
    print(f"\nload average {info['load_average'][0]:.2f} -> "
          f"{info['load_average_end'][0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
