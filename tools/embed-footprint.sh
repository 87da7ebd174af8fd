#!/usr/bin/env bash
# What an application adds to its runtime class path to embed basis4j for inference: the inference jar and
# every jar Maven resolves for it at runtime scope (no test or optional dependencies), with their sizes.
#
#   tools/embed-footprint.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/inference/target/footprint"
# Maven 3.8 itself calls sun.misc.Unsafe through Guava; silence that JDK 25 warning, it is not ours.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$ROOT"
# One reactor run, so that sibling modules resolve to the jars just built, not to installed snapshots; the
# inference module is the last to write the class-path file.
mvn -B -ntp -q -pl inference -am package dependency:build-classpath -DskipTests -DincludeScope=runtime \
  -Dmdep.outputFile="$OUT/classpath.txt"
{ ls inference/target/basis4j-inference-*.jar; tr ':' '\n' < "$OUT/classpath.txt"; } | grep -v '^$' | xargs ls -l \
  | awk '{n = split($9, p, "/"); printf "%9d  %s\n", $5, p[n]; total += $5} END {printf "%9d  total (%.2f MB)\n", total, total / 1e6}'
