#!/usr/bin/env bash
# The second corpus of the convergence benchmark: the reStructuredText sources of the Python documentation, as
# Debian ships them in its pythonX.Y-doc package (html/_sources/**/*.rst.txt): about 500 files, 11 MB of English
# prose, code and markup. License: the Python Software Foundation License Version 2 (see the package's
# copyright file, copied next to the text as COPYRIGHT). Fetched with apt-get download (no root needed to unpack,
# nothing installed), cached under target/ and never committed.
#
#   deploy/corpora/python-docs.sh            # prints the corpus folder, downloading it the first time
#   deploy/sparkrnn bench --sections convergence --corpus "$(deploy/corpora/python-docs.sh)" ...
#
# Settings: PYTHON_DOC_PACKAGE (default: the newest pythonX.Y-doc that apt knows), CORPORA_DIR (default target/corpora).
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${CORPORA_DIR:-$home/target/corpora}/python-docs
text=$out/text

if [ -f "$out/SOURCE" ] && [ -n "$(ls -A "$text" 2>/dev/null)" ]; then
  echo "file://$text"
  exit 0
fi
command -v apt-get >/dev/null || { echo "python-docs.sh: needs apt-get and dpkg-deb (a Debian or Ubuntu machine)" >&2; exit 1; }
package=${PYTHON_DOC_PACKAGE:-$(apt-cache search --names-only '^python3\.[0-9]+-doc$' | cut -d' ' -f1 | sort -V | tail -1)}
[ -n "$package" ] || { echo "python-docs.sh: apt knows no python3.X-doc package; run apt-get update first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$package" >&2)
dpkg-deb -x "$work"/*.deb "$work/x"
sources=$(find "$work/x" -type d -path '*/html/_sources' | head -1)
[ -n "$sources" ] || { echo "python-docs.sh: $package has no html/_sources folder" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$text"
# One flat folder (library/os.rst.txt -> library_os.rst.txt): a folder URI reads its files, not sub-folders.
(cd "$sources" && find . -name '*.rst.txt' | sort | while read -r f; do
  cp "$f" "$text/$(echo "${f#./}" | tr '/' '_')"
done)
cp "$(find "$work/x" -path '*/doc/*' -name copyright | head -1)" "$out/COPYRIGHT"
version=$(dpkg-deb -f "$work"/*.deb Version)
printf '%s %s: %s files, %s bytes of html/_sources/**/*.rst.txt; license: PSF License Version 2 (COPYRIGHT)\n' \
  "$package" "$version" "$(ls "$text" | wc -l)" "$(cat "$text"/* | wc -c)" > "$out/SOURCE"
cat "$out/SOURCE" >&2
echo "file://$text"
