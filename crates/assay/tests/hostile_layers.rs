//! Hand-made hostile layers inside otherwise valid images, run through `assay export`.
//!
//! Each case either is refused with a named error and exit code 3, or is confined inside the
//! export target the way container runtimes resolve paths against the image root. In every
//! case nothing outside the target is created, changed or deleted: the test world (a victim
//! file the attack aims at, the image itself) is snapshotted before and after.

#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Layer, Raw, snapshot, stderr, write_layout};

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("sentinel")).unwrap();
        std::fs::write(root.join("sentinel/victim"), b"original").unwrap();
        std::fs::create_dir(root.join("image")).unwrap();
        Self { _tmp: tmp, root }
    }

    /// The victim's directory as an absolute host path, without the leading '/'.
    fn sentinel(&self) -> String {
        self.root.join("sentinel").to_string_lossy().into_owned()
    }

    fn out(&self) -> PathBuf {
        self.root.join("out")
    }

    /// Builds the image, exports it, and checks that nothing outside `out` changed.
    fn export(&self, layers: &[Layer]) -> Output {
        write_layout(&self.root.join("image"), layers);
        self.export_built()
    }

    fn export_built(&self) -> Output {
        let before = snapshot(&self.root, &self.out());
        let source = format!("oci-dir:{}", self.root.join("image").display());
        let o = common::run(&[
            "-v",
            "export",
            &source,
            "--output",
            self.out().to_str().unwrap(),
        ]);
        let after = snapshot(&self.root, &self.out());
        assert_eq!(
            before,
            after,
            "files outside the export target changed\nstderr: {}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read(self.root.join("sentinel/victim")).unwrap(),
            b"original"
        );
        o
    }

    /// Asserts exit code 3, no output left behind, and returns the error line (paths redacted).
    fn refused(&self, o: &Output) -> String {
        assert_eq!(o.status.code(), Some(3), "stderr: {}", stderr(o));
        assert!(
            !self.out().exists(),
            "a refused export must leave no output"
        );
        let err = stderr(o);
        let line = err
            .lines()
            .find(|l| l.starts_with("error:"))
            .expect("an error line");
        let full: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with("error:") || l.starts_with("  caused by:"))
            .collect();
        assert!(!line.is_empty());
        redact_digests(
            &full
                .join("\n")
                .replace(&*self.root.to_string_lossy(), "[WORLD]"),
        )
    }

    fn confined(&self, o: &Output) -> String {
        assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
        stderr(o).replace(&*self.root.to_string_lossy(), "[WORLD]")
    }

    fn read_out(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.out().join(rel.trim_start_matches('/'))).ok()
    }
}

/// Layer digests depend on the temporary path baked into some entries; snapshots keep the words.
fn redact_digests(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i]);
        let hex = &rest[i + 7..];
        let n = hex.bytes().take_while(u8::is_ascii_hexdigit).count();
        out.push_str(if n == 64 { "[DIGEST]" } else { "sha256:" });
        rest = if n == 64 { &hex[64..] } else { hex };
    }
    out + rest
}

#[test]
fn escape_by_dotdot_entry_is_refused() {
    let w = World::new();
    let o = w.export(&[Layer::gz(&[Raw::File("../sentinel/victim", b"pwned")])]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn escape_by_absolute_entry_is_confined() {
    let w = World::new();
    let name = format!("{}/victim", w.sentinel());
    let o = w.export(&[Layer::gz(&[Raw::File(&name, b"pwned")])]);
    let log = w.confined(&o);
    assert!(
        log.contains("absolute entry name confined to the image root"),
        "{log}"
    );
    assert_eq!(w.read_out(&name).unwrap(), b"pwned");
}

#[test]
fn escape_by_symlink_then_file_is_confined() {
    let w = World::new();
    let o = w.export(&[Layer::gz(&[
        Raw::Symlink("evil", &w.sentinel()),
        Raw::File("evil/victim", b"pwned"),
    ])]);
    let log = w.confined(&o);
    assert!(log.contains("parent directory is a symlink"), "{log}");
    assert_eq!(
        w.read_out(&format!("{}/victim", w.sentinel())).unwrap(),
        b"pwned"
    );
    assert_eq!(
        std::fs::read_link(w.out().join("evil")).unwrap(),
        Path::new(&w.sentinel())
    );
}

#[test]
fn escape_by_dotdot_symlink_then_file_is_confined_and_logged() {
    let w = World::new();
    let target = format!("../../../../../../../../../..{}", w.sentinel());
    let o = w.export(&[Layer::gz(&[
        Raw::Symlink("evil", &target),
        Raw::File("evil/victim", b"pwned"),
    ])]);
    let log = w.confined(&o);
    assert!(log.contains("escape attempt confined"), "{log}");
    assert_eq!(
        w.read_out(&format!("{}/victim", w.sentinel())).unwrap(),
        b"pwned"
    );
}

#[test]
fn escape_by_symlink_in_one_layer_and_file_in_the_next_is_confined() {
    let w = World::new();
    let target = format!("../../../../../../../../../..{}", w.sentinel());
    let o = w.export(&[
        Layer::gz(&[Raw::Symlink("evil", &target)]),
        Layer::gz(&[Raw::File("evil/victim", b"pwned")]),
    ]);
    let log = w.confined(&o);
    assert!(log.contains("escape attempt confined"), "{log}");
    assert_eq!(
        w.read_out(&format!("{}/victim", w.sentinel())).unwrap(),
        b"pwned"
    );
}

#[test]
fn hardlink_to_outside_by_dotdot_is_refused() {
    let w = World::new();
    let o = w.export(&[Layer::gz(&[Raw::Hardlink("link", "../sentinel/victim")])]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn hardlink_to_absolute_host_path_is_refused() {
    let w = World::new();
    let target = format!("{}/victim", w.sentinel());
    let o = w.export(&[Layer::gz(&[Raw::Hardlink("link", &target)])]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn whiteout_of_dotdot_is_refused() {
    let w = World::new();
    let o = w.export(&[
        Layer::gz(&[Raw::File("a/x", b"x")]),
        Layer::gz(&[Raw::File("a/.wh...", b"")]),
    ]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn whiteout_of_dot_is_refused() {
    let w = World::new();
    let o = w.export(&[
        Layer::gz(&[Raw::File("a/x", b"x")]),
        Layer::gz(&[Raw::File("a/.wh..", b"")]),
    ]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn symlink_loop_is_refused() {
    let w = World::new();
    let o = w.export(&[Layer::gz(&[
        Raw::Symlink("a", "b"),
        Raw::Symlink("b", "a"),
        Raw::File("a/x", b"x"),
    ])]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn device_files_are_never_created() {
    let w = World::new();
    let o = w.export(&[Layer::gz(&[
        Raw::Dir("dev"),
        Raw::CharDevice("dev/evil"),
        Raw::File("ok", b"ok"),
    ])]);
    let log = w.confined(&o);
    assert!(log.contains("not materialised"), "{log}");
    assert!(std::fs::symlink_metadata(w.out().join("dev/evil")).is_err());
    assert_eq!(w.read_out("ok").unwrap(), b"ok");
}

/// A gzip stream of a few MB that expands past 10 GiB: one member with the tar header of a
/// 10 GiB file, then many members of 64 MiB of zeros each (gzip allows concatenated members).
fn gzip_bomb() -> Layer {
    const CHUNK: usize = 64 << 20;
    const TOTAL: u64 = 10 << 30;
    let header = common::tar_of(&[Raw::ZeroFile("bomb", 0)]);
    let mut h = tar::Header::from_byte_slice(&header[..512]).clone();
    h.set_size(TOTAL + (64 << 20));
    h.set_cksum();
    let mut blob = common::gzip(h.as_bytes());
    let zeros = common::gzip(&vec![0u8; CHUNK]);
    for _ in 0..=(TOTAL / CHUNK as u64) {
        blob.extend_from_slice(&zeros);
    }
    Layer {
        diff_id: common::sha256(b"not checked: the layer never finishes"),
        blob,
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
    }
}

#[test]
fn gzip_bomb_is_stopped_by_the_default_limits() {
    let w = World::new();
    let bomb = gzip_bomb();
    assert!(
        bomb.blob.len() < 12 << 20,
        "bomb is {} bytes",
        bomb.blob.len()
    );
    let started = std::time::Instant::now();
    let o = w.export(&[bomb]);
    eprintln!("bomb refused after {:?}", started.elapsed());
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn truncated_layer_is_refused() {
    let w = World::new();
    let mut layer = Layer::gz(&[
        Raw::File("big", &vec![7u8; 200_000]),
        Raw::File("after", b"x"),
    ]);
    layer.blob.truncate(layer.blob.len() / 2);
    let o = w.export(&[layer]);
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn blob_that_does_not_match_its_digest_is_refused() {
    let w = World::new();
    let layer = Layer::gz(&[Raw::File("f", b"genuine")]);
    let digest = common::sha256(&layer.blob);
    write_layout(&w.root.join("image"), &[layer]);
    let tampered = common::gzip(&common::tar_of(&[Raw::File("f", b"evil!!!")]));
    std::fs::write(
        w.root.join("image/blobs/sha256").join(&digest[7..]),
        tampered,
    )
    .unwrap();
    let o = w.export_built();
    assert!(
        stderr(&o).contains(&format!("blob {digest} failed verification")),
        "the error names the blob: {}",
        stderr(&o)
    );
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn manifest_that_is_not_what_its_media_type_says_is_refused() {
    let w = World::new();
    let dir = w.root.join("image");
    let digest = write_layout(&dir, &[Layer::gz(&[Raw::File("f", b"x")])]);
    let size = std::fs::metadata(dir.join("blobs/sha256").join(&digest[7..]))
        .unwrap()
        .len() as usize;
    common::write_index(
        &dir,
        &digest,
        size,
        "application/vnd.oci.image.index.v1+json",
    );
    let o = w.export_built();
    insta::assert_snapshot!(w.refused(&o));
}

#[test]
fn whiteouts_and_hardlinks_apply_like_a_runtime() {
    let w = World::new();
    let o = w.export(&[
        Layer::gz(&[
            Raw::File("a/b", b"b"),
            Raw::File("a/c", b"c"),
            Raw::File("d/e", b"e"),
            Raw::File("d/sub/f", b"f"),
            Raw::File("x", b"shared"),
            Raw::Hardlink("y", "x"),
        ]),
        Layer::gz(&[
            Raw::File("a/.wh.b", b""),
            Raw::File("d/g", b"g"),
            Raw::File("d/.wh..wh..opq", b""),
        ]),
    ]);
    w.confined(&o);
    let snap = snapshot(&w.out(), Path::new("/nonexistent"));
    let listing: Vec<String> = snap
        .iter()
        .map(|(p, v)| {
            format!(
                "{} {}",
                p.strip_prefix(w.out()).unwrap().display(),
                v.split(' ').next().unwrap()
            )
        })
        .collect();
    assert_eq!(
        listing,
        ["a dir", "a/c file", "d dir", "d/g file", "x file", "y file"]
    );
    assert_eq!(w.read_out("y").unwrap(), b"shared");
}

#[test]
fn export_refuses_a_non_empty_target() {
    let w = World::new();
    std::fs::create_dir(w.out()).unwrap();
    std::fs::write(w.out().join("keep"), b"mine").unwrap();
    write_layout(&w.root.join("image"), &[Layer::gz(&[Raw::File("f", b"x")])]);
    let source = format!("oci-dir:{}", w.root.join("image").display());
    let o = common::run(&["export", &source, "--output", w.out().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not an empty directory"));
    assert_eq!(std::fs::read(w.out().join("keep")).unwrap(), b"mine");
}

/// An interrupted export leaves neither the target nor its staging directory behind.
#[test]
fn interrupted_export_leaves_nothing_behind() {
    let w = World::new();
    write_layout(
        &w.root.join("image"),
        &[Layer::gz(&[Raw::ZeroFile("big", 900 << 20)])],
    );
    let before = snapshot(&w.root, &w.out());
    let source = format!("oci-dir:{}", w.root.join("image").display());
    let mut child = common::assay()
        .args(["export", &source, "--output", w.out().to_str().unwrap()])
        .spawn()
        .unwrap();
    let staging_exists = || {
        std::fs::read_dir(&w.root).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".assay-export-")
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !staging_exists()
        && child.try_wait().unwrap().is_none()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(130),
        "the export was interrupted mid-write"
    );
    assert!(!w.out().exists());
    assert_eq!(
        before,
        snapshot(&w.root, &w.out()),
        "no staging output remains"
    );
}

/// `assay sbom` keeps only evidence files' bytes, but every layer byte is still decompressed,
/// counted against the limits and digest-checked: a bomb or a tampered blob is refused there too.
#[test]
fn sbom_applies_the_same_limits_and_verification() {
    let w = World::new();
    write_layout(&w.root.join("image"), &[gzip_bomb()]);
    let source = format!("oci-dir:{}", w.root.join("image").display());
    let o = common::run(&["sbom", &source, "-o", "assay-json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("decompression bomb"), "{}", stderr(&o));

    let w = World::new();
    let layer = Layer::gz(&[Raw::File("usr/share/doc/x", b"not evidence")]);
    let digest = common::sha256(&layer.blob);
    write_layout(&w.root.join("image"), &[layer]);
    let tampered = common::gzip(&common::tar_of(&[Raw::File(
        "usr/share/doc/x",
        b"tampered!!!!",
    )]));
    std::fs::write(
        w.root.join("image/blobs/sha256").join(&digest[7..]),
        tampered,
    )
    .unwrap();
    let source = format!("oci-dir:{}", w.root.join("image").display());
    let o = common::run(&["sbom", &source, "-o", "assay-json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("blob {digest} failed verification")),
        "{}",
        stderr(&o)
    );
}
