#!/usr/bin/env bash
# Stop the SLURM daemons that start.sh started (and only those), by the pids it recorded.
STATE=${VINSAR_SLURM_STATE:-/tmp/vinsar-slurm}
[ -f "$STATE/pids" ] || exit 0
tac "$STATE/pids" | while read -r name pid; do
  [ -n "$pid" ] || continue
  if kill -0 "$pid" 2>/dev/null && grep -q "$name" "/proc/$pid/comm" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
done
: > "$STATE/pids"
