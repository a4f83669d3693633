#!/usr/bin/env bash
# GPU smoke test, for a node with NVIDIA GPUs and a -Pcuda build: the same small model trained for 2 rounds on
# the GPUs (deploy/spark-submit.sh --gpu) and for 2 rounds on the CPUs. Prints the device each replica used and
# both runs' training losses, and checks that they agree.
#
#   SPARK_HOME=/opt/spark deploy/gpu/smoke-test.sh [--gpus N] [--master URL] [--tolerance T] [--out DIR] [--cpu-only]
#
#   --gpus N       GPUs, one replica each (default: every GPU deploy/gpu/discover-gpus.sh finds)
#   --master URL   default local-cluster[1,N,MB]: one Worker on this node announcing N GPUs through
#                  deploy/gpu/discover-gpus.sh (SPARK_HOME must be a full Spark distribution; executor logs go
#                  to SPARK_HOME/work). spark://... or yarn: a cluster whose Workers announce their GPUs
#                  (deploy/README.md); the device lines are then in the executors' logs.
#   --tolerance T  largest relative difference of a round's training loss between the GPU and the CPU run
#                  (default 0.02: cuBLAS/cuDNN and OpenBLAS add in different orders, and the difference grows with
#                  every step; round 1 typically agrees to 1e-4)
#   --out DIR      where the runs and logs go (default: a new temporary folder)
#   --cpu-only     needs no GPU: the GPU run is replaced by a second CPU run on master local[2] (by default),
#                  which must give the same losses to the last digit. Checks this script and the CPU path anywhere.
# APP_JAR, APP_LIB, DRIVER_MEMORY, EXECUTOR_MEMORY [1g here], ...: as for deploy/spark-submit.sh.
#
# Exit code: 0 when both runs trained, every replica ran where it should (GPU run: a GPU; CPU run: the CPU) and
# the losses agree; 1 when not; the failing run's own exit code when it fails (7: ND4J's CUDA backend did not
# load, see deploy/README.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

fail() { echo "smoke-test.sh: $*" >&2; exit 1; }
usage() { sed -n '2,21p' "$0" >&2; exit 2; }

gpus="" master="" tolerance=0.02 out="" cpu_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --gpus) gpus=$2; shift 2 ;;
    --master) master=$2; shift 2 ;;
    --tolerance) tolerance=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cpu-only) cpu_only=true; shift ;;
    -h|--help) usage ;;
    *) echo "smoke-test.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "${SPARK_HOME:-}" ] || fail "set SPARK_HOME to a Spark 3.5 installation"
out=${out:-$(mktemp -d -t spark-rnn-gpu-smoke.XXXXXX)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export EXECUTOR_MEMORY=${EXECUTOR_MEMORY:-1g}

if $cpu_only; then
  master=${master:-local[2]}
else
  if [ -z "$gpus" ]; then
    addresses=$("$repo/deploy/gpu/discover-gpus.sh") || fail "no GPU found on $(hostname); --cpu-only checks the rest"
    gpus=$(grep -o '"[0-9]*"' <<< "$addresses" | wc -l)
  fi
  master=${master:-local-cluster[1,$gpus,$(( gpus * 1536 ))]}
fi

# ReplicaTask logs which device each replica used, at INFO; the rest of the logs at WARN.
log4j=$out/smoke-log4j2.properties
cat > "$log4j" <<'EOF'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.replicas.name = io.sparkrnn.dist.ReplicaTask
logger.replicas.level = info
EOF

# train NAME DEVICE SPARK-SUBMIT-OPTIONS...: 2 rounds of a small model on the bundled corpus.
train() {
  local name=$1 device=$2
  shift 2
  local -a options=("$@") env=(DRIVER_JAVA_OPTS="-Dlog4j2.configurationFile=file:$log4j ${DRIVER_JAVA_OPTS:-}")
  case "$master" in
    local-cluster*) env+=(EXECUTOR_JAVA_OPTS="-Dlog4j2.configurationFile=file:$log4j ${EXECUTOR_JAVA_OPTS:-}")
      [ "$device" = gpu ] && options+=(--conf "spark.worker.resource.gpu.amount=$gpus"
        --conf "spark.worker.resource.gpu.discoveryScript=$repo/deploy/gpu/discover-gpus.sh") ;;
  esac
  if [ "$device" = cpu ]; then
    # The CUDA build holds both backends and ND4J prefers CUDA: the CPU run asks for the CPU backend.
    env+=(BACKEND_PRIORITY_CPU=1000)
    options+=(--conf spark.executorEnv.BACKEND_PRIORITY_CPU=1000)
  fi
  touch "$out/.$name.started"
  local what="the CPU backend"
  [ "$device" = gpu ] && what="--gpu, $gpus GPUs"
  echo "== $name: $master, $what"
  local code=0
  env "${env[@]}" "$repo/deploy/spark-submit.sh" "${options[@]}" --master "$master" train --fresh \
    --set run.id="$name" --set checkpoint.root="file://$out/runs" --set data.corpus=bundled:moby-dick \
    --set model.layers=1 --set model.hiddenSize=64 --set model.embeddingSize=16 --set model.seqLength=32 \
    --set train.batchSize=16 --set train.averagingFrequency=4 --set train.rounds=2 --set eval.everyRounds=2 \
    --set eval.maxWindows=64 --set checkpoint.everyRounds=2 --set sample.length=0 --set master.replicas=0 \
    > "$out/$name.log" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    tail -n 30 "$out/$name.log" >&2
    echo "smoke-test.sh: the $name run failed with exit code $code; its output: $out/$name.log" >&2
    exit "$code"
  fi
}

# The "round R replica P on executor E (pid N): DEVICE" lines of a run: its driver log (local mode) and, for a
# local cluster, the executor logs this run wrote under SPARK_HOME/work.
devices() {
  local name=$1
  { cat "$out/$name.log"
    if [ -d "$SPARK_HOME/work" ]; then
      find "$SPARK_HOME/work" -name stderr -newer "$out/.$name.started" -exec cat {} + 2> /dev/null || true
    fi
  } | grep -o 'round [0-9]* replica [0-9]* on executor .*' | sort -u || true
}

# The training loss of each round of a run: "ROUND LOSS" lines, from its metrics.jsonl part files.
losses() {
  cat "$out/runs/$1/metrics.jsonl"/part-*.jsonl \
    | sed -n 's/.*"round":\([0-9]*\).*"trainLoss":\([^,}]*\).*/\1 \2/p' | sort -n
}

first=gpu
$cpu_only && first=cpu-again
if $cpu_only; then train "$first" cpu; else train "$first" gpu --gpu; fi
train cpu cpu

status=0
for name in "$first" cpu; do
  lines=$(devices "$name")
  echo "-- $name: the device of each replica"
  if [ -n "$lines" ]; then
    echo "$lines"
  else
    echo "(no replica lines here: the executors' own logs have them, as 'ReplicaTask: round ...')"
  fi
  expected=CPU
  [ "$name" = gpu ] && expected=GPU
  if [ -n "$lines" ] && grep -v ": $expected" <<< "$lines" > /dev/null; then
    echo "smoke-test.sh: in the $name run some replicas did not run on the $expected" >&2
    status=1
  fi
done

echo "-- training loss per round"
printf '%-6s %-14s %-14s %s\n' round "$first" cpu "relative difference"
join <(losses "$first") <(losses cpu) > "$out/losses.txt"
[ "$(wc -l < "$out/losses.txt")" -eq 2 ] || { echo "smoke-test.sh: expected 2 rounds of losses, got: $(cat "$out/losses.txt")" >&2; exit 1; }
limit=$tolerance
$cpu_only && limit=0
awk -v limit="$limit" '{
  d = $2 - $3; if (d < 0) d = -d; m = ($2 < 0 ? -$2 : $2); if (m == 0) m = 1
  printf "%-6s %-14s %-14s %.2e\n", $1, $2, $3, d / m
  if (d / m > limit) bad = 1
} END { exit bad }' "$out/losses.txt" || { echo "smoke-test.sh: losses differ by more than $limit" >&2; status=1; }
echo "runs and logs: $out"
[ "$status" -eq 0 ] && echo "smoke test passed" || echo "smoke test FAILED" >&2
exit "$status"
