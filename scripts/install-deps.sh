#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Syncgate.
# Idempotent: installs only missing packages. Needs root (or sudo) for apt.
set -euo pipefail

# Build toolchain.
packages=(openjdk-17-jdk-headless maven)
# The e2e module's real cluster: Patroni (its etcd3 DCS needs python3-etcd), PostgreSQL (server,
# pgbench), etcd, pgBackRest; setpriv (util-linux) runs them as postgres; curl for the scripts.
packages+=(patroni postgresql etcd-server etcd-client pgbackrest python3-etcd util-linux curl)
# Analysis tests (controller: PrometheusClientIT, AnalysisRunnerIT) run a real Prometheus; the tests
# start their own on loopback, the package's service is not needed.
packages+=(prometheus)
# The benchmark's peer (scripts/bench-vs-haproxy.sh, syncgate bench): HAProxy health-checks the
# simulated fleet; the bench starts its own on loopback, the package's service is not needed.
packages+=(haproxy)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: nothing to install"
fi
