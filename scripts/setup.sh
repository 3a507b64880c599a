#!/usr/bin/env bash
# Installs everything Fluxo and its tests need on a fresh Debian machine:
# the npm workspace (npm ci) and the real Kafka clients the tests drive
# (kcat and python3-confluent-kafka from Debian, the Kafka Java client from
# Maven Central). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || need_apt+=(python3-confluent-kafka)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing Debian packages: ${need_apt[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

# The Apache Kafka Java client (the reference client) for interop tests: jars from Maven Central.
if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  echo "setup: fetching the Kafka Java client (tools/java-peer)"
  (cd tools/java-peer && mvn -q -B package)
else
  echo "setup: no Java/Maven here; the Java-client interop tests will be skipped"
fi
