#!/usr/bin/env bash
# Stops the private cluster that start.sh started in DIR (by the PIDs in its pid files). Keeps DIR.
# All daemons get SIGTERM at once; any still alive after 10 s get SIGKILL.
set -uo pipefail
dir="${1:?usage: stop.sh DIR}"
pids=()
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null && pids+=("$pid")
done
for _ in $(seq 1 100); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" -eq 0 ] && exit 0
  sleep 0.1
done
for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
exit 0
