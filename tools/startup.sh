#!/usr/bin/env bash
# Start-up time of the CLI: process start to the first ResNet-32 prediction printed, through the embedding
# API (basis4j predict uses inference.Predictor), as wall-clock time of the whole process (JVM exit included).
#
#   tools/startup.sh [RUNS]      default 15 runs per variant; prints min and median in ms per variant
#
# Variants: the plain JVM; C1 only (-XX:TieredStopAtLevel=1); an AppCDS archive of the classes the run loads
# (-XX:SharedArchiveFile with -XX:+AutoCreateSharedArchive: the first run writes it, later runs map it);
# AppCDS with C1 only. Wall time (start to exit) and CPU time (user + sys); report the minimum, as other
# load only ever adds time; on a busy machine wall time is dominated by waiting for a core.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-15}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR="$ROOT/cli/target/basis4j-cli.jar"
WORK="$ROOT/cli/target/startup"
mkdir -p "$WORK"
if [[ ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -ntp -q -pl cli -am package -DskipTests)
fi
W="$WORK/resnet32.safetensors" IMG="$WORK/noise.png"
[[ -f "$W" && -f "$IMG" ]] || "$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" "$ROOT/tools/startup/WriteInputs.java" "$W" "$IMG" 2>/dev/null
PREDICT=(-jar "$JAR" predict --model ResNet32 --checkpoint "$W" --dataset cifar10 --top-k 3 "$IMG")
# predict's --backend auto runs one small image on the scalar kernels (see cli KernelChoice); the *-vector
# variants force the Vector API's kernels, to show what that choice saves.
VECTOR=(--backend vector)
BASE=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xshare:auto)
CDS="$WORK/basis4j-cli.jsa"
rm -f "$CDS"

# One run: "wall_ms cpu_ms" (cpu = user + sys of the JVM, all its threads).
once() {
  local out
  # time's own report goes to a file: the JVM's output (and its incubator warning) is discarded.
  /usr/bin/time -o "$WORK/time.txt" -f "%e %U %S" "$JAVA" "$@" "${PREDICT[@]}" "${EXTRA[@]}" >/dev/null 2>&1
  out=$(tail -1 "$WORK/time.txt")
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' <<<"$out"
}

min_of() { sort -n | head -1; }
median_of() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }

variant() {
  local name="$1"; shift
  local walls=() cpus=() i w c
  for ((i = 0; i < RUNS; i++)); do read -r w c < <(once "$@"); walls+=("$w"); cpus+=("$c"); done
  printf '%-18s wall min %5d ms median %5d ms | cpu min %5d ms (%d runs)\n' "$name" \
    "$(printf '%s\n' "${walls[@]}" | min_of)" "$(printf '%s\n' "${walls[@]}" | median_of)" "$(printf '%s\n' "${cpus[@]}" | min_of)" "$RUNS"
}

EXTRA=()
"$JAVA" "${BASE[@]}" "${PREDICT[@]}" 2>/dev/null | head -2 | sed 's/^/prediction: /'
variant "plain" "${BASE[@]}"
variant "C1 only" "${BASE[@]}" -XX:TieredStopAtLevel=1
# The archive is written at the exit of its first run; that run is not counted.
once "${BASE[@]}" -XX:SharedArchiveFile="$CDS" -XX:+AutoCreateSharedArchive >/dev/null
variant "AppCDS" "${BASE[@]}" -XX:SharedArchiveFile="$CDS" -XX:+AutoCreateSharedArchive
variant "AppCDS + C1 only" "${BASE[@]}" -XX:SharedArchiveFile="$CDS" -XX:+AutoCreateSharedArchive -XX:TieredStopAtLevel=1
EXTRA=("${VECTOR[@]}")
variant "plain, vector" "${BASE[@]}"
variant "AppCDS, vector" "${BASE[@]}" -XX:SharedArchiveFile="$CDS" -XX:+AutoCreateSharedArchive
# The launcher as a user runs it (bash, JDK lookup, staleness check, then the JVM with its AppCDS archive).
EXTRA=()
LAUNCH=("$ROOT/basis4j" predict --model ResNet32 --checkpoint "$W" --dataset cifar10 --top-k 3 "$IMG")
"${LAUNCH[@]}" >/dev/null 2>&1
walls=()
for ((i = 0; i < RUNS; i++)); do
  /usr/bin/time -o "$WORK/time.txt" -f "%e" "${LAUNCH[@]}" >/dev/null 2>&1
  walls+=("$(awk '{printf "%d", $1 * 1000}' "$WORK/time.txt")")
done
printf '%-18s wall min %5d ms median %5d ms (%d runs)\n' "./basis4j predict" \
  "$(printf '%s\n' "${walls[@]}" | min_of)" "$(printf '%s\n' "${walls[@]}" | median_of)" "$RUNS"
