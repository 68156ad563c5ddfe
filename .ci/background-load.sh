#!/usr/bin/env bash
# What a shared machine looks like to the suite (issue 10, point 5): while the tests run, another
# racelab reproduces every scenario against the same DATABASE_URL again and again, a stray
# racelab_ schema of nobody's sits in that database, and an unrelated embedded cluster runs. A test
# that checks global state ("no racelab_ schema", "no postgres process") fails here. The loop is
# small and pauses between runs: it is there to be present, not to saturate the machine's 2 cores
# (run back to back it more than doubled the suite's time).
#
# usage: background-load.sh start DIR | stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."
action=$1
dir=$2
stray=racelab_stray_left_by_ci

case "$action" in
start)
  mkdir -p "$dir"
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query(`CREATE SCHEMA IF NOT EXISTS ${process.argv[1]}`)).then(() => c.end());
  ' "$stray"
  # An embedded cluster of another process, alive for the whole suite.
  nohup node --import tsx -e '
    import("./stores/postgres/embedded.ts").then(async ({ startEmbedded }) => {
      await startEmbedded();
      setInterval(() => undefined, 60_000);
    });
  ' >"$dir/unrelated-cluster.log" 2>&1 &
  echo $! >"$dir/unrelated-cluster.pid"
  (
    while [ ! -e "$dir/stop" ]; do
      node bin/racelab.js reproduce --scenario all --db "$DATABASE_URL" --workers 2 --ops 50 --key-space 16 --out "$dir/report" >/dev/null 2>>"$dir/loop.log" &
      echo $! >"$dir/loop-run.pid"
      wait $! || true
      sleep 3
    done
  ) &
  echo $! >"$dir/loop.pid"
  echo "background load: racelab reproduce --scenario all in a loop on DATABASE_URL, stray schema $stray, an unrelated embedded cluster (pid $(cat "$dir/unrelated-cluster.pid"))"
  ;;
stop)
  touch "$dir/stop"
  kill -INT "$(cat "$dir/loop-run.pid" 2>/dev/null)" 2>/dev/null || true
  wait_for() { for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
  wait_for "$(cat "$dir/loop.pid")"
  # SIGTERM ends that node process without any cleanup of its own: its cluster's guardian removes it.
  kill -TERM "$(cat "$dir/unrelated-cluster.pid")" 2>/dev/null || true
  wait_for "$(cat "$dir/unrelated-cluster.pid")"
  runs=$(grep -c . "$dir/loop.log" 2>/dev/null || true)
  echo "background load stopped; the loop's stderr had $runs lines"
  # The stray schema, and whatever else killed runs left: racelab clean's job.
  node bin/racelab.js clean --db "$DATABASE_URL"
  rm -rf "$dir"
  ;;
esac
