#!/usr/bin/env bash
# The README test command: installs and builds what is missing, then runs
# every test (lit regression tests, GoogleTest unit tests through lit, and
# the Python frontend's pytest suite) and prints one pass/fail summary.
# With --asan [--all]: the runtime, emulator and end-to-end tests under
# ASan+UBSan (scripts/test_asan.sh).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_BUILD_DIR:-$root/build}
python=${PYTHON:-python3}

bash "$root/scripts/setup.sh" || exit 1
# --asan: the sanitizer build and the tests that run under it instead
# (docs/reliability.md).
if [ "${1:-}" = "--asan" ]; then
  exec bash "$root/scripts/test_asan.sh" "${@:2}"
fi
bash "$root/scripts/build.sh" all mpt-test-deps || { echo "BUILD FAILED"; exit 1; }

declare -A status
echo "== lit: regression and unit tests =="
/usr/lib/llvm-22/bin/lit -sv "$build/test" "$build/test/Unit"
status[lit]=$?

if [ -d "$root/python/tests" ]; then
  echo "== pytest: python/tests =="
  MPT_BUILD_DIR="$build" "$python" -m pytest -q "$root/python/tests"
  status[pytest]=$?
fi

echo
echo "== summary =="
failed=0
for suite in "${!status[@]}"; do
  if [ "${status[$suite]}" -eq 0 ]; then
    echo "  $suite: PASSED"
  else
    echo "  $suite: FAILED"
    failed=1
  fi
done
if [ $failed -eq 0 ]; then echo "ALL TESTS PASSED"; else echo "SOME TESTS FAILED"; fi
exit $failed
