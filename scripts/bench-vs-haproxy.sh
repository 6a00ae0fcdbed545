#!/usr/bin/env bash
# The controller's poll cost side by side with HAProxy's health checks, in the same run.
#
# For each size, `syncgate bench` starts one simulated Patroni fleet (10 members per cluster, one
# loopback address per member), lets HAProxy (Debian's package: option httpchk GET /patroni,
# inter = the poll interval, a new connection per check) check it, then runs the controller in a
# process of its own against the same fleet, and prints both processes' whole CPU per poll or
# check and the ratio. Both modes: close (HTTP/1.0, a connection per poll, like Patroni 3.0.2)
# and keep-alive (HAProxy's checks still open a connection each).
#
#   scripts/bench-vs-haproxy.sh                 # 1,000 and 10,000 members, 240 s warm-up, 60 s per mode
#   GATES="100" DURATION=40s scripts/bench-vs-haproxy.sh
#
# Needs haproxy (scripts/install-deps.sh installs it) and about 2 x (WARMUP + DURATION + HAPROXY_FOR
# + set-up) per size; 10,000 members take a few minutes of set-up (about 30 minutes in all with the
# defaults). Reports go to target/bench-vs-haproxy-*.
set -euo pipefail
cd "$(dirname "$0")/.."

GATES=${GATES:-"100 1000"}
DURATION=${DURATION:-60s}
HAPROXY_FOR=${HAPROXY_FOR:-30s}
# The JIT still compiles for minutes at 1,000 members (each gate's code runs once a second): the
# table's "JIT compiling" row says whether the warm-up was long enough for a steady figure.
WARMUP=${WARMUP:-240s}
MODE=${MODE:-both}
# Two event loops keep the simulator answering 10,000 polls/s in close mode.
SIMULATOR_THREADS=${SIMULATOR_THREADS:-2}
# The controller runs with the deployment's JVM options (bench's default: a 512Mi memory limit),
# and from 5,000 members on with a 1Gi limit, as the README advises: its live heap at 10,000
# members is about 190-210 MiB, and in the 384 MiB heap of a 512Mi limit, at 240 MiB live, the
# collector never stopped.
LARGE_JVM_OPTIONS=${LARGE_JVM_OPTIONS:-"-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"}

command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || {
  echo "bench-vs-haproxy: haproxy is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
}
[ -f controller/target/syncgate.jar ] || mvn -B -q package -DskipTests

mkdir -p target
for gates in $GATES; do
  out="target/bench-vs-haproxy-$((gates * 10))"
  jvm=()
  if [ "$gates" -ge 500 ]; then
    jvm=(--controller-jvm-options "$LARGE_JVM_OPTIONS")
  fi
  java -jar controller/target/syncgate.jar bench --gates "$gates" --members-per-gate 10 \
    --mode "$MODE" --duration "$DURATION" --warmup "$WARMUP" --haproxy-for "$HAPROXY_FOR" \
    --simulator-threads "$SIMULATOR_THREADS" "${jvm[@]}" \
    --json-out "$out.json" | tee "$out.txt"
done

echo
echo "bench-vs-haproxy: whole-process CPU per poll (controller) and per check (HAProxy)"
for gates in $GATES; do
  out="target/bench-vs-haproxy-$((gates * 10)).txt"
  echo "== $((gates * 10)) members"
  grep -E '^(figure|members polled/s, achieved|HAProxy checks/s|controller CPU per poll|controller kernel CPU|controller JIT|HAProxy CPU per check|HAProxy kernel CPU|controller / HAProxy|controller CPU, measured|controller JVM options|controller heap after GC)' "$out"
done
