#!/usr/bin/env python3
"""Writes a CycloneDX 1.6 SBOM of N real packages for the scan benchmark.

usage: make_sbom.py CORPUS N OUT
Components come from syft's SBOMs in the corpus (the test image: deb, npm, python, rust; a
519-crate Cargo.lock), then PyPI packages at versions their advisories list, until N.
"""
import json
import os
import sys


def components(path):
    with open(path) as f:
        doc = json.load(f)
    for c in doc.get("components", []):
        if c.get("purl") and c.get("version"):
            yield {"type": "library", "name": c["name"], "version": c["version"], "purl": c["purl"]}


def pypi(corpus):
    d = os.path.join(corpus, "osv", "PyPI")
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name)) as f:
            rec = json.load(f)
        for a in rec.get("affected", []):
            pkg = a.get("package", {})
            versions = a.get("versions") or []
            if pkg.get("ecosystem") == "PyPI" and versions:
                n, v = pkg["name"], versions[len(versions) // 2]
                yield {"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n.lower()}@{v}"}


def main():
    corpus, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = os.path.join(corpus, "sbom", "syft-1.18.1")
    seen, comps = set(), []
    sources = [
        components(os.path.join(base, "testimg", "image.cdx.json")),
        components(os.path.join(base, "cargo-lock", "Cargo.lock.cdx.json")),
        pypi(corpus),
    ]
    for src in sources:
        for c in src:
            if len(comps) >= n:
                break
            if c["purl"] not in seen:
                seen.add(c["purl"])
                c["bom-ref"] = c["purl"]
                comps.append(c)
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "container", "name": "bench", "bom-ref": "bench"}},
        "components": comps,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"{len(comps)} components -> {out}")


if __name__ == "__main__":
    main()
