#!/usr/bin/env bash
# Vulnerability database and scan benchmark.
#  1. import time and peak RSS of every corpus feed (OSV PyPI, crates.io, Go, malicious
#     packages; Debian OVAL full bz2 and tracker sample; Alpine secdb 3.19-3.21);
#  2. in-process: decoding a 1,000-package CycloneDX SBOM alone (the floor) vs decoding and
#     matching it against that database (`cargo bench -p assay-vuln --bench scan`);
#  3. whole process: `assay scan SBOM` against the full database vs against an empty one
#     (process start, SQLite open and SBOM parsing: the process floor).
#
#   bench/scan.sh            # RUNS=10 by default
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd ../shared/corpus && pwd)
runs=${RUNS:-10}
assay=$(bench/build.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feeds=(
  "$corpus/osv/PyPI" "$corpus/osv/crates.io" "$corpus/osv/Go" "$corpus/osv-os/malicious/osv"
  "$corpus/osv-os/debian/oval/oval-definitions-bookworm.xml.bz2"
  "$corpus/osv-os/debian/tracker-json-sample/debian.json"
)
for f in "$corpus"/osv-os/alpine/secdb/v3.*/*.json; do feeds+=("$f"); done

echo "import of all corpora (${#feeds[@]} feeds; median of 3, $(nproc) cores)"
python3 bench/measure.py 3 "import=rm -rf $work/db && $assay -q db import ${feeds[*]} --db $work/db"
$assay -q db import "${feeds[@]}" --db "$work/db"
mkdir -p "$work/nothing"
$assay -q db import "$work/nothing" --db "$work/empty"
echo "database: $(du -h "$work/db/assay-vuln.db" | cut -f1)"

python3 bench/make_sbom.py "$corpus" 1000 "$work/sbom.cdx.json"
for sbom in "$work/sbom.cdx.json" "$corpus/sbom/syft-1.18.1/testimg/image.cdx.json"; do
  echo "in-process, $(basename "$sbom") (cargo bench -p assay-vuln --bench scan)"
  ASSAY_BENCH_DB=$work/db ASSAY_BENCH_SBOM=$sbom \
    cargo bench -q --locked -p assay-vuln --bench scan 2>/dev/null | sed 's/^/  /'
done

echo "whole process: assay scan of the 1,000-package SBOM (median of $runs)"
python3 bench/measure.py "$runs" \
  "scan=$assay -q scan $work/sbom.cdx.json --db $work/db -o json" \
  "floor (empty database)=$assay -q scan $work/sbom.cdx.json --db $work/empty -o json"
