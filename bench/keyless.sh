#!/usr/bin/env bash
# Keyless (Sigstore bundle) verification benchmark, on the CPython release bundles of the corpus
# (real public-good bundles, v0.1 to v0.3, signed by the release managers).
#  1. in-process, one thread: all 495 bundles verified several times over against
#     `sha256:<digest>` (`cargo bench -p assay-attest --bench keyless`): bundles per second and
#     time per bundle;
#  2. whole process, one bundle (Python-$RELEASE.tgz, default 3.13.0, a v0.3 bundle):
#     `assay verify-blob sha256:<hex> --bundle B --certificate-identity I
#     --certificate-oidc-issuer U --trusted-root <corpus production trusted_root.json>` against
#     sigstore-python's `sigstore verify identity --offline` on the same bundle and digest. Both
#     use the corpus production trusted root: sigstore-python through `--trust-config` (a client
#     trust config made of that trusted root and the corpus signing config).
#
# Every command is executed directly (no shell in between). The two floors show what start-up
# costs: `true` is the cost of spawning and reaping any process here, `assay --version` that of
# starting assay and parsing its arguments.
#
#   bench/keyless.sh                    # RUNS=10 by default
#   RUNS=20 RELEASE=3.9.20 bench/keyless.sh
#
# Needs PyPI `sigstore` 4.5.1 (installed with pip when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd ../shared/corpus/sigstore && pwd)
runs=${RUNS:-10}
release=${RELEASE:-3.13.0}
assay=$(bench/build.sh)

if ! python3 -m pip show sigstore >/dev/null 2>&1; then
  echo "sigstore-python is not installed: installing PyPI sigstore==4.5.1 with pip" >&2
  python3 -m pip install -q sigstore==4.5.1
fi
sigstore_version=$(python3 -m pip show sigstore | sed -n 's/^Version: //p')

work=$(mktemp -d)
cleanup() {
  local status=$?
  if ((status)) && [[ -s $work/verify.log ]]; then tail -n 20 "$work/verify.log" >&2; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The bundle, its digest and signer; the client trust config for sigstore-python.
read -r digest identity issuer < <(python3 bench/cpython_bundle.py "$corpus" "$release" "$work/bundle.json")
python3 - "$corpus" "$work" <<'PY'
import json, sys
corpus, work = sys.argv[1:]
trust = f"{corpus}/trust/production"
json.dump({
    "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
    "trustedRoot": json.load(open(f"{trust}/trusted_root.json")),
    "signingConfig": json.load(open(f"{trust}/signing_config.v0.2.json")),
}, open(f"{work}/trust_config.json", "w"))
PY
bundle=$work/bundle.json
export MEASURE_STDERR=$work/verify.log

echo "in-process keyless verification (cargo bench -p assay-attest --bench keyless, $(nproc) cores)"
cargo bench -q --locked -p assay-attest --bench keyless 2>/dev/null | sed 's/^/  /'

media=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mediaType"])' "$bundle")
echo "whole process: one bundle, Python-$release.tgz ($media), median of $runs"
echo "  signer $identity ($issuer), sigstore-python $sigstore_version"
python3 bench/measure.py "$runs" \
  "assay verify-blob=$assay -q verify-blob sha256:$digest --bundle $bundle --certificate-identity $identity --certificate-oidc-issuer $issuer --trusted-root $corpus/trust/production/trusted_root.json" \
  "sigstore-python=python3 -m sigstore --trust-config $work/trust_config.json verify identity --offline --bundle $bundle --cert-identity $identity --cert-oidc-issuer $issuer sha256:$digest" \
  "floor (assay --version)=$assay --version" \
  "floor (true: process spawn)=true"
