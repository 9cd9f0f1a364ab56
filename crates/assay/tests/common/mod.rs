//! Shared helpers for the CLI tests: running the binary, finding the shared fixtures, and
//! building small OCI layouts by hand.
#![allow(dead_code, clippy::disallowed_methods, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest as _, Sha256};

/// True when CI asked for every fixture to be present (a missing one then fails the test).
pub fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// Skips (or, in CI, fails) when a fixture is absent.
pub fn skip(what: &str) {
    assert!(!fixtures_required(), "required fixture missing: {what}");
    eprintln!("skipping: {what} (set by .ci/run)");
}

/// A path in the shared corpus (`../shared/corpus/REL`), or `None` after [`skip`].
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        skip(&format!("corpus {rel} is absent"));
        None
    }
}

/// The test image built by `../shared/tools/make-test-image.sh` (`$ASSAY_TEST_IMAGE_DIR`).
pub fn test_image_dir() -> Option<PathBuf> {
    match std::env::var_os("ASSAY_TEST_IMAGE_DIR").map(PathBuf::from) {
        Some(d) if d.join("oci/index.json").is_file() => Some(d),
        _ => {
            skip("ASSAY_TEST_IMAGE_DIR does not point at a built test image");
            None
        }
    }
}

/// `host:port` of the throwaway registry holding the test image as `assay/testimg:app`.
pub fn test_registry() -> Option<String> {
    let reg = std::env::var("ASSAY_TEST_REGISTRY")
        .ok()
        .filter(|r| !r.is_empty());
    if reg.is_none() {
        skip("ASSAY_TEST_REGISTRY is not set");
    }
    reg
}

/// The assay binary under test.
pub fn assay() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_assay"));
    c.env_remove("ASSAY_LOG").env("NO_COLOR", "1");
    c
}

/// Runs assay with `args`.
pub fn run(args: &[&str]) -> Output {
    assay().args(args).output().expect("run assay")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `sha256:<hex>` of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One raw tar entry. Names are written verbatim (no sanitising), which is the point: these
/// are the bytes an attacker would craft.
pub enum Raw<'a> {
    Dir(&'a str),
    File(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    CharDevice(&'a str),
    /// A file header claiming `size` bytes; the content is `size` zero bytes.
    ZeroFile(&'a str, u64),
}

fn header(name: &str, kind: tar::EntryType, size: u64, link: Option<&str>) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    {
        let old = h.as_old_mut();
        let n = name.as_bytes();
        assert!(n.len() < 100, "test names stay short");
        old.name[..n.len()].copy_from_slice(n);
        if let Some(l) = link {
            old.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(if kind == tar::EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// An uncompressed tar of `entries`.
pub fn tar_of(entries: &[Raw<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let (h, data): (tar::Header, &[u8]) = match e {
            Raw::Dir(n) => (header(n, tar::EntryType::Directory, 0, None), &[]),
            Raw::File(n, d) => (header(n, tar::EntryType::Regular, d.len() as u64, None), d),
            Raw::Symlink(n, t) => (header(n, tar::EntryType::Symlink, 0, Some(t)), &[]),
            Raw::Hardlink(n, t) => (header(n, tar::EntryType::Link, 0, Some(t)), &[]),
            Raw::CharDevice(n) => (header(n, tar::EntryType::Char, 0, None), &[]),
            Raw::ZeroFile(n, size) => {
                let h = header(n, tar::EntryType::Regular, *size, None);
                out.extend_from_slice(h.as_bytes());
                out.resize(out.len() + (*size as usize).next_multiple_of(512), 0);
                continue;
            }
        };
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(512), 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// gzip of bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A layer for [`write_layout`]: the blob bytes, their media type, and the uncompressed digest.
pub struct Layer {
    pub blob: Vec<u8>,
    pub media_type: &'static str,
    pub diff_id: String,
}

impl Layer {
    /// An uncompressed layer of `entries`.
    pub fn plain(entries: &[Raw<'_>]) -> Self {
        let tar = tar_of(entries);
        Self {
            diff_id: sha256(&tar),
            blob: tar,
            media_type: "application/vnd.oci.image.layer.v1.tar",
        }
    }

    /// A zstd layer of `entries`.
    pub fn zstd(entries: &[Raw<'_>]) -> Self {
        let tar = tar_of(entries);
        Self {
            diff_id: sha256(&tar),
            blob: zstd::encode_all(&tar[..], 3).unwrap(),
            media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }

    /// A gzip layer of `entries`.
    pub fn gz(entries: &[Raw<'_>]) -> Self {
        let tar = tar_of(entries);
        Self {
            diff_id: sha256(&tar),
            blob: gzip(&tar),
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        }
    }
}

fn write_blob(dir: &Path, bytes: &[u8]) -> String {
    let d = sha256(bytes);
    let p = dir.join("blobs/sha256").join(&d["sha256:".len()..]);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
    d
}

/// Writes an OCI layout at `dir` holding one image tagged `latest`; returns the manifest digest.
pub fn write_layout(dir: &Path, layers: &[Layer]) -> String {
    let (digest, size) = write_manifest(dir, layers, "amd64");
    write_index(
        dir,
        &digest,
        size,
        "application/vnd.oci.image.manifest.v1+json",
    );
    digest
}

/// Writes the blobs, config and manifest of one image for `arch`; returns the manifest's
/// digest and size.
pub fn write_manifest(dir: &Path, layers: &[Layer], arch: &str) -> (String, usize) {
    let diff_ids: Vec<&str> = layers.iter().map(|l| l.diff_id.as_str()).collect();
    let config = serde_json::json!({
        "architecture": arch, "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {}
    });
    let config = serde_json::to_vec(&config).unwrap();
    let config_digest = write_blob(dir, &config);
    let layer_descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| serde_json::json!({"mediaType": l.media_type, "digest": write_blob(dir, &l.blob), "size": l.blob.len()}))
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": layer_descs,
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    (write_blob(dir, &manifest), manifest.len())
}

/// Writes a blob into the layout and returns its digest.
pub fn put_blob(dir: &Path, bytes: &[u8]) -> String {
    write_blob(dir, bytes)
}

/// Writes `oci-layout` and an `index.json` naming one manifest, tagged `latest`.
pub fn write_index(dir: &Path, digest: &str, size: usize, media_type: &str) {
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": media_type, "digest": digest, "size": size,
                       "annotations": {"org.opencontainers.image.ref.name": "latest"}}]
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

/// What a directory holds: path → kind and content (file hash or link target). Used to prove
/// that nothing outside an export target changed.
pub fn snapshot(root: &Path, exclude: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.starts_with(exclude) {
                continue;
            }
            let m = std::fs::symlink_metadata(&p).unwrap();
            let v = if m.file_type().is_symlink() {
                format!("link {}", std::fs::read_link(&p).unwrap().display())
            } else if m.is_dir() {
                stack.push(p.clone());
                "dir".to_owned()
            } else if !m.is_file() {
                "special".to_owned()
            } else {
                format!("file {}", sha256(&std::fs::read(&p).unwrap()))
            };
            out.insert(p, v);
        }
    }
    out
}
