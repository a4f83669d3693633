#!/usr/bin/env bash
# Assemble a SPARK_HOME (a folder with jars/) from Maven Central, and optionally the jars of a
# single-node HDFS (hadoop-jars/). No binary distribution needed.
#
#   deploy/local/spark-home.sh [--hdfs | --hdfs-only] [DIR]      DIR defaults to <repo>/target/spark-home
#
#   DIR/jars         Spark 3.5.7 (spark-core, spark-sql, spark-mllib and their runtime deps); another
#                    version with SPARK_VERSION, SCALA_VERSION, SCALA_BINARY_VERSION, HADOOP_VERSION,
#                    JACKSON_VERSION, SLF4J_VERSION in the environment (all of them, e.g. the spark4 profile's)
#   DIR/hadoop-jars  with --hdfs: hadoop-client-minicluster 3.3.4 (+ api, runtime, reload4j)
#
# Idempotent: each folder gets a marker file (.complete, holding the sha256 of the pom it was
# built from) written last; a folder with a current marker is left alone, a stale or partial
# one is rebuilt. Concurrent callers are serialised with flock. Prints DIR on stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

want_spark=1 want_hdfs=0 dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --hdfs) want_hdfs=1 ;;
    --hdfs-only) want_hdfs=1 want_spark=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "spark-home.sh: unknown option $1" >&2; exit 2 ;;
    *) dir=$1 ;;
  esac
  shift
done
dir=${dir:-$repo/target/spark-home}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Another Spark line than spark-home-pom.xml's (the main pom's spark4 profile): its versions from the environment.
versions=()
for pair in spark.version=SPARK_VERSION scala.version=SCALA_VERSION scala.binary.version=SCALA_BINARY_VERSION \
            hadoop.version=HADOOP_VERSION jackson.version=JACKSON_VERSION slf4j.version=SLF4J_VERSION; do
  name=${pair#*=}
  value=${!name:-}
  [ -z "$value" ] || versions+=("-D${pair%%=*}=$value")
done

# assemble <pom> <subfolder>
assemble() {
  local pom=$1 out=$dir/$2 sum
  sum=$( (cat "$pom"; echo "${versions[*]:-}") | sha256sum | cut -d' ' -f1)
  if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$sum" ]; then
    echo "spark-home.sh: $out is complete" >&2
    return 0
  fi
  local tmp=$dir/.$2.tmp.$$ start=$SECONDS
  rm -rf "$tmp"
  echo "spark-home.sh: assembling $out from $(basename "$pom") (first time downloads from Maven Central)" >&2
  mvn -B -q -Dstyle.color=never "${versions[@]}" -f "$pom" dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime >&2
  rm -rf "$out"
  mv "$tmp" "$out"
  echo "$sum" > "$out/.complete"
  echo "spark-home.sh: $out: $(ls "$out"/*.jar | wc -l) jars, $(du -sh "$out" | cut -f1), $((SECONDS - start)) s" >&2
}

exec 9>"$dir/.lock"
flock 9
[ "$want_spark" = 1 ] && assemble "$here/spark-home-pom.xml" jars
[ "$want_hdfs" = 1 ] && assemble "$here/hdfs-pom.xml" hadoop-jars
echo "$dir"
