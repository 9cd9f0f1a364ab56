//! The shared test image (Debian bookworm minbase + an /app layer) in all four forms:
//! registry, OCI layout, OCI archive and docker archive. `skopeo` is the oracle for digests;
//! `tar -xzf` of the layers is the oracle for the flattened filesystem.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{run, snapshot, stderr, stdout};
use serde_json::Value;

struct Form {
    assay: String,
    skopeo: String,
    skopeo_flags: Vec<&'static str>,
}

fn forms() -> Option<Vec<Form>> {
    let dir = common::test_image_dir()?;
    let reg = common::test_registry()?;
    let d = dir.display();
    let local = |a: String, s: String| Form {
        assay: a,
        skopeo: s,
        skopeo_flags: vec![],
    };
    Some(vec![
        Form {
            assay: format!("registry:{reg}/assay/testimg:app"),
            skopeo: format!("docker://{reg}/assay/testimg:app"),
            skopeo_flags: vec!["--tls-verify=false"],
        },
        local(format!("oci-dir:{d}/oci:app"), format!("oci:{d}/oci:app")),
        local(
            format!("oci-archive:{d}/image-oci.tar"),
            format!("oci-archive:{d}/image-oci.tar"),
        ),
        local(
            format!("docker-archive:{d}/image-docker.tar"),
            format!("docker-archive:{d}/image-docker.tar"),
        ),
    ])
}

fn skopeo(form: &Form, extra: &[&str]) -> Vec<u8> {
    let o = Command::new("skopeo")
        .arg("inspect")
        .args(&form.skopeo_flags)
        .args(extra)
        .arg(&form.skopeo)
        .output()
        .expect("skopeo is installed");
    assert!(
        o.status.success(),
        "skopeo inspect {}: {}",
        form.skopeo,
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

#[test]
fn inspect_matches_skopeo_in_all_four_forms() {
    let Some(forms) = forms() else { return };
    for form in &forms {
        let o = run(&["inspect", "-o", "json", &form.assay]);
        assert!(o.status.success(), "{}: {}", form.assay, stderr(&o));
        let ours: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let theirs: Value = serde_json::from_slice(&skopeo(form, &[])).unwrap();
        assert_eq!(
            ours["digest"], theirs["Digest"],
            "{}: manifest digest",
            form.assay
        );
        let our_layers: Vec<&Value> = ours["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| &l["digest"])
            .collect();
        let their_layers: Vec<&Value> = theirs["Layers"].as_array().unwrap().iter().collect();
        assert_eq!(our_layers, their_layers, "{}: layer digests", form.assay);
        assert_eq!(our_layers.len(), 2);
        let raw = skopeo(form, &["--raw"]);
        assert_eq!(
            ours["manifestDigest"].as_str().unwrap(),
            common::sha256(&raw),
            "{}",
            form.assay
        );
        let config = skopeo(form, &["--config", "--raw"]);
        assert_eq!(
            ours["config"]["digest"].as_str().unwrap(),
            common::sha256(&config),
            "{}",
            form.assay
        );
        assert_eq!(ours["platform"], "linux/amd64");
    }
}

#[test]
fn the_table_output_names_every_layer() {
    let Some(forms) = forms() else { return };
    let o = run(&["inspect", &forms[1].assay]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let json: Value =
        serde_json::from_str(&stdout(&run(&["inspect", "-o", "json", &forms[1].assay]))).unwrap();
    for l in json["layers"].as_array().unwrap() {
        assert!(text.contains(l["digest"].as_str().unwrap()), "{text}");
    }
    assert!(text.starts_with("SOURCE"), "{text}");
}

#[test]
fn all_four_forms_flatten_to_the_same_bytes() {
    let Some(forms) = forms() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for (i, form) in forms.iter().enumerate() {
        let out = tmp.path().join(format!("{i}.tar"));
        let o = run(&["export", &form.assay, "--output", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", form.assay, stderr(&o));
        digests.push(common::sha256(&std::fs::read(&out).unwrap()));
        std::fs::remove_file(out).unwrap();
    }
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");
}

/// What `tar -xzf` of each layer in order produces, minus device nodes (assay never creates
/// them), must equal what `assay export` writes.
#[test]
fn export_matches_tar_extraction_of_the_layers() {
    let Some(dir) = common::test_image_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let ours = tmp.path().join("assay");
    let o = run(&[
        "export",
        &format!("oci-dir:{}/oci:app", dir.display()),
        "--output",
        ours.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let theirs = tmp.path().join("tar");
    std::fs::create_dir(&theirs).unwrap();
    let json: Value = serde_json::from_str(&stdout(&run(&[
        "inspect",
        "-o",
        "json",
        &format!("oci-dir:{}/oci:app", dir.display()),
    ])))
    .unwrap();
    for l in json["layers"].as_array().unwrap() {
        let hex = &l["digest"].as_str().unwrap()[7..];
        let blob = dir.join("oci/blobs/sha256").join(hex);
        let st = Command::new("tar")
            .arg("-xzf")
            .arg(&blob)
            .arg("-C")
            .arg(&theirs)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let rel = |root: &Path| -> std::collections::BTreeSet<(String, String)> {
        snapshot(root, Path::new("/nonexistent"))
            .into_iter()
            .filter(|(_, v)| v != "special")
            .map(|(p, v)| (p.strip_prefix(root).unwrap().display().to_string(), v))
            .collect()
    };
    let (a, b) = (rel(&ours), rel(&theirs));
    assert!(
        a.len() > 5000,
        "a real Debian image has thousands of entries, got {}",
        a.len()
    );
    let only_ours: Vec<_> = a.difference(&b).take(5).collect();
    let only_theirs: Vec<_> = b.difference(&a).take(5).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "differ: ours {only_ours:?} theirs {only_theirs:?}"
    );
}
