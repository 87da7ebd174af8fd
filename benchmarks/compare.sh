#!/usr/bin/env bash
# ./basis4j bench GROUP [options]: basis4j's JMH benchmarks beside PyTorch in one run, as one table.
#
#   ./basis4j bench kernels            GEMM, 3x3 and depthwise convolutions, T=1 and T=2 (about 8 minutes)
#   ./basis4j bench fft                rfft2+irfft2 on the DFFormer maps, also beside JTransforms used plainly
#   ./basis4j bench models             ResNet-32 train/inference, DFFormer-S18 inference, beside PyTorch and ONNX
#                                      Runtime, then memory checks and op profiles (about 15 minutes); the reference
#                                      checkouts: --netrl2 PATH --dfformer PATH (default /tmp/netrl2, /tmp/dfformer)
#   ./basis4j bench all                every group
#   ./basis4j bench kernels --smoke    one short iteration each: checks the pipeline, figures mean nothing
#   ./basis4j bench kernels --help     every option (compare.py)
#
# This script builds benchmarks/target/benchmarks.jar when it is missing or older than a source, makes sure
# /usr/bin/python3 can import torch (installing Debian's python3-torch, and libopenblas0 so that torch.mm runs
# on OpenBLAS as in PERF.md, when it runs as root; --no-install never installs), then hands over to
# benchmarks/compare.py, which runs JMH and the PyTorch twins and writes benchmarks/results/<date>-<group>.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JAR="$HERE/target/benchmarks.jar"
PY=/usr/bin/python3

die() { echo "basis4j bench: $*" >&2; exit 1; }

# The launcher finds a JDK >= 25 and exports JAVA_HOME; started any other way, go through it.
if [[ -z "${BASIS4J_BENCH_VIA_LAUNCHER:-}" ]]; then
  export BASIS4J_BENCH_VIA_LAUNCHER=1
  exec "$ROOT/basis4j" bench "$@"
fi

[[ $# -gt 0 ]] || exec "$PY" "$HERE/compare.py" --help

want_reference=1 install=1 help=0
for a in "$@"; do
  case "$a" in
    --no-reference) want_reference=0 ;;
    --no-install) install=0 ;;
    --list|-h|--help) want_reference=0; help=1 ;;
  esac
done
args=()
for a in "$@"; do [[ "$a" == --no-install ]] || args+=("$a"); done

# Build the jar when a source or pom of any module is newer (the benchmarks link simd-core, fft and nn).
stale() {
  [[ -f "$JAR" ]] || return 0
  [[ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
            \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$JAR" -print -quit)" ]]
}
if [[ $help -eq 0 ]] && stale; then
  echo "basis4j bench: building benchmarks/target/benchmarks.jar ..." >&2
  mvn -B -ntp -q -f "$ROOT/pom.xml" -pl benchmarks -am package -DskipTests >&2
fi

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  echo "basis4j bench: installing $* with apt-get ($1 is the reference this comparison needs)" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

if [[ $want_reference -eq 1 ]]; then
  if ! "$PY" -c 'import torch' 2>/dev/null; then
    [[ $install -eq 1 ]] && apt_install python3-torch libopenblas0 ||
      die "the reference needs PyTorch for $PY (Debian's python3-torch), and it could not be installed here.
  Install it as root:  apt-get install python3-torch libopenblas0
  or run without the reference:  ./basis4j bench ${args[*]:-kernels} --no-reference"
    "$PY" -c 'import torch' || die "$PY still cannot import torch after installing python3-torch"
  fi
  # Debian's torch calls libblas.so.3, an alternative: the reference BLAS (libblas3) unless OpenBLAS is there.
  # PERF.md's PyTorch figures are OpenBLAS's; on the reference BLAS torch.mm is two orders slower.
  if ! dpkg-query -W -f='${Status}' libopenblas0 libopenblas0-pthread libopenblas0-openmp 2>/dev/null | grep -q 'install ok installed'; then
    if [[ $install -eq 1 ]] && apt_install libopenblas0; then :
    else
      echo "basis4j bench: PyTorch will use the reference BLAS; its GEMM figures will not be representative" \
           "(install libopenblas0 as root to fix; the results file says so too)" >&2
    fi
  fi
fi

[[ -x "$PY" ]] || PY=python3
exec "$PY" "$HERE/compare.py" "${args[@]}"
