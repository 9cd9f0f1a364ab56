#!/usr/bin/env bash
# Builds assay the way it is released and prints the executable's path: on x86-64 Linux with
# glibc the static position-independent executable of .cargo/release.toml, elsewhere a plain
# release build. Every benchmark measures this binary.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
host=$(rustc -vV | sed -n 's/^host: //p')
if [[ $host == x86_64-unknown-linux-gnu ]]; then
  cargo --config .cargo/release.toml build --release --locked -q -p assay >&2
  echo "$target/$host/release/assay"
else
  cargo build --release --locked -q -p assay >&2
  echo "$target/release/assay"
fi
