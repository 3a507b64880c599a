#!/bin/sh
# Regenerates ../kafka-4.0-errors.json from kafka-clients 4.0.0's own Errors enum.
# Needs Java 17+ and Maven (the jars are fetched to a temp dir, not committed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mvn -q dependency:copy -Dartifact=org.apache.kafka:kafka-clients:4.0.0 -DoutputDirectory="$work/lib"
mvn -q dependency:copy -Dartifact=org.slf4j:slf4j-api:1.7.36 -DoutputDirectory="$work/lib"
javac -cp "$work/lib/kafka-clients-4.0.0.jar" -d "$work" "$here/ErrorTable.java"
java -cp "$work:$work/lib/kafka-clients-4.0.0.jar:$work/lib/slf4j-api-1.7.36.jar" ErrorTable > "$here/../kafka-4.0-errors.json"
rm -rf "$work"
