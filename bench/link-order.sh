#!/usr/bin/env bash
# Regenerates crates/assay/link-order.txt: the functions that start-up and a keyless
# `verify-blob` execute. The release link (.cargo/release.toml, through crates/assay/build.rs)
# places them first and together, so a short command faults in about twenty 64 KiB runs of code
# instead of about a hundred scattered over the 15 MB of text (each page fault costs a couple of
# microseconds; bench/keyless.sh measures the whole process).
#
# The list names functions by their mangled symbol; names that no longer exist are skipped by
# the linker, so a stale list costs speed, never correctness. Regenerate after upgrading
# dependencies. Needs valgrind (callgrind).
#
#   bench/link-order.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
corpus=$(cd ../shared/corpus/sigstore && pwd)
assay=$(bench/build.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One CPython bundle of each layout that differs in what it verifies: v0.1 (SET and inclusion
# proof without checkpoint) and v0.3 (inclusion proof with checkpoint).
runs=()
for release in 3.10.1 3.13.0; do
  read -r digest identity issuer \
    < <(python3 bench/cpython_bundle.py "$corpus" "$release" "$work/$release.json")
  runs+=("-q verify-blob sha256:$digest --bundle $work/$release.json --certificate-identity $identity --certificate-oidc-issuer $issuer --trusted-root $corpus/trust/production/trusted_root.json")
done
runs+=("--version")

n=0
for args in "${runs[@]}"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the arguments are words
  valgrind -q --tool=callgrind --demangle=no --dump-instr=no --compress-strings=no \
    --callgrind-out-file="$work/cg.$n" "$assay" $args >/dev/null 2>"$work/err.$n" \
    || { cat "$work/err.$n" >&2; exit 1; }
done
# Every function named in the profiles (callgrind marks recursion levels with 'N), minus its
# pseudo-entries, sorted for a stable file.
cat "$work"/cg.* | sed -n 's/^c\?fn=//p' | sed "s/'[0-9]*\$//" \
  | grep -v -e '^0x' -e '^(below main)' | LC_ALL=C sort -u > crates/assay/link-order.txt
echo "crates/assay/link-order.txt: $(wc -l < crates/assay/link-order.txt) functions" >&2
