#!/usr/bin/env bash
# Entropy coders (dev.fivefold.compress.code) on quantized-weights-like data, side by side with
# xz -9e and zstd -19 when they are on the PATH. Usage: bench/coders_reference.sh [timed-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -o -pl fivefold-core test-compile
exec "$JAVA_HOME/bin/java" -cp fivefold-core/target/classes:fivefold-core/target/test-classes \
  dev.fivefold.compress.code.CoderBench "${1:-20}"
