#!/usr/bin/env bash
# Regenerates regions.csv.gz from the npm package idn-area-data (data ODbL 1.0).
# Usage: bash internal/region/data/generate.sh [VERSION]   (default: the version in SOURCE)
# Needs npm (the npm registry) and gzip. Writes regions.csv.gz, LICENSE.md and SOURCE here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(sed -n 's/^version=//p' "$here/SOURCE")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "idn-area-data@$version" >/dev/null && tar xzf "idn-area-data-$version.tgz")
d="$work/package/data"
# One file, one row per area: code,name. The level and parent follow from the code
# (51 / 51.03 / 51.03.01 / 51.03.01.2001), so they are not stored.
{
  echo "code,name"
  for f in provinces regencies districts villages; do
    # Every file has the code first and the name last; names may be quoted.
    tail -n +2 "$d/$f.csv" | python3 -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(sys.stdin):
    w.writerow([row[0], row[-1]])
'
  done
} | gzip -9n > "$here/regions.csv.gz"
cp "$d/LICENSE.md" "$here/LICENSE.md"
printf 'package=idn-area-data\nversion=%s\nlicence=ODbL-1.0 (data), MIT (package code)\n' "$version" > "$here/SOURCE"
echo "wrote $here/regions.csv.gz from idn-area-data@$version"
