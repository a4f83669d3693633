#!/usr/bin/env bash
# spark-submit (client deploy mode) against the cluster started by deploy/local/cluster.sh.
#
#   deploy/local/submit.sh [spark-submit options...] <app-jar> <main-class> [app args...]
#
# e.g. deploy/local/submit.sh --jars a.jar,b.jar --conf spark.executor.memory=768m \
#        target/spark-rnn.jar io.sparkrnn.cli.Main train ...
#
# Sets: the Java 17 flags (deploy/java17-opens.txt) on the driver JVM and in
# spark.driver.extraJavaOptions (executors get them from Spark itself), the executor sizing of
# deploy/local/spark-defaults.conf (ND4J off-heap limits, memoryOverhead, OMP_NUM_THREADS=1),
# spark.driver.host=127.0.0.1, spark.cores.max = all the cluster's cores, and, when the cluster has HDFS, spark.hadoop.fs.defaultFS +
# dfs.replication=1. Options given here come later and win.
# Environment: DRIVER_MEMORY (driver heap, default 1g), ND4J_DRIVER_OFFHEAP (default 1g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ -f "$state_file" ] || die "no cluster running (no $state_file); run deploy/local/cluster.sh start"
# shellcheck disable=SC1090
source "$state_file"

opts=()
while [ $# -gt 0 ] && [[ $1 == -* ]]; do
  case "$1" in
    --verbose|-v|--supervise) opts+=("$1"); shift ;;
    *) [ $# -ge 2 ] || die "option $1 needs a value"; opts+=("$1" "$2"); shift 2 ;;
  esac
done
[ $# -ge 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
app_jar=$1 main_class=$2; shift 2
[ -f "$app_jar" ] || die "no such jar: $app_jar"

flags=$(java17_flags)
driver_memory=${DRIVER_MEMORY:-1g}
driver_offheap=${ND4J_DRIVER_OFFHEAP:-1g}
read -r -a flag_array <<< "$flags"

hdfs_conf=()
if [ -n "${HDFS_URI:-}" ]; then
  hdfs_conf=(--conf "spark.hadoop.fs.defaultFS=$HDFS_URI" --conf spark.hadoop.dfs.replication=1)
fi

export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.12 OMP_NUM_THREADS=1
# In client mode SparkSubmit's own JVM is the driver: its heap and flags are set here, on the
# java command line; spark.driver.* only matter for --deploy-mode cluster.
exec "$(java_bin)" "${flag_array[@]}" -Xmx"$driver_memory" \
  -Dorg.bytedeco.javacpp.maxbytes="$driver_offheap" \
  -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "$MASTER_URL" --deploy-mode client \
  --properties-file "$here/spark-defaults.conf" \
  --conf "spark.driver.extraJavaOptions=$flags" \
  --conf spark.driver.host=127.0.0.1 \
  --conf spark.cores.max=$((WORKERS * ${WORKER_CORES:-1})) \
  "${hdfs_conf[@]}" \
  "${opts[@]}" \
  --class "$main_class" "$app_jar" "$@"
