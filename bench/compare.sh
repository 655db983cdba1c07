#!/usr/bin/env bash
# Side-by-side benchmark: fivefold (Java) vs PyTorch, same thread count, one table.
#
# Usage: bench/compare.sh [--threads N] [--quick] [--strict] [--only G,..] [--scaling]
#   --threads N  threads for both sides (default: nproc)
#   --quick      pass --quick to both sides (shorter runs)
#   --strict     exit 1 if any target is missed (see bench/join.py)
#   --only G,..  only these groups on both sides (e.g. --only lstm_train; default: all)
#   --scaling    run both sides at 1 thread and at N, one after the other, and print the
#                scaling table (parallel efficiency = rate at N / (N x rate at 1)) after the
#                usual table at N threads
# Environment:
#   FIVEFOLD  launcher to run (default: <repo>/fivefold); it is called as
#             "$FIVEFOLD bench --json --threads N [--quick] --only GROUP", once per group (each
#             group in its own process, as on the PyTorch side), and must print JSON lines
#             {"work": <key>, "value": <number>, "unit": <unit>} with the keys that
#             bench/torch_reference.py prints.
#   PYTHON    python with torch for the PyTorch side (default: /usr/bin/python3);
#             the table is always joined by /usr/bin/python3 (stdlib only)
#   KEEP      directory to keep the raw JSON-lines outputs in (default: a temp dir, removed)
# The two sides run one after the other, never concurrently. Stderr of both is shown.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
THREADS=$(nproc 2>/dev/null || echo 1)
QUICK=()
STRICT=()
FF_ONLY=()
PY_ONLY=()
SCALING=0
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
    --threads=*) THREADS=${1#*=}; shift ;;
    --quick) QUICK=(--quick); shift ;;
    --strict) STRICT=(--strict); shift ;;
    --scaling) SCALING=1; shift ;;
    --only) G=${2:?--only needs groups}; FF_ONLY=(--only "$G"); IFS=, read -r -a PY_G <<< "$G"; PY_ONLY=(--only "${PY_G[@]}"); shift 2 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compare.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# the groups of `fivefold bench` (BenchCommand.GROUPS), each run in its own JVM
FF_GROUPS=(sgemm mlp_train lenet5_train gpt_train vit_train cnn_train lstm_train gpt256_train gpt512_train)
[ ${#FF_ONLY[@]} -gt 0 ] && IFS=, read -r -a FF_GROUPS <<< "${FF_ONLY[1]}"
PY=${PYTHON:-/usr/bin/python3}
FIVEFOLD=${FIVEFOLD:-$ROOT/fivefold}
if [ -n "${KEEP:-}" ]; then
  OUT=$KEEP; mkdir -p "$OUT"
else
  OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
fi

# run_sides THREADS SUFFIX: both sides at THREADS threads into $OUT/{fivefold,pytorch}SUFFIX.jsonl
run_sides() {
  local t=$1 sfx=$2 rc
  : > "$OUT/fivefold$sfx.jsonl"; : > "$OUT/pytorch$sfx.jsonl"
  echo "== fivefold: $FIVEFOLD bench --json --threads $t ${QUICK[*]} --only <group>, one JVM per group: ${FF_GROUPS[*]}" >&2
  if [ -x "$FIVEFOLD" ]; then
    # one JVM per group, as PyTorch runs one process per group, so each peak RSS is that group's own
    local g first=1
    for g in "${FF_GROUPS[@]}"; do
      if [ $first = 1 ]; then
        "$FIVEFOLD" bench --json --threads "$t" "${QUICK[@]}" --only "$g" >> "$OUT/fivefold$sfx.jsonl"
      else # the peak is measured once, in the first group's process
        "$FIVEFOLD" bench --json --threads "$t" "${QUICK[@]}" --only "$g" | grep -v '"work":"fp32_peak"' >> "$OUT/fivefold$sfx.jsonl"
      fi
      rc=${PIPESTATUS[0]}
      [ $rc -ne 0 ] && echo "compare.sh: fivefold bench --only $g exited with code $rc (partial results used)" >&2
      first=0
    done
  else
    echo "compare.sh: MISSING: $FIVEFOLD not found or not executable -- the Java side" \
         "('fivefold bench --json') is not available; its column will show '-'" >&2
  fi

  echo "== pytorch: $PY bench/torch_reference.py --threads $t ${QUICK[*]} ${PY_ONLY[*]}" >&2
  if "$PY" -c 'import torch' 2>/dev/null; then
    "$PY" "$ROOT/bench/torch_reference.py" --threads "$t" "${QUICK[@]}" "${PY_ONLY[@]}" > "$OUT/pytorch$sfx.jsonl"
    rc=$?
    [ $rc -ne 0 ] && echo "compare.sh: torch_reference.py exited with code $rc (partial results used)" >&2
  else
    echo "compare.sh: MISSING: $PY cannot import torch; its column will show '-'" >&2
  fi
}

run_sides "$THREADS" ""
[ "$SCALING" = 1 ] && run_sides 1 "-t1"

echo
echo "threads=$THREADS ${QUICK[*]}"
JOINPY=/usr/bin/python3; [ -x "$JOINPY" ] || JOINPY=python3
"$JOINPY" "$ROOT/bench/join.py" "$OUT/fivefold.jsonl" "$OUT/pytorch.jsonl" "${STRICT[@]}"
rc=$?
if [ "$SCALING" = 1 ]; then
  echo
  echo "scaling: 1 vs $THREADS threads"
  "$JOINPY" "$ROOT/bench/join.py" --scaling "$THREADS" "$OUT/fivefold-t1.jsonl" "$OUT/fivefold.jsonl" \
    "$OUT/pytorch-t1.jsonl" "$OUT/pytorch.jsonl"
fi
exit $rc
