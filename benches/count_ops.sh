#!/usr/bin/env bash
# Counts the operations a warm, repeated lookup makes on the database file, with strace.
# Usage: benches/count_ops.sh [DB]   (default: the database `cargo bench --bench scale` made)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/bench-data/scale.sqlite}"
cargo bench --bench scale --no-run >/dev/null 2>&1
bin=$(ls -t target/release/deps/scale-* | grep -v '\.d$' | head -n1)
log=$(mktemp)
SAFEDESK_BENCH_DB="$db" strace -f -qq -e trace=openat,close,read,pread64,write,pwrite64,fcntl,fsync,fdatasync,access,stat,newfstatat,lseek,unlink \
  -o "$log" "$bin" --ops >/dev/null 2>&1
# Keep the lines between the markers (written to stderr as write(2, "SAFEDESK-MARK-...")).
awk '/SAFEDESK-MARK-START/{on=1; next} /SAFEDESK-MARK-END/{on=0} on' "$log" > "$log.between"
echo "System calls during one warm lookup:"
grep -v 'write(2,' "$log.between" | sed -E 's/^[0-9]+ +//' | sed -E 's/\(.*//' | sort | uniq -c | sort -rn
echo
echo "In full:"
grep -v 'write(2,' "$log.between" | sed -E 's/^[0-9]+ +//'
rm -f "$log" "$log.between"
