#!/usr/bin/env bash
# A real SMB share on this machine, for the SMB smoke test (tests/smb_share.rs) and the bench
# beside it (benches/smb.sh): a private Samba server (its own smb.conf, its own folders, a port on
# 127.0.0.1 only, guest access) serving FOLDER, mounted with smbnetfs (FUSE) under STATE.
# Nothing outside STATE is changed, and `down` leaves nothing running.
#
#   share.sh up STATE FOLDER   start smbd and mount; prints the folder's path through the mount
#   share.sh stop STATE        kill smbd (every process of it), as when the server goes away
#   share.sh start STATE       start smbd again on the same port
#   share.sh down STATE        unmount and stop smbd
#
# Needs smbd (samba), smbnetfs and fusermount (fuse3 or fuse), and /dev/fuse; .ci/run installs
# them. Limits: libsmbclient has no lock call, so byte-range locks taken through the mount stay in
# this machine's kernel, per mount; two mounts do not see each other's locks. It proves nothing
# about locking between PCs.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
cmd="${1:?usage: share.sh up|stop|start|down STATE [FOLDER]}"
state="${2:?give a folder to keep the share in}"

fail() {
  echo "share.sh: $*" >&2
  exit 1
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_smbd() {
  local port
  port=$(cat "$state/port")
  # Its own session and process group, so `stop` can kill smbd and every child it forked.
  setsid smbd --foreground --no-process-group --configfile="$state/smb.conf" \
    >>"$state/log/smbd.out" 2>&1 </dev/null &
  echo $! >"$state/smbd.pid"
  for _ in $(seq 1 300); do
    port_open "$port" && return 0
    kill -0 "$(cat "$state/smbd.pid")" 2>/dev/null || fail "smbd stopped at once: $(tail -n 5 "$state/log/smbd.out" "$state/log/smbd.log" 2>/dev/null)"
    sleep 0.1
  done
  fail "smbd did not listen on 127.0.0.1:$port within 30 s"
}

stop_smbd() {
  local pid
  [ -f "$state/smbd.pid" ] || return 0
  pid=$(cat "$state/smbd.pid")
  kill -KILL -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$state/smbd.pid"
}

case "$cmd" in
up)
  folder="${3:?give the folder to share}"
  for tool in smbd smbnetfs; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install samba smbnetfs fuse3)"
  done
  command -v fusermount3 >/dev/null || command -v fusermount >/dev/null || fail "fusermount is not installed (apt-get install fuse3)"
  [ -e /dev/fuse ] || fail "/dev/fuse is missing: FUSE cannot mount here"
  folder=$(cd "$folder" && pwd)
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  mkdir -p "$state"/{private,lock,state,cache,pid,ncalrpc,log,home/.smb,mnt}
  # A free port: the first from a per-process start that nothing answers on.
  port=$((20000 + $$ % 20000))
  while port_open "$port"; do port=$((port + 1)); done
  echo "$port" >"$state/port"
  cat >"$state/smb.conf" <<EOF
[global]
  workgroup = WORKGROUP
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $port
  disable netbios = yes
  private dir = $state/private
  lock directory = $state/lock
  state directory = $state/state
  cache directory = $state/cache
  pid directory = $state/pid
  ncalrpc dir = $state/ncalrpc
  passdb backend = tdbsam:$state/private/passdb.tdb
  log file = $state/log/smbd.log
  map to guest = Bad User
  guest account = $(id -un)
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
[share]
  path = $folder
  guest ok = yes
  read only = no
  force user = $(id -un)
EOF
  # libsmbclient (inside smbnetfs) reads \$HOME/.smb/smb.conf; smbnetfs wants its files private.
  cat >"$state/home/.smb/smb.conf" <<EOF
[global]
  workgroup = WORKGROUP
  client min protocol = SMB2
  disable netbios = yes
EOF
  cat >"$state/home/.smb/smbnetfs.conf" <<EOF
smb_query_browsers "false"
smb_timeout 10000
auth "guest" ""
EOF
  chmod 600 "$state/home/.smb/smb.conf" "$state/home/.smb/smbnetfs.conf"
  start_smbd
  HOME="$state/home" smbnetfs "$state/mnt" \
    -o "config=$state/home/.smb/smbnetfs.conf,log_file=$state/log/smbnetfs.log" \
    >>"$state/log/smbnetfs.out" 2>&1 </dev/null || fail "smbnetfs could not mount: $(tail -n 5 "$state/log/smbnetfs.out")"
  # The host's name carries the port: smbnetfs hands smb://127.0.0.1:PORT/share to libsmbclient.
  through="$state/mnt/127.0.0.1:$port/share"
  for _ in $(seq 1 600); do
    if ls "$through" >/dev/null 2>&1; then
      echo "$through"
      exit 0
    fi
    sleep 0.1
  done
  fail "the share did not appear at $through within 60 s: $(tail -n 5 "$state/log/smbnetfs.log" 2>/dev/null)"
  ;;
stop)
  stop_smbd
  ;;
start)
  start_smbd
  ;;
down)
  if mountpoint -q "$state/mnt" 2>/dev/null || grep -q " $state/mnt " /proc/mounts; then
    fusermount3 -u "$state/mnt" 2>/dev/null || fusermount -u "$state/mnt" 2>/dev/null ||
      fusermount3 -uz "$state/mnt" 2>/dev/null || fusermount -uz "$state/mnt" 2>/dev/null || true
  fi
  stop_smbd
  ;;
*)
  fail "unknown command $cmd (up, stop, start or down)"
  ;;
esac
