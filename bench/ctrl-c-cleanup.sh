#!/usr/bin/env bash
# 20 Ctrl-C's at random moments of `npm run reproduce`, sent as a terminal sends them: to the whole
# process group. Prints, for each, the exit code and what was left behind (nothing, it should be).
cd "$(dirname "$0")/.."
for i in $(seq 1 20); do
  delay_ms=$(( RANDOM % 4000 ))
  setsid bash -c 'exec npm run reproduce -- --ops 1000000 --out "${TMPDIR:-/tmp}/racelab-ctrl-c-out"' >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk "BEGIN{print $delay_ms/1000}")"
  kill -INT -- -"$pid" 2>/dev/null
  wait "$pid"; code=$?
  left_dirs=$(ls /tmp | grep -c '^racelab-pg-')
  left_procs=$(pgrep -fc 'racelab-pg-' || true)
  echo "run $i: SIGINT after ${delay_ms} ms -> exit $code; leftover dirs $left_dirs, postgres processes $left_procs"
done
rm -rf "${TMPDIR:-/tmp}/racelab-ctrl-c-out"
