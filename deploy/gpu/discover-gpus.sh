#!/usr/bin/env bash
# Spark resource discovery script for NVIDIA GPUs: prints the JSON Spark expects,
#   {"name": "gpu", "addresses": ["0","1"]}
# one address per CUDA device this process may use. Spark runs it on each Worker (standalone:
# spark.worker.resource.gpu.discoveryScript) or executor (YARN/Kubernetes:
# spark.executor.resource.gpu.discoveryScript); it must exist at this path on every node (or in
# the container image) and be executable.
#
# Addresses are CUDA device ordinals, the numbers ND4J's AffinityManager takes:
#  - CUDA_VISIBLE_DEVICES set (YARN GPU isolation, some container runtimes): CUDA renumbers the
#    visible devices 0..n-1, so those are printed, whatever physical indexes they have;
#  - otherwise the indexes nvidia-smi lists (Kubernetes with the NVIDIA device plugin shows only
#    the container's GPUs, numbered from 0).
# Fails (exit 1, message on stderr) when no GPU can be found, so a misconfigured node stops the
# executor with a reason instead of training on the CPU.
set -euo pipefail

emit() {  # emit ADDRESS... -> the JSON object
  local json="" a
  for a in "$@"; do json+="${json:+,}\"$a\""; done
  printf '{"name": "gpu", "addresses": [%s]}\n' "$json"
}

if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  ordinals=()
  for i in "${!visible[@]}"; do ordinals+=("$i"); done
  emit "${ordinals[@]}"
  exit 0
fi

if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "discover-gpus.sh: nvidia-smi not found on $(hostname) (PATH=$PATH); install the NVIDIA driver, or" \
       "remove the spark.*.resource.gpu.* settings for nodes without GPUs" >&2
  exit 1
fi
if ! indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1); then
  echo "discover-gpus.sh: nvidia-smi failed on $(hostname): $indexes" >&2
  exit 1
fi
read -r -a found <<< "$(echo "$indexes" | tr -d ' ' | grep -E '^[0-9]+$' | tr '\n' ' ')"
if [ "${#found[@]}" -eq 0 ]; then
  echo "discover-gpus.sh: nvidia-smi lists no GPU on $(hostname): $indexes" >&2
  exit 1
fi
emit "${found[@]}"
