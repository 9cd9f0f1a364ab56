//! Decoding syft JSON: a document syft 1.18.1 writes for the shared test image.
#![allow(clippy::print_stderr, clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::process::Command;

use assay_sbom::format::syft_json;
use assay_sbom::model::RelationshipKind;

fn required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() == Ok("1")
}

#[test]
fn decodes_what_syft_writes_for_the_test_image() {
    let dir = std::env::var("ASSAY_TEST_IMAGE_DIR").unwrap_or_else(|_| "/tmp/testimg".to_owned());
    let layout = format!("{dir}/oci");
    let syft = Command::new("syft")
        .args([
            "scan",
            "-q",
            "-o",
            "syft-json",
            &format!("oci-dir:{layout}"),
        ])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output();
    let Some(out) = syft.ok().filter(|o| o.status.success()) else {
        assert!(!required(), "syft or the test image is missing");
        eprintln!("skipping: syft or the test image at {layout} is missing");
        return;
    };
    let raw: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sbom = syft_json::decode(&out.stdout).unwrap();
    let want: BTreeSet<String> = raw["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["purl"].as_str().unwrap().to_owned())
        .collect();
    let got: BTreeSet<String> = sbom.packages.iter().map(|p| p.purl.to_string()).collect();
    assert_eq!(
        got, want,
        "every artifact becomes a package with syft's purl"
    );
    assert_eq!(sbom.source.kind, "image");
    assert!(sbom.source.digest.is_some());
    assert_eq!(sbom.distro.as_ref().map(|d| d.id.as_str()), Some("debian"));
    let deps = sbom
        .relationships
        .iter()
        .filter(|r| r.kind == RelationshipKind::DependsOn)
        .count();
    assert!(
        deps > 100,
        "dpkg and npm dependency edges carry over, got {deps}"
    );
    let curl = sbom.packages.iter().find(|p| p.name == "curl").unwrap();
    assert!(
        curl.supplier.is_some() && curl.license.is_some(),
        "{curl:?}"
    );
    assert!(
        curl.locations.iter().all(|l| l.layer.is_some()),
        "layer ids carry over"
    );
}

#[test]
fn rejects_what_is_not_syft_json() {
    for bad in [
        &b""[..],
        b"{}",
        b"[1,2]",
        b"{\"artifacts\": 5}",
        &[0xff, 0xfe, 0x00],
    ] {
        assert!(syft_json::decode(bad).is_err(), "{bad:?}");
    }
    let empty = syft_json::decode(br#"{"artifacts": []}"#).unwrap();
    assert!(empty.packages.is_empty());
}
