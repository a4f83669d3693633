# Shared by cluster.sh and submit.sh (sourced, not run).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
state_dir=${LOCAL_CLUSTER_DIR:-$repo/target/local-cluster}
state_file=$state_dir/cluster.env

# The Java 17 flags, one source of truth: deploy/java17-opens.txt (comments and blank lines dropped).
java17_flags() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$repo/deploy/java17-opens.txt" | tr '\n' ' ' | sed 's/ $//'
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
