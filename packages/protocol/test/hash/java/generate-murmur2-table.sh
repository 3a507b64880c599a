#!/bin/sh
# Regenerates ../murmur2-java.json with Apache Kafka's own Utils.murmur2 (kafka-clients 4.0.0).
# Needs Java 17+ and Maven (for the jar, which is not committed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mvn -q dependency:copy -Dartifact=org.apache.kafka:kafka-clients:4.0.0 -DoutputDirectory="$work/lib"
mvn -q dependency:copy -Dartifact=org.slf4j:slf4j-api:1.7.36 -DoutputDirectory="$work/lib"
javac -cp "$work/lib/kafka-clients-4.0.0.jar" -d "$work" "$here/Murmur2Table.java"
java -cp "$work:$work/lib/kafka-clients-4.0.0.jar:$work/lib/slf4j-api-1.7.36.jar" Murmur2Table > "$here/../murmur2-java.json"
rm -rf "$work"
