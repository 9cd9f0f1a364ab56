#!/usr/bin/env python3
"""Writes the Sigstore bundle of one CPython release from the corpus and prints its artifact's
SHA-256, its release manager's identity and OIDC issuer (one line, space-separated).

usage: cpython_bundle.py CORPUS RELEASE OUT
CORPUS is ../shared/corpus/sigstore; RELEASE e.g. 3.13.0; OUT the bundle file to write.
"""
import json
import sys


def main():
    corpus, release, out = sys.argv[1:]
    tracker = f"{corpus}/cpython-release-tracker"
    files = json.load(open(f"{tracker}/versions/{release}.json"))
    signed = next(f for f in files if "sigstore" in f)
    with open(out, "w") as bundle:
        json.dump(signed["sigstore"], bundle)
    series = ".".join(release.split(".")[:2])
    signers = json.load(open(f"{tracker}/signing-identities.json"))
    signer = next(s for s in signers if s["Release"] == series)
    print(signed["sha256"], signer["Release manager"], signer["OIDC Issuer"])


if __name__ == "__main__":
    main()
