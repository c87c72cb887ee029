#!/bin/sh
# A stand-in for compute-sanitizer in the dry run of the device check (there
# is no GPU in CI): it takes the options the device check passes, runs the
# program after them, and ends with the summary line the real tool prints,
# reporting $FAKE_SANITIZER_ERRORS errors (default 0) and exiting with
# --error-exitcode when that is not 0, else with the program's status. What
# it tests is the device check's side: the command it runs, and how it reads
# the summary and the exit status.
tool=memcheck
code=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tool) tool=$2; shift 2 ;;
    --error-exitcode) code=$2; shift 2 ;;
    --*) echo "fake-compute-sanitizer: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
echo "========= COMPUTE-SANITIZER"
"$@"
status=$?
errors=${FAKE_SANITIZER_ERRORS:-0}
if [ "$tool" = racecheck ]; then
  echo "========= RACECHECK SUMMARY: $errors hazards displayed ($errors errors, 0 warnings)"
else
  echo "========= ERROR SUMMARY: $errors errors"
fi
if [ "$errors" != 0 ]; then exit "$code"; fi
exit $status
