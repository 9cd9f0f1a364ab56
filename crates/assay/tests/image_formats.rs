//! Layer compressions and multi-platform indexes in hand-made OCI layouts.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use common::{Layer, Raw, run, stderr, stdout, write_layout, write_manifest};

fn export_files(layout: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let out = layout.parent().unwrap().join("out");
    let _ = std::fs::remove_dir_all(&out);
    let source = format!("oci-dir:{}", layout.display());
    let mut args = vec!["export", source.as_str(), "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn gzip_zstd_and_uncompressed_layers_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("img");
    std::fs::create_dir(&dir).unwrap();
    write_layout(
        &dir,
        &[
            Layer::gz(&[
                Raw::File("etc/one", b"gzip"),
                Raw::File("etc/shared", b"from gzip"),
            ]),
            Layer::zstd(&[
                Raw::File("etc/two", b"zstd"),
                Raw::File("etc/shared", b"from zstd"),
            ]),
            Layer::plain(&[
                Raw::File("etc/three", b"plain"),
                Raw::File("etc/.wh.one", b""),
            ]),
        ],
    );
    let o = export_files(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("out/etc");
    assert!(!out.join("one").exists(), "whited out by the top layer");
    assert_eq!(std::fs::read(out.join("two")).unwrap(), b"zstd");
    assert_eq!(std::fs::read(out.join("three")).unwrap(), b"plain");
    assert_eq!(std::fs::read(out.join("shared")).unwrap(), b"from zstd");
}

/// index.json → an image index with amd64 and arm64/v8 images, as multi-platform pushes leave.
fn multi_platform_layout(dir: &std::path::Path) -> (String, String) {
    std::fs::create_dir_all(dir).unwrap();
    let (amd, amd_size) =
        write_manifest(dir, &[Layer::gz(&[Raw::File("arch", b"amd64")])], "amd64");
    let (arm, arm_size) =
        write_manifest(dir, &[Layer::gz(&[Raw::File("arch", b"arm64")])], "arm64");
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd, "size": amd_size,
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm, "size": arm_size,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
        ]
    });
    let index = serde_json::to_vec(&index).unwrap();
    let index_digest = common::put_blob(dir, &index);
    common::write_index(
        dir,
        &index_digest,
        index.len(),
        "application/vnd.oci.image.index.v1+json",
    );
    (index_digest, arm)
}

#[test]
fn platform_selects_from_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("img");
    let (index_digest, arm_digest) = multi_platform_layout(&dir);
    let source = format!("oci-dir:{}", dir.display());
    let o = run(&[
        "inspect",
        "-o",
        "json",
        "--platform",
        "linux/arm64",
        &source,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["digest"], index_digest.as_str());
    assert_eq!(v["mediaType"], "application/vnd.oci.image.index.v1+json");
    assert_eq!(v["manifestDigest"], arm_digest.as_str());
    assert_eq!(v["platform"], "linux/arm64");

    let o = export_files(&dir, &["--platform", "linux/arm64/v8"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(tmp.path().join("out/arch")).unwrap(),
        b"arm64"
    );
    let o = export_files(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(tmp.path().join("out/arch")).unwrap(),
        b"amd64",
        "default is linux/amd64"
    );
}

#[test]
fn a_platform_the_index_lacks_is_an_error_listing_what_it_has() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("img");
    multi_platform_layout(&dir);
    let o = run(&[
        "inspect",
        "--platform",
        "linux/s390x",
        &format!("oci-dir:{}", dir.display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no image for platform linux/s390x"), "{err}");
    assert!(err.contains("linux/amd64, linux/arm64/v8"), "{err}");
}

#[test]
fn a_layout_with_several_images_needs_a_tag() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("img");
    std::fs::create_dir(&dir).unwrap();
    let (a, a_size) = write_manifest(&dir, &[Layer::gz(&[Raw::File("f", b"a")])], "amd64");
    let (b, b_size) = write_manifest(&dir, &[Layer::gz(&[Raw::File("f", b"b")])], "amd64");
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": a, "size": a_size,
         "annotations": {"org.opencontainers.image.ref.name": "one"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": b, "size": b_size,
         "annotations": {"org.opencontainers.image.ref.name": "two"}}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let o = run(&["inspect", &format!("oci-dir:{}", dir.display())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds 2 images; choose one with :TAG (tags present: one, two)"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "inspect",
        "-o",
        "json",
        &format!("oci-dir:{}:two", dir.display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&b));
    let o = run(&["inspect", &format!("oci-dir:{}:three", dir.display())]);
    assert!(
        stderr(&o).contains("no image tagged \"three\""),
        "{}",
        stderr(&o)
    );
}
