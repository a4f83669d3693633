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
# Options given here come later and win (--conf k=v and --conf=k=v alike). A --conf
# spark.executor.extraJavaOptions=... is added to ours (it would otherwise replace the ND4J limits), as
# EXECUTOR_JAVA_OPTS is.
#
# Sizing. ND4J keeps its arrays off the Java heap (JavaCPP), so an executor process needs
#     heap + ND4J off-heap + native overhead (NATIVE_OVERHEAD: libnd4j, OpenBLAS/OpenMP buffers, thread
#     stacks, metaspace; ~300-500 MB measured here).
# The heap is the one spark-submit will give the executors: --executor-memory, else --conf
# spark.executor.memory, else EXECUTOR_MEMORY, else spark.executor.memory of the properties file
# (--properties-file, or spark-defaults.conf in SPARK_CONF_DIR or SPARK_HOME/conf), else 2g. The off-heap
# cap is ND4J_OFFHEAP, else the heap (JavaCPP's own default), or, when spark.executor.memoryOverhead is
# given (command line or properties file), what NATIVE_OVERHEAD leaves of it.
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
#   EXECUTOR_MEMORY [see Sizing]   ND4J_OFFHEAP [see Sizing]   NATIVE_OVERHEAD [512m]
#   OMP_THREADS [1]        EXECUTOR_JAVA_OPTS []     DRIVER_JAVA_OPTS []
#   GPU_CONF [deploy/conf/spark-defaults-gpu.conf]
set -euo pipefail
# shellcheck source=local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/local/common.sh"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }

gpu=false dry_run=false opts=()
cli_executor_memory="" conf_executor_memory="" conf_overhead="" user_executor_java="" properties_file=""
# Passes one spark-submit option on, noting the settings the ND4J sizing below derives from. A user's
# spark.executor.extraJavaOptions is merged into ours rather than passed on, where it would replace the ND4J limits;
# spark.executor.memory and memoryOverhead are passed on once, below, as the sizing used them (a second --conf of
# the same key after ours would win in spark-submit and undo the sizing).
take() {
  case "$1" in
    --executor-memory) cli_executor_memory=$2 ;;
    --properties-file) properties_file=$2 ;;
    --conf|-c)
      case "$2" in
        spark.executor.memory=*) conf_executor_memory=${2#*=}; return ;;  # given on below, as sized
        spark.executor.memoryOverhead=*) conf_overhead=${2#*=}; return ;;
        spark.executor.extraJavaOptions=*) user_executor_java=${2#*=}; return ;;
      esac ;;
  esac
  opts+=("$1" "$2")
}
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) gpu=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    --help|-h) usage ;;
    --verbose|-v|--supervise) opts+=("$1"); shift ;;
    --) shift; break ;;
    --*=*) option=${1%%=*} value=${1#*=}; shift; take "$option" "$value" ;;  # --conf=k=v, --executor-memory=8g
    -*) [ $# -ge 2 ] || die "option $1 needs a value"; option=$1 value=$2; shift 2; take "$option" "$value" ;;
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

# Sizes as Spark writes them (512m, 2g, 2gb, 1t, 1536 = MB) -> MB.
to_mb() {
  local v=${1,,}
  v=${v%b}
  case "$v" in
    *t) echo $(( ${v%t} * 1024 * 1024 )) ;;
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo "${v%m}" ;;
    *k) echo $(( ${v%k} / 1024 )) ;;
    *[0-9]) echo "$v" ;;
    *) die "cannot read size '$1': use e.g. 512m or 2g" ;;
  esac
}
# The last value of a key in a Spark properties file (key and value separated by blanks, '=' or ':').
property() {
  [ -n "$2" ] && [ -f "$2" ] || return 0
  sed -n "s/^[[:space:]]*${1//./\\.}[[:space:]=:][[:space:]=:]*//p" "$2" | tail -n 1 | sed 's/[[:space:]]*$//'
}
# The executor heap spark-submit will use: --executor-memory, else --conf spark.executor.memory, else
# EXECUTOR_MEMORY, else the properties file (--properties-file, or spark-defaults.conf in SPARK_CONF_DIR or
# SPARK_HOME/conf, as spark-submit reads it), else 2g. ND4J's caps and the overhead follow from it.
defaults_file=${properties_file:-${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf}
executor_memory=${cli_executor_memory:-${conf_executor_memory:-${EXECUTOR_MEMORY:-$(property spark.executor.memory "$defaults_file")}}}
heap_mb=$(to_mb "${executor_memory:-2g}")
native_mb=$(to_mb "${NATIVE_OVERHEAD:-512m}")
overhead=${conf_overhead:-$(property spark.executor.memoryOverhead "$defaults_file")}
if [ -n "$overhead" ]; then
  # The overhead is given: ND4J's off-heap arrays get what the native overhead leaves of it.
  offheap_mb=$(to_mb "${ND4J_OFFHEAP:-$(( $(to_mb "$overhead") - native_mb ))m}")
  [ "$offheap_mb" -gt 0 ] || die "spark.executor.memoryOverhead=$overhead leaves ND4J no off-heap memory after" \
    "NATIVE_OVERHEAD=${native_mb}m; raise it (about the executor heap plus ${native_mb}m), or drop it to let this script size it"
  overhead_mb=$(to_mb "$overhead")
else
  # JavaCPP's own default cap is the heap size (-Xmx): keep it, and add it to the overhead YARN/Kubernetes reserve.
  offheap_mb=$(to_mb "${ND4J_OFFHEAP:-${heap_mb}m}")
  overhead_mb=$(( offheap_mb + native_mb ))
fi
flags=$(java17_flags)
executor_java="$flags -Dorg.bytedeco.javacpp.maxbytes=${offheap_mb}m"
executor_java+=" -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( heap_mb + offheap_mb + native_mb ))m"
executor_java+="${EXECUTOR_JAVA_OPTS:+ $EXECUTOR_JAVA_OPTS}${user_executor_java:+ $user_executor_java}"
driver_memory=${DRIVER_MEMORY:-2g}
driver_java="$flags -Dorg.bytedeco.javacpp.maxbytes=${ND4J_DRIVER_OFFHEAP:-1g}${DRIVER_JAVA_OPTS:+ $DRIVER_JAVA_OPTS}"

conf=(
  --conf "spark.driver.extraJavaOptions=$driver_java"
  --conf "spark.executor.extraJavaOptions=$executor_java"
  --conf "spark.executor.memory=${heap_mb}m"
  --conf "spark.executor.memoryOverhead=${overhead_mb}m"
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
