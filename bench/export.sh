#!/usr/bin/env bash
# Export benchmark: `assay export` of the shared test image against `tar -xzf` of the same
# layers, one after the other into one directory (what a naive unpack does), in the same run.
# Both read the same files from a warm page cache; runs alternate so neither gets a warmer
# cache. Prints the median wall time of each and the ratio assay/tar (below 1 means assay is
# faster).
#
#   bench/export.sh                 # uses $ASSAY_TEST_IMAGE_DIR or /var/tmp/assay-test-image
#   RUNS=11 bench/export.sh
set -euo pipefail
cd "$(dirname "$0")/.."
img=${ASSAY_TEST_IMAGE_DIR:-/var/tmp/assay-test-image}
runs=${RUNS:-7}
if [[ ! -s $img/oci/index.json ]]; then
  echo "building the test image into $img (root, debootstrap, umoci, skopeo)" >&2
  mkdir -p "$img" && WORK=$img WITH_AUDITABLE=0 bash ../shared/tools/make-test-image.sh
fi
assay=$(bench/build.sh)
source=oci-dir:$img/oci:app
mapfile -t layers < <("$assay" inspect -o json "$source" | python3 -c '
import json, sys
for l in json.load(sys.stdin)["layers"]:
    print(l["digest"].split(":")[1])')
scratch=$(mktemp -d /tmp/assay-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
run_assay() { "$assay" -q export "$source" --output "$scratch/assay"; }
run_tar() {
  mkdir "$scratch/tar"
  for l in "${layers[@]}"; do tar -xzf "$img/oci/blobs/sha256/$l" -C "$scratch/tar" 2>/dev/null; done
}
timed() { local t0 t1; t0=$(now); "$@"; t1=$(now); awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'; }

a=(); t=()
run_assay; run_tar; rm -rf "$scratch/assay" "$scratch/tar"   # warm the cache
for ((i = 0; i < runs; i++)); do
  sync; a+=("$(timed run_assay)"); rm -rf "$scratch/assay"
  sync; t+=("$(timed run_tar)"); rm -rf "$scratch/tar"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${a[@]}"); mt=$(median "${t[@]}")
size=$(du -sh "$img/oci/blobs" | cut -f1)
printf 'export of the test image (%s layers, %s of blobs), median of %s runs on %s cores\n' "${#layers[@]}" "$size" "$runs" "$(nproc)"
printf '  assay export     %.3f s\n' "$ma"
printf '  tar -xzf layers  %.3f s\n' "$mt"
printf '  ratio assay/tar  %.2f\n' "$(awk -v a="$ma" -v b="$mt" 'BEGIN { print a / b }')"
