#!/usr/bin/env bash
# Nightly retraining from cron: runs `sparkrnn nightly`, the one tested pipeline (NightlyPipelineSuite) that the
# Airflow DAG runs too. It resumes tonight's run if an earlier attempt died, else warm-starts it from production,
# else (no production model yet) trains the first model from scratch; gates it against production
# (evaluate --baseline); promotes it only when it passes. This script only passes the settings below on.
#
# Exit code, the command's (README, exit codes): 0 promoted (or promoted already by an earlier attempt);
# 10 gate failed (production unchanged); 5 another nightly run holds the production folder's lock;
# 4 the file system cannot be reached (production unchanged) or a checkpoint problem; otherwise the code of
# the failing step.
#
# cron, e.g.:  30 1 * * *  /opt/spark-rnn/deploy/cron/nightly-retrain.sh >> /var/log/spark-rnn/nightly.log 2>&1
#
# Environment (all optional):
#   SPARKRNN            how to run the CLI; default: deploy/sparkrnn of this installation (Spark local mode on this
#                       machine). On a cluster: "<install>/deploy/spark-submit.sh --master yarn" (with SPARK_HOME)
#   SPARKRNN_CONF       training config (default: conf/local.conf); the same every night, so that warm starts fit
#   SPARKRNN_ROOT       checkpoint root, passed as checkpoint.root (default: the config's)
#   SPARKRNN_PRODUCTION the production folder (default: <checkpoint.root>/production)
#   SPARKRNN_CORPUS     tonight's corpus URI(s), passed as data.corpus (default: the config's)
#   SPARKRNN_RUN_ID     tonight's run id (default: nightly-YYYYMMDD)
#   SPARKRNN_MAX_REGRESSION  allowed regression in bits per character (default: 0.02)
#   SPARKRNN_SET        extra "key=value" settings, separated by spaces
set -uo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
read -r -a sparkrnn <<< "${SPARKRNN:-$home/deploy/sparkrnn}"

args=(nightly --conf "${SPARKRNN_CONF:-$home/conf/local.conf}" --max-regression "${SPARKRNN_MAX_REGRESSION:-0.02}")
[ -n "${SPARKRNN_ROOT:-}" ] && args+=(--set "checkpoint.root=$SPARKRNN_ROOT")
[ -n "${SPARKRNN_PRODUCTION:-}" ] && args+=(--production "$SPARKRNN_PRODUCTION")
[ -n "${SPARKRNN_RUN_ID:-}" ] && args+=(--run-id "$SPARKRNN_RUN_ID")
[ -n "${SPARKRNN_CORPUS:-}" ] && args+=(--set "data.corpus=$SPARKRNN_CORPUS")
for kv in ${SPARKRNN_SET:-}; do args+=(--set "$kv"); done

echo "$(date '+%F %T') nightly-retrain: ${sparkrnn[*]} ${args[*]}"
"${sparkrnn[@]}" "${args[@]}"
code=$?
echo "$(date '+%F %T') nightly-retrain: exit code $code"
exit $code
