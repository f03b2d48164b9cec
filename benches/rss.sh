#!/usr/bin/env bash
# Resident memory of the running app (the release binary, not the bench process) on the scale
# database, after a busy minute of lookups: safedesk runs in tmux at 80x24 and is typed at with
# send-keys (names, phone numbers, last digits, typos, opening cards and scrolling them), then
# VmRSS (now) and VmHWM (the peak) are read from /proc. Target: 60 MB.
# Usage: benches/rss.sh [DB] [SECONDS]
#   DB: default target/bench-data/scale.sqlite, made by the scale bench when missing (~30 s)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/bench-data/scale.sqlite}"
seconds="${2:-60}"
target_dir="${CARGO_TARGET_DIR:-target}"
command -v tmux >/dev/null || {
  echo "rss.sh needs tmux" >&2
  exit 1
}
if [ ! -f "$db" ]; then
  echo "Making the scale database at $db (100 000 customers, 1 000 000 incidents)..."
  cargo bench --bench scale --no-run >/dev/null 2>&1
  scale=$(ls -t "$target_dir"/release/deps/scale-* | grep -v '\.d$' | head -n1)
  mkdir -p "$(dirname "$db")"
  # --ops makes the database when it is missing, then does three lookups.
  SAFEDESK_BENCH_DB="$db" "$scale" --ops >/dev/null 2>&1
fi
cargo build --release >/dev/null 2>&1
bin="$(cd "$target_dir" && pwd)/release/safedesk"
db="$(cd "$(dirname "$db")" && pwd)/$(basename "$db")"
work=$(mktemp -d)
session="safedesk-rss-$$"
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
touch "$work/config.toml"
tmux new-session -d -s "$session" -x 80 -y 24 \
  "cd '$work' && SAFEDESK_CONFIG='$work/config.toml' SAFEDESK_LOCAL_DIR='$work/local' exec '$bin' --db '$db' --user admin"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
screen() { tmux capture-pane -p -t "$session"; }
for _ in $(seq 1 300); do
  screen | grep -q "Find a caller" && break
  sleep 0.1
done
screen | grep -q "Find a caller" || {
  echo "safedesk did not show its first screen:" >&2
  screen >&2
  exit 1
}
mem() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
start_rss=$(mem VmRSS)

# What a phone team types in a busy minute: the bench's queries, common names, parts of names,
# numbers in several forms, last digits, misspellings, an email.
queries=(
  "07700 900123" "Deborah Johnson" "johnson" "Jonhson" "smith" "kowalczyk" "zoe aberg"
  "+44 7700 900123" "900123" "020 7946 0018" "patel" "khan" "sarah" "wilson" "williams"
  "jones" "brown" "taylor" "davies" "evans" "thomas" "roberts" "smyth" "jhonson" "okafor"
  "precious" "mohammed" "o'brien" "07700 90" "0161" "wiliams" "tayler" "james walker"
  "emma" "lee" "ali" "clarke" "hughes" "edwards" "green" "hall" "wood" "harris" "martin"
  "jackson" "thompson" "white" "lewis" "robinson" "walker" "young" "allen" "king" "wright"
  "scott" "mitchell" "deborah.johnson@example.com" "aberg" "adeyemi" "tunde"
)
lookups=0
cards=0
end=$(($(date +%s) + seconds))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
  q="${queries[$((i % ${#queries[@]}))]}"
  i=$((i + 1))
  tmux send-keys -t "$session" C-u
  # Typed a letter at a time, as a person types: every letter is a lookup.
  for ((k = 0; k < ${#q}; k++)); do
    tmux send-keys -t "$session" -l -- "${q:k:1}"
    sleep 0.04
  done
  lookups=$((lookups + 1))
  sleep 0.3
  # Every other query: open the card, scroll its history, and come back.
  if [ $((i % 2)) -eq 0 ]; then
    tmux send-keys -t "$session" Enter
    sleep 0.3
    tmux send-keys -t "$session" Down Down Down PageDown End Home
    sleep 0.2
    tmux send-keys -t "$session" Escape
    sleep 0.2
    # Card to results, results to the search box.
    tmux send-keys -t "$session" Escape
    sleep 0.2
    cards=$((cards + 1))
  fi
  kill -0 "$pid" 2>/dev/null || {
    echo "safedesk stopped during the minute:" >&2
    screen >&2
    exit 1
  }
done
sleep 1
# The last query's results, to show the typing reached the app.
[ -n "${SAFEDESK_RSS_SHOW:-}" ] && screen
rss=$(mem VmRSS)
hwm=$(mem VmHWM)
echo "after ${seconds} s of lookups ($lookups queries typed a letter at a time, $cards cards opened) on $(basename "$db"):"
echo "resident memory now $((rss / 1024)) MB, peak $((hwm / 1024)) MB (at the first screen $((start_rss / 1024)) MB); target 60 MB"
