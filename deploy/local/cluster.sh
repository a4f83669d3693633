#!/usr/bin/env bash
# A Spark standalone cluster (Master + N Workers, separate JVMs) and optionally a single-node HDFS,
# all on 127.0.0.1 with ports the OS picks, for demos and manual tests on one machine.
#
#   deploy/local/cluster.sh start [--workers N] [--worker-cores C] [--worker-memory M] [--hdfs]
#                                 [--spark-home DIR] [--timeout SECONDS]
#   deploy/local/cluster.sh status
#   deploy/local/cluster.sh stop [--timeout SECONDS]
#
# Defaults: 2 workers, 1 core and 1g each, SPARK_HOME target/spark-home (assembled by
# spark-home.sh if missing). State: target/local-cluster/cluster.env (MASTER_URL, MASTER_UI,
# HDFS_URI, PIDs...), logs: target/local-cluster/*.log, Hadoop client config for the HDFS:
# target/local-cluster/hadoop-conf. Override the state folder with LOCAL_CLUSTER_DIR.
# `stop` signals exactly the recorded PIDs (TERM, then KILL after the timeout).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

daemon_xmx=${DAEMON_XMX:-256m}
# C1 only for the daemons: they coordinate and never run hot code; measured here it halves the CPU
# a Master needs to start (7.2 s -> 3.9 s) and trims its RSS (150 -> 134 MB).
read -r -a daemon_opts <<< "${DAEMON_JAVA_OPTS--XX:TieredStopAtLevel=1}"

# ---- helpers -------------------------------------------------------------------------------

# is_ours PID PATTERN: the PID is alive and still runs the class we started (guards PID reuse).
is_ours() {
  [ -n "$1" ] && ps -o args= -p "$1" 2>/dev/null | grep -q -- "$2"
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "timed out after ${limit}s waiting for $what" >&2; return 1; }
    sleep 0.5
  done
}

log_has() { grep -q -- "$2" "$1" 2>/dev/null; }

alive_workers() {
  curl -fsS --max-time 2 "$MASTER_UI/json/" 2>/dev/null | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$'
}
workers_ready() { [ "$(alive_workers)" = "$1" ]; }

hdfs_ready() {
  # NameNode RPC port open and the DataNode registered (MiniHadoopClusterManager writes its
  # details file only after the whole mini cluster is up).
  [ -s "$state_dir/hdfs-details.json" ] && (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# launch NAME MAIN-CLASS-PATTERN COMMAND...: run detached (own session, so Ctrl-C in this shell
# does not reach it), output to NAME.log, PID into the variable PID_<NAME>.
launch() {
  local name=$1; shift
  setsid "$@" > "$state_dir/$name.log" 2>&1 < /dev/null &
  printf -v "PID_${name//-/_}" '%s' "$!"
}

write_state() {
  {
    echo "# written by deploy/local/cluster.sh start at $(date -Is)"
    echo "SPARK_HOME=$spark_home"
    echo "MASTER_URL=$MASTER_URL"
    echo "MASTER_UI=$MASTER_UI"
    echo "HDFS_URI=${HDFS_URI:-}"
    echo "HADOOP_CONF_DIR=${HADOOP_CONF_DIR:-}"
    echo "WORKERS=$workers"
    echo "WORKER_CORES=$cores"
    echo "PID_MASTER=$PID_master"
    local i
    for i in $(seq 1 "$workers"); do
      local v="PID_worker_$i"
      echo "PID_WORKER_$i=${!v}"
    done
    echo "PID_HDFS=${PID_hdfs:-}"
    echo "PIDS=\"$all_pids\""
  } > "$state_file.tmp"
  mv "$state_file.tmp" "$state_file"
}

# ---- start ---------------------------------------------------------------------------------

start() {
  local workers=2 cores=1 memory=1g hdfs=0 timeout=90 spark_home=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers=$2; shift ;;
      --worker-cores) cores=$2; shift ;;
      --worker-memory) memory=$2; shift ;;
      --hdfs) hdfs=1 ;;
      --spark-home) spark_home=$2; shift ;;
      --timeout) timeout=$2; shift ;;
      *) die "unknown option $1" ;;
    esac
    shift
  done
  if [ -f "$state_file" ]; then
    # shellcheck disable=SC1090
    ( source "$state_file"; for p in $PIDS; do ps -p "$p" > /dev/null 2>&1 && exit 0; done; exit 1 ) &&
      die "a cluster is already running (see $state_file); run '$0 stop' first"
    rm -f "$state_file"
  fi

  local hdfs_flag=()
  [ "$hdfs" = 1 ] && hdfs_flag=(--hdfs)
  spark_home=$("$here/spark-home.sh" "${hdfs_flag[@]}" "${spark_home:-$repo/target/spark-home}")
  mkdir -p "$state_dir"
  local java flags t0=$SECONDS all_pids=""
  java=$(java_bin)
  read -r -a flags <<< "$(java17_flags)"
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_HOME=$spark_home SPARK_SCALA_VERSION=2.12
  # On failure, stop whatever was started so far.
  trap 'echo "start failed; stopping what was started (logs in $state_dir)" >&2; for p in $all_pids; do kill "$p" 2>/dev/null || true; done; rm -f "$state_file"' ERR

  # Master on OS-chosen ports; the ports are read back from its log.
  launch master "$java" "${flags[@]}" -Xmx"$daemon_xmx" "${daemon_opts[@]}" -cp "$spark_home/jars/*" \
    org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
  all_pids=$PID_master
  wait_for "$timeout" "the master" log_has "$state_dir/master.log" "I have been elected leader"
  MASTER_URL=$(grep -o 'Starting Spark master at spark://[0-9.:]*' "$state_dir/master.log" | grep -o 'spark://.*')
  MASTER_UI=http://127.0.0.1:$(grep -o "service 'MasterUI' on port [0-9]*" "$state_dir/master.log" | grep -o '[0-9]*$')
  echo "master $MASTER_URL (UI $MASTER_UI) pid $PID_master after $((SECONDS - t0)) s" >&2

  local i
  for i in $(seq 1 "$workers"); do
    rm -rf "$state_dir/worker-$i"; mkdir -p "$state_dir/worker-$i"
    launch "worker-$i" "$java" "${flags[@]}" -Xmx"$daemon_xmx" "${daemon_opts[@]}" -cp "$spark_home/jars/*" \
      org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "$cores" --memory "$memory" --work-dir "$state_dir/worker-$i" "$MASTER_URL"
    local v="PID_worker_$i"
    all_pids="$all_pids ${!v}"
  done

  if [ "$hdfs" = 1 ]; then
    # One JVM with a NameNode and a DataNode (MiniDFSCluster). The data survives stop/start; it
    # is formatted only when target/local-cluster/hdfs does not exist yet.
    local format=()
    [ -d "$state_dir/hdfs/data" ] || format=(-format)
    mkdir -p "$state_dir/hdfs"
    rm -f "$state_dir/hdfs-details.json"
    launch hdfs "$java" -Xmx"$daemon_xmx" "${daemon_opts[@]}" -Dlog4j.configuration="file:$here/hdfs-log4j.properties" \
      -Dtest.build.data="$state_dir/hdfs" -cp "$spark_home/hadoop-jars/*" \
      org.apache.hadoop.mapreduce.MiniHadoopClusterManager -nomr "${format[@]}" -nnport 0 -nnhttpport 0 \
      -D hdfs.minidfs.basedir="$state_dir/hdfs" -D dfs.replication=1 \
      -writeDetails "$state_dir/hdfs-details.json"
    all_pids="$all_pids $PID_hdfs"
  fi

  wait_for "$timeout" "$workers alive workers at $MASTER_UI/json/" workers_ready "$workers"
  echo "$workers workers alive after $((SECONDS - t0)) s" >&2

  if [ "$hdfs" = 1 ]; then
    wait_for "$timeout" "the HDFS details file" test -s "$state_dir/hdfs-details.json"
    local nn_port
    nn_port=$(grep -o '"namenode_port" *: *[0-9]*' "$state_dir/hdfs-details.json" | grep -o '[0-9]*$')
    wait_for "$timeout" "HDFS on port $nn_port" hdfs_ready "$nn_port"
    HDFS_URI=hdfs://127.0.0.1:$nn_port
    HADOOP_CONF_DIR=$state_dir/hadoop-conf
    mkdir -p "$HADOOP_CONF_DIR"
    cat > "$HADOOP_CONF_DIR/core-site.xml" <<XML
<?xml version="1.0"?>
<configuration>
  <property><name>fs.defaultFS</name><value>$HDFS_URI</value></property>
</configuration>
XML
    # dfs.replication belongs in hdfs-site.xml: hdfs-default.xml is loaded after core-site.xml.
    cat > "$HADOOP_CONF_DIR/hdfs-site.xml" <<XML
<?xml version="1.0"?>
<configuration>
  <property><name>dfs.replication</name><value>1</value></property>
</configuration>
XML
    echo "HDFS $HDFS_URI pid $PID_hdfs after $((SECONDS - t0)) s" >&2
  fi

  write_state
  trap - ERR
  echo "cluster up in $((SECONDS - t0)) s; state in $state_file" >&2
  cat "$state_file"
}

# ---- status --------------------------------------------------------------------------------

status() {
  [ -f "$state_file" ] || { echo "no cluster (no $state_file)"; return 3; }
  # shellcheck disable=SC1090
  source "$state_file"
  echo "MASTER_URL=$MASTER_URL  MASTER_UI=$MASTER_UI  HDFS_URI=${HDFS_URI:-none}"
  local p rc=0
  for p in $PIDS; do
    if ps -p "$p" > /dev/null 2>&1; then
      echo "pid $p alive, rss $(ps -o rss= -p "$p" | tr -d ' ') KiB: $(ps -o args= -p "$p" | grep -o 'org\.apache\.[a-zA-Z.]*\(Master\|Worker\|MiniHadoopClusterManager\)' | head -1)"
    else
      echo "pid $p DEAD"; rc=1
    fi
  done
  local json
  if json=$(curl -fsS --max-time 2 "$MASTER_UI/json/" 2>/dev/null); then
    local active completed
    active=$(echo "$json" | awk '/"activeapps"/{a=1} /"completedapps"/{a=0} a && /"id" : "app-/{n++} END{print n+0}')
    completed=$(echo "$json" | awk '/"completedapps"/{a=1} /"activedrivers"/{a=0} a && /"id" : "app-/{n++} END{print n+0}')
    echo "master: $(echo "$json" | grep -o '"status" *: *"[A-Z]*"' | tail -1), $(echo "$json" | grep -o '"aliveworkers" *: *[0-9]*'), apps: $active active, $completed completed"
  else
    echo "master UI not answering"; rc=1
  fi
  return $rc
}

# ---- stop ----------------------------------------------------------------------------------

stop() {
  local timeout=20
  [ "${1:-}" = --timeout ] && timeout=$2
  [ -f "$state_file" ] || { echo "no cluster (no $state_file)"; return 0; }
  # shellcheck disable=SC1090
  source "$state_file"
  local p targets=""
  for p in $PIDS; do
    # Only our own processes: skip dead PIDs and PIDs reused by something else.
    if is_ours "$p" 'org\.apache\.\(spark\.deploy\|hadoop\.mapreduce\.MiniHadoopClusterManager\)'; then
      targets="$targets $p"
    fi
  done
  if [ -n "$targets" ]; then
    echo "stopping$targets (TERM)" >&2
    kill -TERM $targets 2>/dev/null || true
    local deadline=$((SECONDS + timeout)) left
    while :; do
      left=""
      for p in $targets; do ps -p "$p" > /dev/null 2>&1 && left="$left $p"; done
      [ -z "$left" ] && break
      if [ $SECONDS -ge $deadline ]; then
        echo "still alive after ${timeout}s:$left (KILL)" >&2
        kill -KILL $left 2>/dev/null || true
        break
      fi
      sleep 0.5
    done
  fi
  rm -f "$state_file"
  echo "stopped" >&2
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
