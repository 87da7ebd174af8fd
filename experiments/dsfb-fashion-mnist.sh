#!/usr/bin/env bash
# The DSFB experiment on Fashion-MNIST: does the orthogonality penalty on the shared filter bases matter?
#
# Trains, with the same seeds and the same schedule, the plain ResNet32 and its two shared-basis variants
# ResNet32_SharedOnly and ResNet32_DoubleShared, each with the reference's λ (10) and with λ = 0, then writes
# docs/results/dsfb-fashion-mnist.md (accuracy over seeds, parameters, multiply-adds) and one PNG per stage
# of the shared bases' gradient norms (λ against λ = 0) beside it.
#
#   experiments/dsfb-fashion-mnist.sh                     the full experiment (~5.5 h on 2 quiet cores)
#   experiments/dsfb-fashion-mnist.sh --epochs 1 --train-limit 512 --eval-limit 256 \
#       --runs /tmp/dsfb-smoke --output /tmp/dsfb-smoke/report.md                     a smoke test (minutes)
#
# Options (defaults in brackets): --epochs N [10]  --seeds "S1 S2 ..." ["0 1"]  --jobs N [2: two runs side
# by side, one kernel thread each]  --train-limit N, --eval-limit N [all]  --runs DIR [runs/dsfb-fashion-mnist]
# --output FILE.md [docs/results/dsfb-fashion-mnist.md].
#
# Resumable: a run whose directory holds a "finished" marker is skipped; one that holds a checkpoint but no
# marker is continued with train --resume (bit for bit as if never interrupted); so an interrupted experiment
# is finished by running the same command again. Runs of another scale must go into another --runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS=10
SEEDS="0 1"
JOBS=2
TRAIN_LIMIT=""
EVAL_LIMIT=""
RUNS="$ROOT/runs/dsfb-fashion-mnist"
OUTPUT="$ROOT/docs/results/dsfb-fashion-mnist.md"
ORIGINAL_ARGS="$*"

die() { echo "dsfb-fashion-mnist: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --epochs) EPOCHS="${2:?--epochs needs a value}"; shift 2 ;;
    --seeds) SEEDS="${2:?--seeds needs a value}"; shift 2 ;;
    --jobs) JOBS="${2:?--jobs needs a value}"; shift 2 ;;
    --train-limit) TRAIN_LIMIT="${2:?--train-limit needs a value}"; shift 2 ;;
    --eval-limit) EVAL_LIMIT="${2:?--eval-limit needs a value}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
    --output) OUTPUT="${2:?--output needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$EPOCHS" =~ ^[1-9][0-9]*$ ]] || die "--epochs must be a positive integer, got '$EPOCHS'"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive integer, got '$JOBS'"
[[ -n "$SEEDS" ]] || die "--seeds must name at least one seed"

# The recipe every run shares. Crop-and-flip augmentation: over 10 epochs a ResNet32 starts to overfit
# Fashion-MNIST's 60 000 images without it; a padding of 2 moves the 28x28 items by at most 7 %.
RECIPE=(--dataset fashion-mnist --epochs "$EPOCHS" --batch-size 128 --optimizer sgd --lr 0.1 --momentum 0.9
        --weight-decay 5e-4 --schedule cosine --warmup-epochs 0 --augment crop-flip --crop-padding 2
        --label-smoothing 0 --threads 1 --progress lines)
[[ -n "$TRAIN_LIMIT" ]] && RECIPE+=(--train-limit "$TRAIN_LIMIT")
[[ -n "$EVAL_LIMIT" ]] && RECIPE+=(--eval-limit "$EVAL_LIMIT")

# One line per run: directory name, model, λ option ("" for the model's own λ).
runs_list() {
  local s
  for s in $SEEDS; do
    echo "ResNet32-seed$s ResNet32 -"
    for m in ResNet32_SharedOnly ResNet32_DoubleShared; do
      echo "$m-lambda10-seed$s $m -"
      echo "$m-lambda0-seed$s $m 0"
    done
  done
}

# Builds once up front, so the parallel runs do not race to build.
"$ROOT/basis4j" build >/dev/null
mkdir -p "$RUNS"

run_one() {
  local name="$1" model="$2" lambda="$3" seed="${1##*-seed}" dir="$RUNS/$1"
  local args=(train --model "$model" --seed "$seed" --output "$dir" "${RECIPE[@]}")
  [[ "$lambda" != - ]] && args+=(--lambda "$lambda")
  if [[ -f "$dir/finished" ]]; then echo "skip $name (finished)"; return 0; fi
  [[ -f "$dir/last.safetensors" ]] && args+=(--resume)
  echo "start $name"
  mkdir -p "$dir"
  if "$ROOT/basis4j" "${args[@]}" >>"$dir/train.log" 2>&1; then
    touch "$dir/finished"
    echo "done  $name: $(grep -m1 '^test accuracy' "$dir/train.log" | tail -1)"
  else
    echo "FAILED $name (see $dir/train.log)" >&2
    return 1
  fi
}

failed=0
while read -r name model lambda; do
  while [[ $(jobs -rp | wc -l) -ge $JOBS ]]; do wait -n || failed=1; done
  run_one "$name" "$model" "$lambda" &
done < <(runs_list)
while [[ $(jobs -rp | wc -l) -gt 0 ]]; do wait -n || failed=1; done
[[ $failed == 0 ]] || { echo "dsfb-fashion-mnist: some runs failed; fix and run the same command again (finished runs are kept)" >&2; exit 1; }

mkdir -p "$(dirname "$OUTPUT")"
"$ROOT/basis4j" report --runs "$RUNS" --output "$OUTPUT" \
  --title "Deeply shared filter bases on Fashion-MNIST: the orthogonality penalty (λ) against none" \
  --command "experiments/dsfb-fashion-mnist.sh${ORIGINAL_ARGS:+ $ORIGINAL_ARGS}"
