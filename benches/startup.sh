#!/usr/bin/env bash
# Time from starting safedesk to its first usable screen, and its memory, on the scale database
# (made by `cargo bench --bench scale`). Runs the release binary in a pseudo-terminal 20 times.
# Usage: benches/startup.sh [DB]
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/bench-data/scale.sqlite}"
cargo build --release >/dev/null 2>&1
bin=target/release/safedesk
times=()
for i in $(seq 1 20); do
  start=$(date +%s%N)
  out=$(SAFEDESK_EXIT_AFTER_FIRST_DRAW=1 script -qec "/usr/bin/time -f 'TIME %e %M' $bin --db $db --user admin" /dev/null | tr -d '\r' | grep -a 'TIME' | tail -n1)
  end=$(date +%s%N)
  # Wall time measured outside, including starting the pseudo-terminal: an upper bound.
  times+=("TIME $(( (end - start) / 1000 )) $(echo "$out" | awk '{print $3}')")
done
ms=$(printf '%s\n' "${times[@]}" | awk '{ printf "%.1f\n", $2/1000 }' | sort -g)
mem=$(printf '%s\n' "${times[@]}" | awk '{ print $3 }' | sort -n | tail -n1)
n=$(echo "$ms" | wc -l)
median=$(echo "$ms" | sed -n "$(( (n + 1) / 2 ))p")
worst=$(echo "$ms" | tail -n1)
echo "start to first screen: median ${median} ms, worst ${worst} ms ($n runs, starting the pseudo-terminal included); max resident memory $(( mem / 1024 )) MB"
