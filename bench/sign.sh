#!/usr/bin/env bash
# Image signing and verification benchmark, against a registry on this machine.
#  1. whole process, one repository signed once with `--storage both` and attested once:
#     `assay verify` (both storage schemes read), `assay verify-attestation`, and re-signing
#     with `--storage legacy` (idempotent: the same key adds no layer, so every run does the
#     same work), each against the floor `skopeo inspect --raw` (one process resolving the tag
#     with a single manifest GET);
#  2. whole process, `assay sign --storage referrers` on a second repository, against the same
#     floor. Not idempotent: each run adds one referrer, so that repository's referrer list
#     grows by one per run (except for runs within the same second as the previous one, whose
#     signed payload and so referrer are identical), and fewer runs are made (REF_RUNS, half
#     of RUNS by default). Both signs read cosign's encrypted key format and so include its
#     scrypt decryption (64 MiB of memory, most of their time), as cosign's signing does;
#  3. in-process DSSE throughput per key algorithm: envelopes verified per second against one
#     raw signature verification (`cargo bench -p assay-attest --bench dsse`).
#
#   bench/sign.sh                                   # RUNS=20 by default
#   RUNS=50 ASSAY_TEST_REGISTRY=127.0.0.1:5000 bench/sign.sh
#
# Needs skopeo, the test image as an OCI layout (ASSAY_TEST_IMAGE_DIR, default
# /var/tmp/assay-test-image, built by .ci/run), and either ASSAY_TEST_REGISTRY (host:port,
# plain HTTP) or Debian's docker-registry to start a throwaway registry on 127.0.0.1.
# assay's stderr (verification summaries) goes to a log, shown if a command fails.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
ref_runs=${REF_RUNS:-$(((runs + 1) / 2))}
image_dir=${ASSAY_TEST_IMAGE_DIR:-/var/tmp/assay-test-image}
if [[ ! -s $image_dir/oci/index.json ]]; then
  echo "skipping: no test image in $image_dir/oci (build it with .ci/run or set ASSAY_TEST_IMAGE_DIR)" >&2
  exit 1
fi
command -v skopeo >/dev/null || { echo "skipping: skopeo is not installed" >&2; exit 1; }
assay=$(bench/build.sh)

work=$(mktemp -d)
regpid=
cleanup() {
  local status=$?
  if ((status)) && [[ -s $work/assay.log ]]; then tail -n 20 "$work/assay.log" >&2; fi
  if [[ -n $regpid ]]; then kill "$regpid" 2>/dev/null || true; wait "$regpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway registry on a free loopback port, unless one is given.
start_registry() {
  command -v docker-registry >/dev/null || { echo "skipping: docker-registry is not installed and ASSAY_TEST_REGISTRY is unset" >&2; exit 1; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$work/config.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
  secret: assay-bench
YML
  docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
  regpid=$!
  reg=127.0.0.1:$port
  for _ in $(seq 1 100); do
    curl -fsS "http://$reg/v2/" >/dev/null 2>&1 && return
    sleep 0.1
  done
  cat "$work/registry.log" >&2
  exit 1
}
if [[ -n ${ASSAY_TEST_REGISTRY:-} ]]; then reg=$ASSAY_TEST_REGISTRY; else start_registry; fi

repo=bench/sign-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
for r in "$repo" "$repo-ref"; do
  skopeo copy --quiet --dest-tls-verify=false "oci:$image_dir/oci:app" "docker://$reg/$r:app"
done
image=$reg/$repo:app
image_ref=$reg/$repo-ref:app
a="$assay -q"
ins="--insecure-registry $reg"
log="2>>$work/assay.log"
export ASSAY_PASSWORD=
$assay -q key generate --output-key-prefix "$work/k"
echo '{"verdict":"pass"}' >"$work/p.json"
$a sign "$image" --key "$work/k.key" --storage both $ins >/dev/null 2>>"$work/assay.log"
$a attest "$image" --key "$work/k.key" --predicate "$work/p.json" --storage both $ins >/dev/null 2>>"$work/assay.log"
$a sign "$image_ref" --key "$work/k.key" --storage referrers $ins >/dev/null 2>>"$work/assay.log"
floor="skopeo inspect --raw --tls-verify=false docker://"
echo "registry $reg, repositories $repo and $repo-ref ($(nproc) cores)"

echo "whole process: verify, verify-attestation and legacy re-sign (median of $runs)"
python3 bench/measure.py "$runs" \
  "floor (skopeo inspect)=$floor$image" \
  "verify=$a verify $image --key $work/k.pub $ins $log" \
  "verify-att=$a verify-attestation $image --key $work/k.pub --type custom $ins $log" \
  "sign-legacy=$a sign $image --key $work/k.key --storage legacy $ins $log"

echo "whole process: sign --storage referrers, one referrer more per run (median of $ref_runs)"
python3 bench/measure.py "$ref_runs" \
  "floor (skopeo inspect)=$floor$image_ref" \
  "sign-referrers=$a sign $image_ref --key $work/k.key --storage referrers $ins $log"

echo "in-process DSSE verification (cargo bench -p assay-attest --bench dsse)"
cargo bench -q --locked -p assay-attest --bench dsse 2>/dev/null | sed 's/^/  /'
