#!/usr/bin/env bash
# spark-submit of spark-rnn to a real cluster (standalone, YARN; Kubernetes: see deploy/k8s).
#
#   deploy/spark-submit.sh [--gpu] [--dry-run] [spark-submit options...] train|evaluate|nightly|... [args...]
#
# e.g.
#   SPARK_HOME=/opt/spark deploy/spark-submit.sh --master spark://head:7077 --conf spark.cores.max=16 \
#       train --conf conf/cluster.conf --set data.corpus=hdfs:///data/books/*.txt
#   SPARK_HOME=/opt/spark deploy/spark-submit.sh --gpu --master yarn --deploy-mode cluster \
#       --num-executors 4 train --conf cluster.conf          # (see deploy/yarn/README.md)
#
# Ships the thin application jar and its dependencies (spark-rnn.jar and lib/*.jar of the binary distribution,
# or target/spark-rnn.jar and target/lib/*.jar made by `mvn package`; Spark, Hadoop and Scala are the
# cluster's) with --jars, and sets:
#  - the Java 17 flags (deploy/java17-opens.txt) for the driver and executors (Spark 3.5 adds the
#    same list itself; older launchers do not, and a repeated --add-opens is harmless);
#  - ND4J's memory limits (below) and spark.executor.memoryOverhead to match;
#  - spark.executorEnv.OMP_NUM_THREADS (one ND4J/OpenMP thread per task slot by default);
#  - a wait of up to 120 s for all executors before the first job (the replicas are counted then);
#  - with --gpu, every property of deploy/conf/spark-defaults-gpu.conf (one GPU per replica).
# Options given here come later and win; --conf spark.executor.extraJavaOptions=... would REPLACE
# the ND4J limits: pass extra executor JVM options in EXECUTOR_JAVA_OPTS instead.
#
# Sizing. ND4J keeps its arrays off the Java heap (JavaCPP), so an executor process needs
#     heap (EXECUTOR_MEMORY) + ND4J off-heap (ND4J_OFFHEAP) + native overhead (NATIVE_OVERHEAD:
#     libnd4j, OpenBLAS/OpenMP buffers, thread stacks, metaspace; ~300-500 MB measured here)
#  -Dorg.bytedeco.javacpp.maxbytes         = ND4J_OFFHEAP: JavaCPP's cap on ND4J arrays (its default is
#                                            -Xmx); past it ND4J calls System.gc(), then fails with OOM.
#                                            Needs ~ 4 x parameters x 4 bytes (params, gradient, Adam's
#                                            two moments) + activations (batch x seqLength x hidden x
#                                            layers x ~10 floats for an LSTM) + the round's broadcast.
#  -Dorg.bytedeco.javacpp.maxphysicalbytes = heap + off-heap + overhead: JavaCPP's cap on the process RSS.
#  spark.executor.memoryOverhead          = off-heap + overhead: what YARN and Kubernetes add to the heap
#                                            for the container size (the standalone Master ignores it:
#                                            leave that much RAM free on each Worker beyond --memory).
# On GPUs the arrays live in device memory; maxbytes still bounds ND4J's host-side copies.
#
# Environment (defaults in brackets):
#   SPARK_HOME (required)  a Spark 3.5 distribution; a folder with only jars/ (deploy/local/spark-home.sh) works too
#   APP_JAR [spark-rnn.jar of the distribution, else target/spark-rnn.jar]   APP_LIB [lib, else target/lib]
#   DRIVER_MEMORY [2g]     ND4J_DRIVER_OFFHEAP [1g]  (the driver averages full parameter vectors)
#   EXECUTOR_MEMORY [2g]   ND4J_OFFHEAP [2g]         NATIVE_OVERHEAD [512m]
#   OMP_THREADS [1]        EXECUTOR_JAVA_OPTS []     GPU_CONF [deploy/conf/spark-defaults-gpu.conf]
set -euo pipefail
# shellcheck source=local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/local/common.sh"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }

gpu=false dry_run=false opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) gpu=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    --help|-h) usage ;;
    --verbose|-v|--supervise) opts+=("$1"); shift ;;
    --) shift; break ;;
    -*) [ $# -ge 2 ] || die "option $1 needs a value"; opts+=("$1" "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage

[ -n "${SPARK_HOME:-}" ] || die "set SPARK_HOME to a Spark 3.5 installation"
if [ -f "$repo/spark-rnn.jar" ]; then   # the binary distribution (lib/spark/ is for local mode only: not shipped)
  app_jar=${APP_JAR:-$repo/spark-rnn.jar} app_lib=${APP_LIB:-$repo/lib}
else                                    # a source checkout, after mvn package
  app_jar=${APP_JAR:-$repo/target/spark-rnn.jar} app_lib=${APP_LIB:-$repo/target/lib}
fi
[ -f "$app_jar" ] && [ -d "$app_lib" ] || die "no $app_jar or $app_lib: build them with 'mvn -DskipTests package'"
[ -n "$(find "$app_lib" -maxdepth 1 -name '*.jar' -print -quit)" ] || die "no jars in $app_lib"
# spark-submit expands the pattern itself (as for the Airflow DAG, which passes the same one).
jars="$app_lib/*.jar"

# Sizes like 512m, 2g, 1536 (MB) -> MB.
to_mb() {
  local v=${1,,}
  case "$v" in
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo "${v%m}" ;;
    *[0-9]) echo "$v" ;;
    *) die "cannot read size '$1': use e.g. 512m or 2g" ;;
  esac
}
heap_mb=$(to_mb "${EXECUTOR_MEMORY:-2g}")
offheap_mb=$(to_mb "${ND4J_OFFHEAP:-2g}")
native_mb=$(to_mb "${NATIVE_OVERHEAD:-512m}")
flags=$(java17_flags)
executor_java="$flags -Dorg.bytedeco.javacpp.maxbytes=${offheap_mb}m"
executor_java+=" -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( heap_mb + offheap_mb + native_mb ))m"
executor_java+="${EXECUTOR_JAVA_OPTS:+ $EXECUTOR_JAVA_OPTS}"
driver_memory=${DRIVER_MEMORY:-2g}
driver_java="$flags -Dorg.bytedeco.javacpp.maxbytes=${ND4J_DRIVER_OFFHEAP:-1g}"

conf=(
  --conf "spark.driver.extraJavaOptions=$driver_java"
  --conf "spark.executor.extraJavaOptions=$executor_java"
  --conf "spark.executor.memory=${heap_mb}m"
  --conf "spark.executor.memoryOverhead=$(( offheap_mb + native_mb ))m"
  --conf "spark.executorEnv.OMP_NUM_THREADS=${OMP_THREADS:-1}"
  # master.replicas = 0 counts the task slots once, when the run starts: wait for every executor
  # first (on standalone this needs spark.cores.max; YARN/Kubernetes use spark.executor.instances).
  --conf "spark.scheduler.minRegisteredResourcesRatio=1.0"
  --conf "spark.scheduler.maxRegisteredResourcesWaitingTime=120s"
  --conf "spark.ui.showConsoleProgress=false"
)
if $gpu; then
  gpu_conf=${GPU_CONF:-$repo/deploy/conf/spark-defaults-gpu.conf}
  [ -f "$gpu_conf" ] || die "no $gpu_conf"
  while read -r key value; do
    [ -z "$key" ] || [[ $key == \#* ]] || conf+=(--conf "$key=$value")
  done < "$gpu_conf"
fi

if [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  submit=("$SPARK_HOME/bin/spark-submit")
else
  # A SPARK_HOME with only jars/: SparkSubmit is what bin/spark-submit runs. In client mode this JVM
  # is the driver, so its heap and flags go on this command line.
  read -r -a flag_array <<< "$driver_java"
  submit=("$(java_bin)" "${flag_array[@]}" -Xmx"$driver_memory" -cp "$SPARK_HOME/jars/*"
          org.apache.spark.deploy.SparkSubmit)
  # Executors need the Scala line of these jars (2.12 for Spark 3.5, 2.13 for Spark 4).
  spark_core=$(find "$SPARK_HOME/jars" -maxdepth 1 -name 'spark-core_*.jar' | head -1)
  spark_core=${spark_core##*spark-core_}
  export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-${spark_core%%-*}}
fi
command=("${submit[@]}" --driver-memory "$driver_memory" "${conf[@]}" "${opts[@]}"
         --jars "$jars" --class io.sparkrnn.cli.Main "$app_jar" "$@")

if $dry_run; then
  printf '%q ' "${command[@]}"; echo
  exit 0
fi
exec "${command[@]}"
