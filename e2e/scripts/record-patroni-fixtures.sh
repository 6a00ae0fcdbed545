#!/usr/bin/env bash
# Records GET /patroni and GET /cluster answers of a real two-member Patroni cluster built from
# Debian's packages, for the parser fixtures in controller/src/test/resources/patroni/.
#
# Run as root on a throwaway machine (it starts etcd, two PostgreSQL servers and two Patroni
# daemons on loopback and stops them all again):
#
#   apt-get install -y patroni postgresql etcd-server etcd-client python3-etcd curl
#   e2e/scripts/record-patroni-fixtures.sh [output-dir]
#
# Layout, like pods: etcd on 127.0.0.1:23790 (non-default ports), member nodeA on 127.0.0.2 and
# nodeB on 127.0.0.3, each with Patroni REST on :8008 and PostgreSQL on :5432 and its own unix
# socket directory. PostgreSQL and Patroni run as the postgres user.
#
# Recorded (file names are what the fixture tests expect):
#   leader.json                 nodeA's /patroni
#   replica-caught-up.json      nodeB's /patroni once it has replayed up to the leader
#   cluster-caught-up.json      /cluster at that point
#   leader-while-paused.json    nodeA's /patroni after more WAL was written
#   replica-replay-paused.json  nodeB's /patroni with maintenance mode on and replay paused
#   cluster-replay-paused.json  /cluster at that point
#   *.headers                   status line and headers of each answer (HTTP/1.0, no length)
set -euo pipefail

out_dir="$(realpath -m "${1:-controller/src/test/resources/patroni/3.0.2}")"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
work="$(mktemp -d /tmp/patroni-record.XXXXXX)"
as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups)
pids=()

cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$out_dir"
chown postgres:postgres "$work"
chmod 700 "$work"

# etcd 3.4: Patroni 3.0 talks to it through the v3 gRPC gateway (the etcd3: section below).
etcd --name record --data-dir "$work/etcd" \
  --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
  --initial-cluster record=http://127.0.0.1:23800 >"$work/etcd.log" 2>&1 &
pids+=($!)

write_config() { # name address
  local name=$1 addr=$2 dir="$work/$1"
  "${as_postgres[@]}" mkdir -p "$dir/sock"
  "${as_postgres[@]}" tee "$dir/patroni.yml" >/dev/null <<EOF
scope: record
name: $name
restapi:
  listen: $addr:8008
  connect_address: $addr:8008
etcd3:
  hosts: 127.0.0.1:23790
bootstrap:
  dcs:
    ttl: 30
    loop_wait: 2
    retry_timeout: 10
  initdb: [{encoding: UTF8}, data-checksums]
postgresql:
  listen: $addr:5432
  connect_address: $addr:5432
  data_dir: $dir/data
  bin_dir: $pg_bin
  pgpass: $dir/pgpass
  authentication:
    replication: {username: replicator, password: record-replication}
    superuser: {username: postgres, password: record-superuser}
  parameters:
    unix_socket_directories: $dir/sock
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.0/8 md5
    - host all all 127.0.0.0/8 md5
EOF
}

start_member() { # name
  "${as_postgres[@]}" patroni "$work/$1/patroni.yml" >"$work/$1.log" 2>&1 &
  pids+=($!)
}

wait_for() { # description command...
  local what=$1
  shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "gave up waiting for: $what" >&2
  tail -n 30 "$work"/*.log >&2
  exit 1
}

psql_on() { # name sql
  "${as_postgres[@]}" "$pg_bin/psql" -X -q -At -h "$work/$1/sock" -p 5432 -U postgres -d postgres -c "$2"
}

record() { # url file
  curl -s -D "$out_dir/$2.headers" -o "$out_dir/$2.json" "$1"
  # Drop the Date header: it says nothing about the shape and changes on every run.
  sed -i '/^Date:/d' "$out_dir/$2.headers"
}

wait_for "etcd" curl -sf http://127.0.0.1:23790/health
write_config nodeA 127.0.0.2
write_config nodeB 127.0.0.3
start_member nodeA
wait_for "nodeA to lead" curl -sf http://127.0.0.2:8008/primary
start_member nodeB
wait_for "nodeB to stream" sh -c \
  "curl -sf http://127.0.0.3:8008/patroni | grep -q '\"role\": \"replica\"' && [ \"\$(curl -s http://127.0.0.2:8008/patroni | grep -o streaming)\" ]"

psql_on nodeA "CREATE TABLE filler AS SELECT g, md5(g::text) AS h FROM generate_series(1, 200000) g"
psql_on nodeA "CHECKPOINT"
caught_up() {
  [ "$(psql_on nodeA "SELECT pg_current_wal_lsn() - '0/0'")" = \
    "$(psql_on nodeB "SELECT pg_last_wal_replay_lsn() - '0/0'")" ]
}
wait_for "nodeB to catch up" caught_up
record http://127.0.0.2:8008/patroni leader
record http://127.0.0.3:8008/patroni replica-caught-up
record http://127.0.0.3:8008/cluster cluster-caught-up

# Maintenance mode first: otherwise Patroni resumes a paused replay on its next loop.
"${as_postgres[@]}" patronictl -c "$work/nodeA/patroni.yml" pause --wait
psql_on nodeB "SELECT pg_wal_replay_pause()"
psql_on nodeA "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 200000) g"
psql_on nodeA "CHECKPOINT"
received_more() {
  [ "$(psql_on nodeB "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")" = "t" ]
}
wait_for "nodeB to receive WAL it does not replay" received_more
# Patroni refreshes what /patroni reports on each request; the DCS (and so /cluster) every loop.
sleep 5
record http://127.0.0.2:8008/patroni leader-while-paused
record http://127.0.0.3:8008/patroni replica-replay-paused
record http://127.0.0.3:8008/cluster cluster-replay-paused

psql_on nodeB "SELECT pg_wal_replay_resume()"
"${as_postgres[@]}" patronictl -c "$work/nodeA/patroni.yml" resume --wait
echo "recorded into $out_dir with $(patroni --version)"
