#!/usr/bin/env bash
# scripts/run_tests.sh --asan [--all]: builds the runtime, the PTX emulator
# and the tools with AddressSanitizer + UndefinedBehaviorSanitizer (clang 22,
# in build-asan/: scripts/build_asan.sh) and runs under them the runtime,
# emulator and end-to-end lit tests, the runtime's and emulator's unit tests
# and the harness's regression inputs. Any sanitizer report fails its test.
# CI runs this (.ci/run). Three end-to-end tests that train whole models on
# the instrumented emulator (about 10 minutes each there) run only with
# --all. Prints ASAN TESTS PASSED or ASAN TESTS FAILED (and exits non-zero).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_ASAN_BUILD_DIR:-$root/build-asan}
all=0
for arg in "$@"; do
  case "$arg" in
    --all) all=1 ;;
    *) echo "usage: scripts/run_tests.sh --asan [--all]" >&2; exit 2 ;;
  esac
done
start=$(date +%s)
MPT_ASAN_BUILD_DIR=$build bash "$root/scripts/build_asan.sh" ||
  { echo "ASAN BUILD FAILED"; exit 1; }
built=$(date +%s)

# Every report is fatal; leaks are reported. libMLIR.so and libstdc++ are
# not instrumented, so container-overflow checks (which need every writer of
# a container instrumented) are off, and so is user poisoning: LLVM's
# allocators, inlined into mpt's instrumented code, poison memory that the
# uninstrumented libMLIR.so then hands out. A malloc the allocator cannot
# serve returns null, as without ASan; ASan's operator new cannot throw
# std::bad_alloc (it reports and aborts), so the tests of that path are
# UNSUPPORTED here (lit feature 'asan', GTEST_SKIP in the unit tests).
asan_options=detect_container_overflow=0:allow_user_poisoning=0:allocator_may_return_null=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:$asan_options}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0}
lit=/usr/lib/llvm-22/bin/lit
e2e=$build/test/Integration/EndToEnd
mpi_tests='data-parallel-'
slow_tests='gpu-equals-cpu|gpu-digits-cnn|model-zoo'
failed=0

echo "== lit under ASan+UBSan: runtime, emulator, end-to-end, unit tests =="
filter="$mpi_tests|$slow_tests"
((all)) && filter="$mpi_tests"
"$lit" -sv --filter-out "$filter" "$build/test/Runtime" "$build/test/PTXEmu" \
  "$e2e" "$build/test/Reliability/regressions.test" "$build/test/Unit" ||
  failed=1

# The data-parallel tests under mpirun: memory errors and undefined
# behaviour are fatal as above, leaks are not checked. Open MPI leaks in its
# own components at MPI_Finalize and unloads them, so their stacks end in
# "<unknown module>" frames that no suppression can name.
echo "== lit under ASan+UBSan (leak checks off): data-parallel tests under mpirun =="
ASAN_OPTIONS=${MPT_ASAN_MPI_OPTIONS:-detect_leaks=0:$asan_options} \
  "$lit" -sv --filter "$mpi_tests" "$e2e" || failed=1

echo "[asan] build $(( built - start )) s, tests $(( $(date +%s) - built )) s"
if ((all == 0)); then
  echo "[asan] not run (--all runs them): ${slow_tests//|/, }"
fi
if ((failed == 0)); then echo "ASAN TESTS PASSED"; else echo "ASAN TESTS FAILED"; fi
exit $failed
