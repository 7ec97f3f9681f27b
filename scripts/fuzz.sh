#!/usr/bin/env bash
# scripts/fuzz.sh BUILD SECONDS [TARGET...]: runs each libFuzzer target (all four unless named)
# for SECONDS (make fuzz: FUZZ_SECONDS), starting from its committed corpus and the shipped files
# of its kind, and prints executions and findings per target. An input that crashes is written
# to tests/fuzz/corpus/TARGET/ (so make test replays it from then on); the inputs that found new
# coverage stay in BUILD/fuzz-corpus/TARGET, outside the tree.
set -uo pipefail
build=${1:?build folder}
seconds=${2:-300}
shift 2 || true
targets=${*:-runbook environment fields key_script}
root=$(cd "$(dirname "$0")/.." && pwd)
declare -A seeds=(
  [runbook]="$root/checklists $root/tests/runbooks/invalid"
  [environment]="$root/data"
  [fields]=""
  [key_script]="$root/data $root/tests/tui/scripts"
)
printf '%-12s %12s %10s %8s %s\n' target executions "exec/s" crashes corpus
status=0
for target in $targets; do
  work="$build/fuzz-corpus/$target"
  mkdir -p "$work"
  log="$build/fuzz-$target.log"
  # shellcheck disable=SC2086
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$root/tests/fuzz/corpus/$target/crash-" \
    "$work" "$root/tests/fuzz/corpus/$target" ${seeds[$target]} >"$log" 2>&1
  rc=$?
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  speed=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
  crashes=$(ls "$root/tests/fuzz/corpus/$target" | grep -c '^crash-' || true)
  printf '%-12s %12s %10s %8s %s\n' "$target" "${runs:-?}" "${speed:-?}" "$crashes" "$(ls "$work" | wc -l) inputs"
  if [ "$rc" -ne 0 ]; then status=1; echo "  $target stopped with status $rc: see $log"; fi
done
exit $status
