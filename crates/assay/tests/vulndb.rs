//! `assay db update` against a local HTTP server serving corpus feeds, and `assay db push` /
//! `assay db pull` against the CI registry.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{assay, corpus, stderr, stdout};
use serde_json::Value;

/// The feed server; killed on drop. Its request log is read back with [`Server::log`].
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(root: &Path, log: PathBuf) -> Server {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve_feeds.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap();
        Server { child, port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// Status codes logged so far for `path`.
    fn statuses(&self, path: &str) -> Vec<String> {
        let mut text = String::new();
        std::fs::File::open(&self.log)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text.lines()
            .filter(|l| l.starts_with(&format!("GET /{path} ")))
            .filter_map(|l| l.split(' ').nth(2).map(str::to_owned))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A feed tree like the upstream hosts: an osv.dev-style zip, an Alpine secdb file, the
/// Debian tracker export.
fn feed_tree() -> Option<tempfile::TempDir> {
    let crates = corpus("osv/crates.io")?;
    let alpine = corpus("osv-os/alpine/secdb/v3.21/main.json")?;
    let tracker = corpus("osv-os/debian/tracker-json-sample/debian.json")?;
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("crates.io")).unwrap();
    std::fs::create_dir_all(root.path().join("v3.21")).unwrap();
    std::fs::create_dir_all(root.path().join("tracker/data")).unwrap();
    let zip = root.path().join("crates.io/all.zip");
    let status = Command::new("python3")
        .args([
            "-c",
            "import shutil,sys; shutil.make_archive(sys.argv[1][:-4], 'zip', sys.argv[2])",
        ])
        .arg(&zip)
        .arg(&crates)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(alpine, root.path().join("v3.21/main.json")).unwrap();
    std::fs::copy(tracker, root.path().join("tracker/data/json")).unwrap();
    Some(root)
}

fn update(db: &Path, server: &Server) -> std::process::Output {
    assay()
        .args(["db", "update", "--db"])
        .arg(db)
        .arg("--feed")
        .arg(format!("osv-crates.io={}", server.url("crates.io/all.zip")))
        .arg("--feed")
        .arg(format!(
            "alpine-v3.21-main={}",
            server.url("v3.21/main.json")
        ))
        .arg("--feed")
        .arg(format!(
            "debian-tracker={}",
            server.url("tracker/data/json")
        ))
        .output()
        .unwrap()
}

fn sources(db: &Path) -> Value {
    let o = assay()
        .args(["db", "status", "-o", "json", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<Value>(&o.stdout).unwrap()["sources"].clone()
}

#[test]
fn update_downloads_then_revalidates() {
    let Some(root) = feed_tree() else { return };
    let logs = tempfile::tempdir().unwrap();
    let server = Server::start(root.path(), logs.path().join("requests.log"));
    let db = tempfile::tempdir().unwrap();

    let o = update(db.path(), &server);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = sources(db.path());
    let kinds: Vec<&str> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["alpine-secdb", "debian-tracker", "osv"]);
    for s in first.as_array().unwrap() {
        assert!(s["advisories"].as_u64().unwrap() > 0, "{s}");
        assert!(s["etag"].is_string(), "{s}");
    }

    // Unchanged upstream: conditional requests, 304s, same content.
    let o = update(db.path(), &server);
    assert!(o.status.success(), "{}", stderr(&o));
    for path in ["crates.io/all.zip", "v3.21/main.json", "tracker/data/json"] {
        assert_eq!(server.statuses(path), ["200", "304"], "{path}");
    }
    let second = sources(db.path());
    for (a, b) in first
        .as_array()
        .unwrap()
        .iter()
        .zip(second.as_array().unwrap())
    {
        assert_eq!(a["advisories"], b["advisories"]);
        assert_eq!(a["ecosystems"], b["ecosystems"]);
    }

    // One feed changes: only it is downloaded again.
    let main = root.path().join("v3.21/main.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&main).unwrap()).unwrap();
    v["packages"].as_array_mut().unwrap().truncate(10);
    std::fs::write(&main, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = update(db.path(), &server);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(server.statuses("v3.21/main.json"), ["200", "304", "200"]);
    assert_eq!(server.statuses("crates.io/all.zip"), ["200", "304", "304"]);
    let third = sources(db.path());
    let alpine = |s: &Value| s[0]["advisories"].as_u64().unwrap();
    assert!(alpine(&third) < alpine(&first));
}

#[test]
fn failed_update_changes_nothing() {
    let Some(root) = feed_tree() else { return };
    let logs = tempfile::tempdir().unwrap();
    let server = Server::start(root.path(), logs.path().join("requests.log"));
    let db = tempfile::tempdir().unwrap();
    assert!(update(db.path(), &server).status.success());
    let before = std::fs::read(db.path().join("assay-vuln.db")).unwrap();
    let o = assay()
        .args(["db", "update", "--db"])
        .arg(db.path())
        .arg("--feed")
        .arg(format!(
            "alpine-v3.21-main={}",
            server.url("v3.21/main.json")
        ))
        .arg("--feed")
        .arg(format!("gone={}", server.url("nowhere/all.zip")))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("HTTP 404"), "{}", stderr(&o));
    let after = std::fs::read(db.path().join("assay-vuln.db")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn push_then_pull_gives_the_same_database() {
    let (Some(reg), Some(crates)) = (common::test_registry(), corpus("osv/crates.io")) else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    let o = assay()
        .args(["db", "import"])
        .arg(&crates)
        .arg("--db")
        .arg(src.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = format!("{reg}/assay-test/vulndb:t1");
    let o = assay()
        .args(["db", "push", &reference, "--db"])
        .arg(src.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let pinned = stdout(&o).trim().to_owned();
    assert!(pinned.contains("@sha256:"), "{pinned}");

    let dst = tempfile::tempdir().unwrap();
    for r in [&reference, &pinned] {
        let o = assay()
            .args(["db", "pull", r, "--db"])
            .arg(dst.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{r}: {}", stderr(&o));
        assert_eq!(
            std::fs::read(src.path().join("assay-vuln.db")).unwrap(),
            std::fs::read(dst.path().join("assay-vuln.db")).unwrap()
        );
    }
    assert_eq!(sources(src.path()), sources(dst.path()));
    let leftovers: Vec<_> = std::fs::read_dir(dst.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".pull-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Something that is not a database is refused; the installed one stays.
    let o = assay()
        .args(["db", "pull", &format!("{reg}/assay/testimg:app"), "--db"])
        .arg(dst.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(sources(src.path()), sources(dst.path()));
}
