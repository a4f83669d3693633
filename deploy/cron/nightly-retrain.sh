#!/usr/bin/env bash
# Nightly retraining: train tonight's run, gate it against the production model, promote it if it passes.
#
#   1. train   run <root>/nightly-YYYYMMDD. If a previous attempt tonight died, the same command resumes
#              it from its last checkpoint. Otherwise it is warm-started from production (--init-from:
#              production's parameters and vocabulary, round 0), or, before there is any production
#              model, trained from scratch.
#   2. gate    evaluate --checkpoint <run> --baseline <production> --max-regression <bpc>: both models
#              on tonight's held-out data; exit 10 when tonight's model is worse by more than the margin
#              (in bits per character). The first model has nothing to be compared with and skips it.
#   3. promote copy the run's latest checkpoint into <production> (temp folder, checksums verified while
#              copying and read back, rename, then LATEST), keeping the previous copies for rollback.
#
# Exit code: 0 promoted; 10 gate failed (production unchanged); 5 another nightly run holds the lock;
# otherwise the code of the step that failed (see the README's exit code table).
#
# cron, e.g.:  30 1 * * *  /opt/spark-rnn/deploy/cron/nightly-retrain.sh >> /var/log/spark-rnn/nightly.log 2>&1
#
# Environment (all optional):
#   SPARKRNN            how to run the CLI; default: deploy/sparkrnn (Spark local mode on this machine). On a
#                       cluster, e.g. "spark-submit --master yarn --class io.sparkrnn.cli.Main /opt/spark-rnn/spark-rnn.jar"
#   HDFS_DFS            how to run `hdfs dfs`; default: Hadoop's FsShell class from the project's class path, with
#                       $HADOOP_CONF_DIR (default: deploy/cron/hadoop-conf, an empty configuration) in front
#   SPARKRNN_CONF       training config (default: conf/local.conf); the same every night, so that warm starts fit
#   SPARKRNN_ROOT       checkpoint root, passed as checkpoint.root (default: runs, relative to the working folder)
#   SPARKRNN_PRODUCTION the production folder (default: $SPARKRNN_ROOT/production)
#   SPARKRNN_CORPUS     tonight's corpus URI, or a JSON array of URIs, passed as data.corpus (default: the config's)
#   SPARKRNN_RUN_ID     tonight's run id (default: nightly-YYYYMMDD)
#   SPARKRNN_MAX_REGRESSION  allowed regression in bits per character (default: 0.02)
#   SPARKRNN_SET        extra "key=value" settings for train, separated by spaces
#   SPARKRNN_LOCK       lock file against overlapping runs (default: /tmp/spark-rnn-nightly.lock)
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
read -r -a sparkrnn <<< "${SPARKRNN:-$repo/deploy/sparkrnn}"
conf=${SPARKRNN_CONF:-$repo/conf/local.conf}
root=${SPARKRNN_ROOT:-runs}
production=${SPARKRNN_PRODUCTION:-$root/production}
run_id=${SPARKRNN_RUN_ID:-nightly-$(date +%Y%m%d)}
max_regression=${SPARKRNN_MAX_REGRESSION:-0.02}
run_uri=$root/$run_id

log() { echo "$(date '+%F %T') nightly-retrain: $*"; }

hdfs_dfs() {
  if [ -n "${HDFS_DFS:-}" ]; then
    ${HDFS_DFS} "$@"
  else
    "${sparkrnn[@]}" --version > /dev/null || return 1 # builds the project and its class path if needed
    java -cp "${HADOOP_CONF_DIR:-$repo/deploy/cron/hadoop-conf}:$repo/target/spark-rnn.jar:$(cat "$repo/target/classpath.txt")" \
      org.apache.hadoop.fs.FsShell "$@"
  fi
}

# `-test -e` answers 1 both for "missing" and for "could not ask" (no such host, bad configuration). Before a
# missing production model lets the first model through without a gate, the file system must answer for its root.
production_exists() {
  hdfs_dfs -test -e "$production/LATEST" && return 0
  local fs_root=/
  [[ $production =~ ^([A-Za-z][A-Za-z0-9+.-]*://[^/]*)/ ]] && fs_root="${BASH_REMATCH[1]}/"
  if ! hdfs_dfs -test -d "$fs_root"; then
    log "cannot reach the file system of $production (hdfs dfs -test -d $fs_root failed); not training"
    exit 1
  fi
  return 1
}

exec 9> "${SPARKRNN_LOCK:-/tmp/spark-rnn-nightly.lock}"
if ! flock -n 9; then
  log "another nightly run holds ${SPARKRNN_LOCK:-/tmp/spark-rnn-nightly.lock}; not starting a second one"
  exit 5
fi

settings=(--set "checkpoint.root=$root" --set "run.id=$run_id")
[ -n "${SPARKRNN_CORPUS:-}" ] && settings+=(--set "data.corpus=$SPARKRNN_CORPUS")
for kv in ${SPARKRNN_SET:-}; do settings+=(--set "$kv"); done

if production_exists; then
  has_production=yes
  start=(--init-from "$production")
  log "training $run_uri, warm start from $production (or resuming tonight's run if it exists)"
else
  has_production=no
  start=()
  log "no production model at $production yet: training $run_uri from scratch (or resuming it); it is promoted without a gate"
fi

"${sparkrnn[@]}" train --conf "$conf" "${settings[@]}" "${start[@]}"
code=$?
if [ $code -ne 0 ]; then
  log "train failed with exit code $code; production unchanged"
  exit $code
fi

if [ $has_production = yes ]; then
  "${sparkrnn[@]}" evaluate --checkpoint "$run_uri" --baseline "$production" --max-regression "$max_regression"
  code=$?
  if [ $code -eq 10 ]; then
    log "gate failed: $run_uri is worse than $production by more than $max_regression bits per character; production unchanged"
    exit 10
  elif [ $code -ne 0 ]; then
    log "evaluate failed with exit code $code; production unchanged"
    exit $code
  fi
  log "gate passed"
fi

"${sparkrnn[@]}" promote --checkpoint "$run_uri" --to "$production"
code=$?
if [ $code -ne 0 ]; then
  log "promote failed with exit code $code; production still serves its previous model"
  exit $code
fi
log "promoted $run_uri to $production"
