#!/usr/bin/env python3
"""Reliability runs and their figures in docs/reliability.md.

    python3 bench/reliability.py harness [--count 10000] [--seed 2] [--jobs N] [--cuda-every 4]
                                         [--for SECONDS] [--restart]
    python3 bench/reliability.py fuzz [--seconds 600] [--build-dir build-asan]
    python3 bench/reliability.py render        # rewrite the figures from the saved JSON

`harness` runs COUNT random training steps through every tool
(`python -m mpt.harness run`, docs/reliability.md), saves minimised failing
steps under test/Reliability/Regressions/ (regression inputs that
test/Reliability/regressions.test replays), writes the summary to
out/reliability/harness.json and the figures (graphs, legs, counts,
failures, crashes, verifier failures, error-to-bound ratios, time) into
docs/reliability.md between its `harness-figures` markers.

`fuzz` runs every libFuzzer target of the sanitizer build
(`scripts/fuzz.sh --seconds S`) on its seed corpus, writes
out/reliability/fuzz.json and the figures (executions, coverage, corpus,
crashes) between the `fuzz-figures` markers.

The harness run is resumable: every graph's result is appended to
out/reliability/harness-graphs.jsonl as it finishes, so an interrupted run
(or one limited with `--for`) goes on where it stopped when the same
command is run again, and the figures cover all graphs so far (marked
unfinished until COUNT are done); `--restart` starts over.

Both take hours at these sizes on a 2-core machine (about 1.6 CPU seconds a
graph, mostly mpt-compile's LLVM code generation; the fuzzers run one after
the other); see docs/reliability.md.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "reliability.md")
OUT = os.path.join(ROOT, "out", "reliability")


def machine():
    cpus = os.cpu_count()
    model = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpus} CPUs ({model})"


def replace_block(name, text):
    doc = open(DOC).read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in doc or end not in doc:
        sys.exit(f"error: {DOC} has no {begin} ... {end} block")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(DOC, "w") as f:
        f.write(head + begin + "\n" + text.rstrip() + "\n" + end + tail)


def fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}g}"


def render_harness(s):
    requested = s.get("requested", s["graphs"])
    segments = s.get("segments", [])
    how = f"({s['seconds'] / 3600:.1f} h"
    if len(segments) > 1:
        dates = sorted({x.get("date") for x in segments if x.get("date")})
        commits = [x["commit"] for x in segments if x.get("commit")]
        how += (f" in {len(segments)} resumed segments, {dates[0]} to {dates[-1]}" if dates else
                f" in {len(segments)} resumed segments")
        if len(set(commits)) > 1:
            how += ", commits " + ", ".join(dict.fromkeys(commits))
    how += ")"
    lines = [f"Run of {s['date']} on {s['machine']}: `python3 bench/reliability.py harness --count "
             f"{requested} --seed {s['seed']}` {how}."]
    if s["graphs"] < requested:
        lines.append(f"**Unfinished: {s['graphs']} of the {requested} graphs checked so far**; the same command "
                     f"goes on where it stopped (out/reliability/harness-graphs.jsonl).")
    lines.append("")
    kinds = s["kinds"]
    lines += ["| figure | count |", "|---|---|",
              f"| graphs | {s['graphs']} ({kinds.get('layers', 0)} of frontend layers, {kinds.get('loop', 0)} of "
              f"the scf.for template) |",
              f"| graphs with a failed check | {s['failed_graphs']} |",
              f"| crashes | {s['crashes']} |",
              f"| verifier failures | {s['verifier_failures']} |"]
    for leg, n in s["legs_passed"].items():
        lines.append(f"| leg `{leg}` passed | {n} |")
    for key, n in s["counts"].items():
        lines.append(f"| {key.replace('-', ' ')} | {n} |")
    for key, n in s["failures"].items():
        lines.append(f"| failed `{key}` | {n} |")
    lines += ["", "Largest error over its bound per graph (1 would fail), and how strict the bounds were "
              "(per graph, the median over its tensors of bound / max |reference|):", "",
              "| precision | error/bound p50 | p99 | max | bound/scale p10 | p50 | p90 |", "|---|---|---|---|---|---|---|"]
    for p, r in s["error_to_bound"].items():
        b = s.get("relative_bound", {}).get(p, {})
        lines.append(f"| {p} | {fmt(r['p50'])} | {fmt(r['p99'])} | {fmt(r['max'])} | {fmt(b.get('p10'))} | "
                     f"{fmt(b.get('p50'))} | {fmt(b.get('p90'))} |")
    lines += ["", "Layers drawn (a residual counts once, its body's layers too): " +
              ", ".join(f"{k} {v}" for k, v in sorted(s["layers"].items(), key=lambda kv: -kv[1])) + ".", "",
              "CPU seconds by tool: " + ", ".join(f"{k} {v:.0f}" for k, v in s["tool_cpu_seconds"].items()) + "."]
    if s.get("saved"):
        lines += ["", "Saved regression inputs: " + ", ".join(f"`{os.path.basename(p)}`" for p in s["saved"]) + "."]
    return "\n".join(lines)


def run_and_render(cmd, name, block, render, env=None):
    """Runs `cmd` with `--json out/reliability/NAME`, stamps the summary with
    the date and the machine, and writes its figures into the doc's `block`."""
    os.makedirs(OUT, exist_ok=True)
    out = os.path.join(OUT, name)
    if os.path.exists(out):
        os.remove(out)  # never render an earlier run's summary as this one's
    status = subprocess.call(cmd + ["--json", out], env=env)
    if not os.path.exists(out):
        print(f"error: the run wrote no {out} (exit status {status}); the figures are unchanged", file=sys.stderr)
        return status or 1
    s = json.load(open(out))
    s["date"] = datetime.date.today().isoformat()
    s["machine"] = machine()
    json.dump(s, open(out, "w"), indent=1)
    replace_block(block, render(s))
    print(f"wrote {out} and the figures in {DOC}")
    return status


def cmd_harness(a):
    os.makedirs(OUT, exist_ok=True)
    results = os.path.join(OUT, "harness-graphs.jsonl")
    if a.restart and os.path.exists(results):
        os.remove(results)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    env.setdefault("MPT_TOOLS_DIR", os.path.join(a.build_dir, "bin"))
    cmd = [sys.executable, "-m", "mpt.harness", "run", "--count", str(a.count), "--seed", str(a.seed),
           "--cuda-every", str(a.cuda_every), "--progress-every", "100", "--results", results,
           "--save-failures", os.path.join(ROOT, "test", "Reliability", "Regressions")]
    if a.jobs:
        cmd += ["--jobs", str(a.jobs)]
    if a.for_seconds:
        cmd += ["--for", str(a.for_seconds)]
    return run_and_render(cmd, "harness.json", "harness-figures", render_harness, env)


def render_fuzz(s):
    lines = [f"Run of {s['date']} on {s['machine']}: `python3 bench/reliability.py fuzz --seconds "
             f"{s['seconds']}` (each target alone, one after the other, ASan+UBSan build).", "",
             "| target | what it feeds | executions | exec/s | coverage (edges) | features | corpus | crashes |",
             "|---|---|---|---|---|---|---|---|"]
    for t in s["targets"]:
        lines.append(f"| `{t['name']}` | {t['what']} | {t['execs']} | {t['execs_per_s']} | {t['cov']} | "
                     f"{t['ft']} | {t['corpus']} | {t['crashes']} |")
    return "\n".join(lines)


def cmd_fuzz(a):
    return run_and_render(["bash", os.path.join(ROOT, "scripts", "fuzz.sh"), "--seconds", str(a.seconds),
                           "--build-dir", a.build_dir], "fuzz.json", "fuzz-figures", render_fuzz)


def cmd_render(a):
    for name, fn, block in (("harness.json", render_harness, "harness-figures"),
                            ("fuzz.json", render_fuzz, "fuzz-figures")):
        path = os.path.join(OUT, name)
        if os.path.exists(path):
            replace_block(block, fn(json.load(open(path))))
            print(f"rendered {path}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("harness")
    h.add_argument("--count", type=int, default=10000)
    h.add_argument("--seed", type=int, default=2)
    h.add_argument("--jobs", type=int, default=0)
    h.add_argument("--cuda-every", type=int, default=4)
    h.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    h.add_argument("--for", dest="for_seconds", type=float, default=0.0,
                   help="stop starting graphs after this many seconds; the same command resumes the run")
    h.add_argument("--restart", action="store_true", help="discard the saved graphs of an earlier run")
    f = sub.add_parser("fuzz")
    f.add_argument("--seconds", type=int, default=600)
    f.add_argument("--build-dir", default=os.path.join(ROOT, "build-asan"))
    sub.add_parser("render")
    a = p.parse_args()
    return {"harness": cmd_harness, "fuzz": cmd_fuzz, "render": cmd_render}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
