"""``python -m mpt.harness``: random training steps through the tool chain.

::

    python -m mpt.harness run --count 200 [--seed 0] [--jobs 2] [--cuda-every 5] [--max-layers 5]
                              [--json summary.json] [--save-failures DIR] [--keep DIR] [--no-minimize]
                              [--results FILE.jsonl] [--for SECONDS]
    python -m mpt.harness one SEED [--cuda] [--keep DIR]   check one graph, print its legs
    python -m mpt.harness show SEED                        print the spec and the MLIR of a graph
    python -m mpt.harness replay FILE.json...              re-check saved regression inputs

Graph ``i`` of a run with ``--seed S`` is the spec of seed ``S * 1000003 + i``
(:func:`mpt.harness.generate.random_spec`), so ``one`` and ``show`` reproduce
any graph of any run. With ``--results FILE`` a run is resumable: each
graph's result is appended to FILE as it finishes, and a later run with the
same seed skips the graphs FILE holds and summarises all of them; ``--for S``
stops starting graphs after S seconds (the run then exits 1 as unfinished,
and the same command goes on). The tools come from ``$MPT_TOOLS_DIR``,
``$MPT_BUILD_DIR/bin`` or the repository's ``build/bin``. The exit status is 1
when any check failed; every failing graph is minimised and, with
``--save-failures``, saved as a regression input (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .check import Failure, check_graph
from .generate import build, random_spec
from .minimize import minimize, save


def graph_seed(run_seed: int, i: int) -> int:
    return run_seed * 1000003 + i


def _one(args):
    seed, index, cuda_every, max_layers, timeout, keep = args
    spec = random_spec(seed, max_layers=max_layers)
    r = check_graph(spec, index=index, cuda_every=cuda_every, timeout=timeout, seed=seed,
                    keep=Path(keep) if keep else None)
    return {"index": index, **r.as_dict()}


def _percentile(values, q):
    return float(np.percentile(values, q)) if values else None


def summarize(results: list[dict], seconds: float, run_seed: int, cuda_every: int) -> dict:
    kinds, legs, counts, failure_kinds = {}, {}, {}, {}
    ratios: dict[str, list[float]] = {}
    bounds: dict[str, list[float]] = {}
    ops = {}
    timing: dict[str, float] = {}
    tool_cpu: dict[str, float] = {}
    for r in results:
        spec = r["spec"]
        kinds[spec["kind"]] = kinds.get(spec["kind"], 0) + 1
        for leg in r["legs"]:
            legs[leg] = legs.get(leg, 0) + 1
        for k, v in r["counts"].items():
            counts[k] = counts.get(k, 0) + v
        for f in r["failures"]:
            key = f"{f['leg']}:{f['kind']}"
            failure_kinds[key] = failure_kinds.get(key, 0) + 1
        for p, v in r["ratios"].items():
            ratios.setdefault(p, []).append(v)
        for p, v in r.get("bounds", {}).items():
            bounds.setdefault(p, []).append(v)
        for leg, v in r.get("timing", {}).items():
            timing[leg] = timing.get(leg, 0.0) + v
        for tool, v in r.get("tool_cpu", {}).items():
            tool_cpu[tool] = tool_cpu.get(tool, 0.0) + v
        if spec["kind"] == "layers":
            stack = list(spec["layers"])
            while stack:
                layer = stack.pop()
                ops[layer["op"]] = ops.get(layer["op"], 0) + 1
                if layer["op"] == "residual":
                    stack.extend(layer["layers"])
        else:
            ops["scf.for template"] = ops.get("scf.for template", 0) + 1
    return {
        "format": "mpt-harness-summary", "version": 1, "seed": run_seed, "graphs": len(results),
        "cuda_every": cuda_every, "seconds": round(seconds, 1), "kinds": kinds, "layers": ops,
        "legs_passed": dict(sorted(legs.items())), "counts": dict(sorted(counts.items())),
        "failed_graphs": sum(1 for r in results if r["failures"]),
        "failures": dict(sorted(failure_kinds.items())),
        "crashes": sum(1 for r in results for f in r["failures"] if f["kind"] == "crash"),
        "verifier_failures": sum(1 for r in results for f in r["failures"] if f["kind"] == "verifier"),
        "leg_seconds": {k: round(v, 1) for k, v in sorted(timing.items())},
        "tool_cpu_seconds": {k: round(v, 1) for k, v in sorted(tool_cpu.items())},
        "error_to_bound": {p: {"max": max(v), "p50": _percentile(v, 50), "p99": _percentile(v, 99)}
                           for p, v in sorted(ratios.items())},
        # Per graph the median over its tensors of bound / max |reference|:
        # how strict the numeric checks were.
        "relative_bound": {p: {"p10": _percentile(v, 10), "p50": _percentile(v, 50), "p90": _percentile(v, 90)}
                           for p, v in sorted(bounds.items())},
    }


def _commit() -> str | None:
    """The checkout's commit, to tell the segments of a resumed run apart."""
    try:
        p = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=10)
        return p.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _load_results(path: Path, header: dict) -> tuple[list[dict], list[dict]]:
    """The graphs a resumable run (``--results FILE``) has already checked,
    and its earlier segments (graphs, seconds, jobs, commit). The file is JSON
    lines: a header naming the run (seed, cuda_every, max_layers), then one
    line per checked graph and one per finished segment. A header for
    another run is an error: the file would mix two runs' graphs."""
    if not path.exists():
        return [], []
    results, segments = [], []
    with path.open() as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                # A line cut short by a kill while it was written: the graph
                # is checked again.
                print(f"[harness] {path}:{n}: ignoring an incomplete line", file=sys.stderr)
                continue
            if "run" in rec:
                if rec["run"] != header:
                    raise SystemExit(f"error: {path} holds the graphs of another run ({rec['run']}, this one is "
                                     f"{header}); use another --results file or delete it")
            elif "segment" in rec:
                segments.append(rec["segment"])
            else:
                results.append(rec)
    return results, segments


def cmd_run(a) -> int:
    jobs = a.jobs or max(1, os.cpu_count() or 1)
    header = {"seed": a.seed, "cuda_every": a.cuda_every, "max_layers": a.max_layers}
    results, segments = [], []
    log = None
    if a.results:
        path = Path(a.results)
        results, segments = _load_results(path, header)
        done = {r["index"] for r in results}
        results = [r for r in results if r["index"] < a.count]
        if not path.exists() or path.stat().st_size == 0:
            path.write_text(json.dumps({"run": header}) + "\n")
        log = path.open("a")
        if done:
            print(f"[harness] resuming {path}: {len(results)} of {a.count} graphs already checked",
                  file=sys.stderr, flush=True)
    else:
        done = set()
    todo = [i for i in range(a.count) if i not in done]
    tasks = iter([(graph_seed(a.seed, i), i, a.cuda_every, a.max_layers, a.timeout, a.keep) for i in todo])
    start = time.monotonic()
    deadline = start + a.for_seconds if a.for_seconds else None
    checked = 0
    new = set()
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        # A bounded window of graphs in flight, so that a run with a time
        # limit stops starting graphs once the limit is reached and only
        # finishes those already started.
        pending = set()

        def refill():
            while len(pending) < 2 * jobs and (deadline is None or time.monotonic() < deadline):
                task = next(tasks, None)
                if task is None:
                    return
                pending.add(pool.submit(_one, task))

        refill()
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                pending.discard(fut)
                r = fut.result()
                results.append(r)
                new.add(r["index"])
                checked += 1
                if log:
                    log.write(json.dumps(r) + "\n")
                    log.flush()
                for f in r["failures"]:
                    print(f"FAIL graph seed {r['seed']} [{f['leg']}: {f['kind']}] {f['message']}", flush=True)
                if checked % a.progress_every == 0:
                    bad = sum(1 for x in results if x["failures"])
                    print(f"[harness] {len(results)}/{a.count} graphs, {bad} failed, "
                          f"{time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
            refill()
    elapsed = time.monotonic() - start
    segments.append({"graphs": checked, "seconds": round(elapsed, 1), "jobs": jobs, "commit": _commit(),
                     "date": time.strftime("%Y-%m-%d")})
    if log:
        log.write(json.dumps({"segment": segments[-1]}) + "\n")
        log.close()
    results.sort(key=lambda r: r["index"])
    bad = sum(1 for x in results if x["failures"])
    print(f"[harness] {len(results)}/{a.count} graphs, {bad} failed, {elapsed:.0f} s", file=sys.stderr, flush=True)
    summary = summarize(results, sum(x["seconds"] for x in segments), a.seed, a.cuda_every)
    summary["requested"] = a.count
    summary["segments"] = segments
    failing = [r for r in results if r["failures"]]
    saved = []
    if failing and not a.no_minimize:
        # Graphs of earlier segments of a resumed run were minimised then.
        for r in [r for r in failing if r["index"] in new][:a.minimize_limit]:
            f = Failure(**r["failures"][0])
            print(f"[harness] minimising graph seed {r['seed']} ({f.leg}: {f.kind})", file=sys.stderr)
            small = minimize(r["spec"], f, r["plan"], timeout=a.timeout, log=lambda s: print(s, file=sys.stderr))
            print(f"[harness] minimal failing spec: {json.dumps(small, sort_keys=True)}", flush=True)
            if a.save_failures:
                p = save(small, f, Path(a.save_failures), f"python -m mpt.harness one {r['seed']}")
                saved.append(str(p))
                print(f"[harness] saved {p}", flush=True)
    summary["saved"] = saved
    if a.json:
        Path(a.json).write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps({k: summary[k] for k in ("graphs", "kinds", "legs_passed", "counts", "failed_graphs",
                                              "failures", "error_to_bound", "leg_seconds", "tool_cpu_seconds",
                                              "seconds")}, indent=1))
    ok = not failing
    if len(results) < a.count:
        print(f"UNFINISHED: {len(results)} of {a.count} graphs checked (--for {a.for_seconds:g} s); run the same "
              f"command again to go on", flush=True)
        ok = False
    cuda_legs = sum(v for k, v in summary["legs_passed"].items() if k.startswith("cuda-"))
    if a.min_cuda and cuda_legs < a.min_cuda:
        print(f"FAIL: fewer than {a.min_cuda} cuda legs ran", flush=True)
        ok = False
    if failing:
        print(f"{summary['failed_graphs']} OF {len(results)} GRAPHS FAILED")
    elif ok:
        print("ALL GRAPHS PASSED")
    return 0 if ok else 1


def _print_result(r) -> int:
    for leg in r.legs:
        print(f"  {leg}: ok")
    for f in r.failures:
        print(f"  {f.leg}: FAILED ({f.kind}) {f.message}")
    for p, v in sorted(r.ratios.items()):
        print(f"  largest error / bound at {p}: {v:.3g}")
    return 1 if r.failures else 0


def cmd_one(a) -> int:
    spec = random_spec(a.seed, max_layers=a.max_layers)
    print(json.dumps(spec, sort_keys=True))
    r = check_graph(spec, index=0, cuda_every=1 if a.cuda else 0, timeout=a.timeout, seed=a.seed,
                    keep=Path(a.keep) if a.keep else None)
    return _print_result(r)


def cmd_show(a) -> int:
    spec = random_spec(a.seed, max_layers=a.max_layers)
    print("// spec: " + json.dumps(spec, sort_keys=True))
    print(build(spec).to_mlir())
    return 0


def cmd_replay(a) -> int:
    status = 0
    files = [Path(f) for f in a.files]
    if not files:
        print("error: no regression inputs given", file=sys.stderr)
        return 1
    for path in files:
        record = json.loads(path.read_text())
        print(f"{path.name}: was {record['failure']['leg']}: {record['failure']['kind']}")
        r = check_graph(record["spec"], index=0, cuda_every=1, timeout=a.timeout)
        status |= _print_result(r)
    print("ALL REGRESSION INPUTS PASS" if status == 0 else "SOME REGRESSION INPUTS FAIL")
    return status


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m mpt.harness", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="check COUNT random graphs")
    r.add_argument("--count", type=int, default=200)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--jobs", type=int, default=0, help="parallel graphs (default: the CPU count)")
    r.add_argument("--cuda-every", type=int, default=5, help="a cuda-emu leg for every K-th graph (0: none)")
    r.add_argument("--min-cuda", type=int, default=0, help="fail unless at least this many cuda legs ran")
    r.add_argument("--max-layers", type=int, default=5)
    r.add_argument("--timeout", type=float, default=300.0, help="seconds per tool run")
    r.add_argument("--json", help="write the summary here")
    r.add_argument("--save-failures", help="save minimised failing specs here (regression inputs)")
    r.add_argument("--keep", help="keep the working directories of failing graphs here")
    r.add_argument("--no-minimize", action="store_true")
    r.add_argument("--minimize-limit", type=int, default=5, help="minimise at most this many failing graphs")
    r.add_argument("--progress-every", type=int, default=50)
    r.add_argument("--results", help="resumable run: append each graph's result to this JSON-lines file and skip "
                                     "the graphs it already holds (the summary covers all of them)")
    r.add_argument("--for", dest="for_seconds", type=float, default=0.0,
                   help="start no graph after this many seconds (0: no limit); with --results, run the same "
                        "command again to go on")
    o = sub.add_parser("one", help="check one graph")
    o.add_argument("seed", type=int)
    o.add_argument("--cuda", action="store_true", help="also the cuda-emu leg")
    o.add_argument("--max-layers", type=int, default=5)
    o.add_argument("--timeout", type=float, default=300.0)
    o.add_argument("--keep")
    s = sub.add_parser("show", help="print a graph's spec and MLIR")
    s.add_argument("seed", type=int)
    s.add_argument("--max-layers", type=int, default=5)
    rp = sub.add_parser("replay", help="re-check saved regression inputs")
    rp.add_argument("files", nargs="*")
    rp.add_argument("--timeout", type=float, default=300.0)
    a = p.parse_args(argv)
    return {"run": cmd_run, "one": cmd_one, "show": cmd_show, "replay": cmd_replay}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
