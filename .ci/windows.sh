#!/usr/bin/env bash
# The Windows build, tested: cross-builds safedesk.exe for x86_64-pc-windows-gnu with mingw-w64
# and runs the library's and the chosen integration test files for that target under Wine.
#
#   bash .ci/windows.sh                   build, then run the Windows tests under Wine (CI does this)
#   bash .ci/windows.sh --test store ...  run only these test files (cargo test's own flags)
#   bash .ci/windows.sh --release         build the safedesk.exe to put on the office's PCs, no tests
#
# Installs what is missing: the rustup target, and mingw-w64 and Wine from the system's packages.
# Everything else stays local to this run: the linker and Wine as cargo's runner are set here (not
# in a cargo config), and Wine runs in its own prefix inside the target dir, never ~/.wine.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-pc-windows-gnu

# Left out under Wine, and why:
#   journeys, and plain's two typed journeys: they drive the app in tmux, which Windows does not
#     have (journeys.rs is built on Unix only; plain's tmux tests are ignored on Windows, saying so).
#   smb_share: a private Samba server mounted with FUSE, both Linux only (built on Linux only).
#   printable, and reports' A4 check: headless Chromium lays the pages out, and none runs on
#     Windows' paths under Wine; the Linux run checks the same HTML (letter_facts runs, its A4
#     checks skipped).
#   postgres, engines, pg_* and migrate: they start a private PostgreSQL server with initdb and
#     pg_ctl, Unix only (the PostgreSQL store itself is in this build, the `postgres` feature being
#     on by default; cli's test of what a server address gets says it under Wine).
#   queue_pages: how many pages of the file a page of a 12 000-case queue reads, the same SQL and
#     file format on every system (55 s under Wine); the Linux run checks it.
#   many_writers: 20 processes saving 200 incidents each, 212 s under Wine, and what it would
#     prove there is Wine's locking (fcntl locks underneath), not Windows'. Locking between
#     Windows PCs needs real Windows PCs on a real share to prove.
# Everything else runs: the library's unit tests, the store, the outbox, crash safety (crashes.rs
# with SAFEDESK_HEAVY_TESTS, which .ci/run sets: imports ended by TerminateProcess), files, the
# command line, the screens and the shortcut.
DEFAULT_TESTS=(
  --lib
  --test store --test outbox --test crashes --test drive_gone --test drive_blips --test eio
  --test slow_drive --test damaged --test maintenance --test local_index
  --test cli --test first_run --test shortcut --test import_csv --test decisions --test letters
  --test letter_facts --test office_policy --test retention --test audit --test merge
  --test escalation --test owed_letters --test failed_search --test card_refusals
  --test screens --test form --test keys --test mouse --test plain --test layout
  --test addresses --test alerts --test merge_screens --test reports
)

say() { echo "windows.sh: $*" >&2; }

# What is needed, installed when missing.
export PATH="$PATH:/usr/lib/wine"
missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(mingw-w64)
if ! WINE=$(command -v wine || command -v wine64); then
  missing+=(wine64)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}..."
  (apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null
  WINE=$(command -v wine || command -v wine64)
fi
if ! rustup target list --installed | grep -qx "$TARGET"; then
  say "adding the Rust target $TARGET..."
  rustup target add "$TARGET"
fi

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
# Line tables only (file and line in a backtrace) rather than full debug information: each test
# program is then 65 MB instead of 154, all of them 2.7 GB instead of 7.9, and linked faster.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
# CI builds once from nothing: no incremental cache to write.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

if [ "${1:-}" = "--release" ]; then
  cargo build --release --target "$TARGET" --bin safedesk
  target_dir=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
  # Without its line tables: 18 MB to copy to the share rather than 70.
  x86_64-w64-mingw32-strip --strip-debug "$target_dir/$TARGET/release/safedesk.exe"
  say "built $target_dir/$TARGET/release/safedesk.exe"
  exit 0
fi

# Wine in a prefix of its own, quiet, with no dialogs offering to install Mono or Gecko.
target_dir=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
export WINEPREFIX="$target_dir/wine-prefix"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  say "making the Wine prefix $WINEPREFIX..."
  mkdir -p "$WINEPREFIX"
  "$WINE" wineboot --init >/dev/null 2>&1 || true
  wineserver -w
fi

# The stand-in for bcryptprimitives.dll that Wine 8.0 and older lack (why:
# .ci/wine/bcryptprimitives.c), in the prefix's system32, where every test binary and the
# safedesk.exe they start find it. Wine 9 has its own.
if "$WINE" --version | grep -q '^wine-[1-8]\.'; then
  dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  if [ ! -f "$dll" ] || [ .ci/wine/bcryptprimitives.c -nt "$dll" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" .ci/wine/bcryptprimitives.c -ladvapi32
  fi
fi

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=("${DEFAULT_TESTS[@]}")
fi
say "$("$WINE" --version), tests for $TARGET: ${tests[*]}"
cargo test --no-fail-fast --target "$TARGET" "${tests[@]}"
