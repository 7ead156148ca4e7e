#!/usr/bin/env bash
# Stops what `make run` started: SIGTERM (graceful shutdown), then SIGKILL after 30 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
PIDS=.kefu/pids
shopt -s nullglob
files=("$PIDS"/*.pid)
[[ ${#files[@]} -gt 0 ]] || { echo "Nothing to stop."; exit 0; }
for f in "${files[@]}"; do
  pid=$(cat "$f"); svc=$(basename "$f" .pid)
  kill -0 "$pid" 2>/dev/null && kill "$pid" && echo "stopping $svc (pid $pid)"
done
for f in "${files[@]}"; do
  pid=$(cat "$f")
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && { echo "killing $(basename "$f" .pid)"; kill -9 "$pid"; }
  rm -f "$f"
done
echo "Stopped."
