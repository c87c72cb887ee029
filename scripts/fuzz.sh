#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for S seconds each, one after the
# other, on a fresh copy of its seed corpus (fuzz/corpus.sh), and prints
# executions, coverage and crashes per target (docs/reliability.md):
#
#   scripts/fuzz.sh [--seconds 60] [--targets artifact,npy,...] [--json OUT]
#                   [--build-dir build-asan] [--no-build]
#
# The targets live in the sanitizer build (scripts/build_asan.sh: clang 22,
# ASan + UBSan, libFuzzer instrumentation). A crash, a sanitizer report, a
# leak, an input running longer than 25 s or a process above 4 GiB fails
# the run: the input is kept as BUILD/fuzz-crashes/<target>-crash-<sha1>
# (rerun it: BUILD/fuzz/mpt-fuzz-<target> FILE) and the script exits 1.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=60
targets=artifact,checkpoint,npy,digits,ptx,mlir
json=""
build=${MPT_ASAN_BUILD_DIR:-$root/build-asan}
do_build=1
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "usage: scripts/fuzz.sh [--seconds S] [--targets a,b] [--json OUT] [--build-dir DIR] [--no-build]" >&2
       exit 2 ;;
  esac
done
if ((do_build)); then
  MPT_ASAN_BUILD_DIR=$build bash "$root/scripts/build_asan.sh" \
    mpt-fuzzers mpt-compile mpt-run mpt-artifact || exit 1
fi
# libMLIR.so is not instrumented (this holds for the instrumented tools
# fuzz/corpus.sh runs too): containers it fills and mpt's code reads
# would be false container-overflow reports, and memory LLVM's inlined
# allocators poison false use-after-poison reports (scripts/test_asan.sh).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_container_overflow=0:allow_user_poisoning=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
seeds=$build/fuzz-corpus
bash "$root/fuzz/corpus.sh" "$seeds" "$build" || { echo "error: fuzz/corpus.sh failed" >&2; exit 1; }

crashes_dir=$build/fuzz-crashes
mkdir -p "$crashes_dir"
status=0
results=()
IFS=, read -ra list <<< "$targets"
for t in "${list[@]}"; do
  exe=$build/fuzz/mpt-fuzz-$t
  [ -x "$exe" ] || { echo "error: $exe is not built" >&2; status=1; continue; }
  work=$build/fuzz-work/$t
  rm -rf "$work" && mkdir -p "$work"
  extra=()
  case "$t" in
    mlir) extra=(-dict="$root/fuzz/mlir.dict" -only_ascii=1 -max_len=32768) ;;
    ptx) extra=(-only_ascii=1) ;;
  esac
  log=$build/fuzz-work/$t.log
  echo "== fuzz $t: ${seconds} s =="
  start=$(date +%s)
  "$exe" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$crashes_dir/$t-" "${extra[@]}" \
    "$work" "$seeds/$t" > "$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
  crashes=0
  if ((rc != 0)); then
    crashes=1
    status=1
    echo "FAIL: mpt-fuzz-$t exited with $rc after $(( $(date +%s) - start )) s:"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written|==[0-9]+==" "$log" | head -20
    tail -40 "$log"
  fi
  echo "  executions ${execs:-?} (${rate:-?}/s), coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}, crashes $crashes"
  results+=("{\"target\": \"$t\", \"execs\": ${execs:-0}, \"execs_per_s\": ${rate:-0}, \"cov\": ${cov:-0}, \"ft\": ${ft:-0}, \"corpus\": ${corp:-0}, \"crashes\": $crashes, \"exit\": $rc}")
done
if [ -n "$json" ]; then
  python3 - "$json" "$seconds" "${results[@]}" <<'PY'
import json, sys
what = {
    "artifact": "artifact files: container, signature table, launch plan, ELF checks, PTX",
    "checkpoint": "checkpoints restored into a session",
    "npy": ".npy files, class-label checks",
    "digits": "the digits CSV (gzip or plain)",
    "ptx": "PTX: parse, decode, one bounded launch",
    "mlir": "MLIR: parse, verify, mpt-mixed-precision",
}
out, seconds, *rows = sys.argv[1:]
targets = []
for r in rows:
    t = json.loads(r)
    t["name"] = "mpt-fuzz-" + t.pop("target")
    t["what"] = what[t["name"][len("mpt-fuzz-"):]]
    targets.append(t)
json.dump({"seconds": int(seconds), "targets": targets}, open(out, "w"), indent=1)
PY
fi
if ((status == 0)); then echo "FUZZING: NO CRASHES"; else echo "FUZZING FOUND PROBLEMS"; fi
exit $status
