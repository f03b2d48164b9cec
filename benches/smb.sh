#!/usr/bin/env bash
# Lookup latency through a real SMB share beside the local disk (benches/share.rs): the folder
# holding the scale database is served by a private smbd on 127.0.0.1 and mounted with smbnetfs
# (tests/smb/share.sh), then the same lookups run on the file directly and through the mount.
# Needs samba, smbnetfs and fuse3 (apt-get install samba smbnetfs fuse3) and /dev/fuse.
# Usage: benches/smb.sh [DB]   (default: the database `cargo bench --bench scale` made)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/bench-data/scale.sqlite}"
target_dir="${CARGO_TARGET_DIR:-target}"
if [ ! -f "$db" ]; then
  echo "Making the scale database at $db (100 000 customers, 1 000 000 incidents)..."
  cargo bench --bench scale --no-run >/dev/null 2>&1
  scale=$(ls -t "$target_dir"/release/deps/scale-* | grep -v '\.d$' | head -n1)
  mkdir -p "$(dirname "$db")"
  SAFEDESK_BENCH_DB="$db" "$scale" --ops >/dev/null 2>&1
fi
cargo bench --bench share --no-run >/dev/null 2>&1
bin=$(ls -t "$target_dir"/release/deps/share-* | grep -v '\.d$' | head -n1)
state=$(mktemp -d)
trap 'tests/smb/share.sh down "$state/st"; rm -rf "$state"' EXIT
started=$(date +%s%N)
through=$(tests/smb/share.sh up "$state/st" "$(dirname "$db")")
echo "share mounted in $(( ($(date +%s%N) - started) / 1000000 )) ms at $through"
"$bin" --local "$db" --mount "$through/$(basename "$db")"
