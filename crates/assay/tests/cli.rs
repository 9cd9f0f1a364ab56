//! Command-line conventions: version, help, completions, exit codes, dir:/file: sources.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use common::{run, stderr, stdout};

#[test]
fn version_and_help() {
    let o = run(&["--version"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("assay {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&["help", "inspect"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("--platform"), "{}", stdout(&o));
    let o = run(&["--help"]);
    assert!(stdout(&o).contains("Exit codes"), "{}", stdout(&o));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef assay"),
        ("fish", "complete -c assay"),
    ] {
        let o = run(&["completion", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(
            stdout(&o).contains(marker),
            "{shell} completion lacks {marker:?}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        run(&["inspect", "--platform", "linux", "dir:."])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["no-such-verb"]).status.code(), Some(2));
}

#[test]
fn missing_inputs_exit_1_and_name_the_path() {
    let cases = [
        "oci-dir:/nonexistent/layout",
        "oci-archive:/nonexistent/a.tar",
        "docker-archive:/nonexistent/d.tar",
        "dir:/nonexistent/dir",
        "file:/nonexistent/file",
    ];
    for source in cases {
        let o = run(&["inspect", source]);
        assert_eq!(o.status.code(), Some(1), "{source}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("/nonexistent/"),
            "{source}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "no data on stdout for a failure");
    }
    let o = run(&["inspect", "registry:Not A Reference"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid SOURCE"), "{}", stderr(&o));
}

#[test]
fn dir_and_file_sources_list_file_digests() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("sub/a.txt"), b"hello").unwrap();
    std::fs::write(tmp.path().join("b.bin"), b"").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tmp.path().join("link")).unwrap();
    let o = run(&[
        "inspect",
        "-o",
        "json",
        &format!("dir:{}", tmp.path().display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files: Vec<(String, String)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["digest"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("/b.bin".to_owned(), common::sha256(b"")),
            ("/sub/a.txt".to_owned(), common::sha256(b"hello"))
        ]
    );

    let o = run(&[
        "inspect",
        "-o",
        "json",
        &format!("file:{}", tmp.path().join("sub/a.txt").display()),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["files"][0]["path"], "/a.txt");
    assert_eq!(
        v["files"][0]["digest"].as_str().unwrap(),
        common::sha256(b"hello")
    );
    assert_eq!(
        run(&["inspect", &format!("file:{}", tmp.path().display())])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn dir_export_copies_files_and_keeps_links_as_links() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("d")).unwrap();
    std::fs::write(src.join("d/f"), b"data").unwrap();
    std::os::unix::fs::symlink("/etc/shadow", src.join("d/l")).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "export",
        &format!("dir:{}", src.display()),
        "-O",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("d/f")).unwrap(), b"data");
    assert_eq!(
        std::fs::read_link(out.join("d/l")).unwrap().to_str(),
        Some("/etc/shadow")
    );
}

#[test]
fn quiet_silences_logs_and_verbose_adds_them() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let src = format!("dir:{}", tmp.path().display());
    let out = tmp.path().join("o1");
    let o = run(&["-v", "export", &src, "-O", out.to_str().unwrap()]);
    assert!(stderr(&o).contains("export complete"), "{}", stderr(&o));
    assert!(!stderr(&o).contains('\u{1b}'), "NO_COLOR: no escape codes");
    let out = tmp.path().join("o2");
    let o = run(&["-q", "export", &src, "-O", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// The progress spinner appears on a terminal, never with -q, and never when stderr is a pipe.
#[test]
fn progress_shows_on_a_terminal_only() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let bin = env!("CARGO_BIN_EXE_assay");
    let under_tty = |flags: &str| {
        let cmd = format!(
            "{bin} {flags} sbom dir:{} -o spdx-json={}/out.json",
            tmp.path().display(),
            tmp.path().display()
        );
        let o = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .expect("script(1) from util-linux");
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(
        under_tty("").contains("reading dir:"),
        "spinner expected on a terminal"
    );
    assert!(
        !under_tty("-q").contains("reading dir:"),
        "-q silences the spinner"
    );
    let o = run(&["sbom", &format!("dir:{}", tmp.path().display())]);
    assert!(
        !stderr(&o).contains("reading dir:"),
        "no spinner when stderr is not a terminal"
    );
}
