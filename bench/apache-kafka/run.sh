#!/usr/bin/env bash
# Starts Apache Kafka 4.0 (combined broker+controller, one node) for side-by-side benchmarks.
#   bench/apache-kafka/run.sh PORT DATA_DIR      (runs in the foreground; SIGTERM stops it)
# Needs `mvn -q -B package` in this folder first. Never used by CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-29092}
data=${2:-$(mktemp -d)}
controller_port=$((port + 1))
mkdir -p "$data"
cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data/logs
num.partitions=8
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cat > "$data/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
cp="$here/target/lib/*"
jvm=(-Xmx1G -Xms1G -XX:+UseG1GC "-Dlog4j.configuration=file:$data/log4j.properties")
if [ ! -f "$data/logs/meta.properties" ]; then
  java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" -c "$data/server.properties" --standalone >/dev/null
fi
exec java "${jvm[@]}" -cp "$cp" kafka.Kafka "$data/server.properties"
