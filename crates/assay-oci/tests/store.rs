//! Repositories: a registry repository and an OCI layout behind one trait, referrers kept
//! through the referrers tag schema, and copies between the two.
//!
//! Registry tests use the plain-HTTP registry named by `ASSAY_TEST_REGISTRY` (`host:port`, as
//! `.ci/run` starts, holding the test image at `assay/testimg:app`); they skip when it is unset,
//! unless `ASSAY_REQUIRE_FIXTURES=1`. Each test uses its own repository `assay-test/store-*`
//! and content unique to the run, so reruns against the same registry start clean. Layout tests
//! and the referrers-API tests (a scripted HTTP server) need nothing.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use assay_core::{Digest, Reference, SourceSpec};
use assay_oci::error::ImageError;
use assay_oci::layout::REF_NAME;
use assay_oci::manifest::Descriptor;
use assay_oci::registry::RegistryClient;
use assay_oci::store::{
    CopyLimits, KIND_ANNOTATION, LayoutRepo, NewReferrer, ReferrersSource, RegistryRepo,
    Repository, StoreError, copy_manifest, referrers_tag,
};
use assay_oci::{OpenOptions, open_image};
use serde_json::{Value, json};
use support::{Work, registry_host};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const EMPTY: &str = "application/vnd.oci.empty.v1+json";
const LAYER: &str = "application/vnd.assay.test.layer.v1";
const SIG_TYPE: &str = "application/vnd.assay.test.signature.v1+json";
const SBOM_TYPE: &str = "application/vnd.assay.test.sbom.v1+json";
const LIMIT: u64 = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Fixtures.

impl Work {
    /// The registry repository `host/<repository>`.
    fn registry(&self, host: &str, repository: &str) -> RegistryRepo {
        let reference: Reference = format!("{host}/{repository}").parse().unwrap();
        RegistryRepo::new(RegistryClient::new(&reference, &self.opts).unwrap())
    }

    /// The test's own repository `assay-test/store-<test>`.
    fn repo(&self, host: &str, test: &str) -> RegistryRepo {
        self.registry(host, &format!("assay-test/store-{test}"))
    }

    fn layout(&self, name: &str) -> LayoutRepo {
        LayoutRepo::create(&self.dir.path().join(name)).unwrap()
    }
}

/// Bytes unique to this run and `seed`.
fn unique(seed: &str) -> Vec<u8> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{seed} {} {nanos}", std::process::id()).into_bytes()
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Descriptor {
    Descriptor {
        media_type: media_type.to_owned(),
        digest: Digest::sha256(bytes),
        size: bytes.len() as u64,
        platform: None,
        annotations: BTreeMap::new(),
        artifact_type: None,
    }
}

fn desc_json(d: &Descriptor) -> Value {
    json!({"mediaType": d.media_type, "digest": d.digest.to_string(), "size": d.size})
}

/// Stores a one-layer image (empty config) and returns its manifest's descriptor.
fn put_image(repo: &dyn Repository, tag: Option<&str>, seed: &str) -> Descriptor {
    let layer = unique(seed);
    repo.put_blob(&Digest::sha256(b"{}"), b"{}").unwrap();
    repo.put_blob(&Digest::sha256(&layer), &layer).unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": desc_json(&descriptor(EMPTY, b"{}")),
        "layers": [desc_json(&descriptor(LAYER, &layer))],
    }))
    .unwrap();
    let digest = repo.put_manifest(tag, OCI_MANIFEST, &manifest).unwrap();
    assert_eq!(digest, Digest::sha256(&manifest));
    descriptor(OCI_MANIFEST, &manifest)
}

/// Stores an index of `children` and returns its descriptor.
fn put_index(repo: &dyn Repository, tag: Option<&str>, children: &[Descriptor]) -> Descriptor {
    let manifests: Vec<Value> = children.iter().map(desc_json).collect();
    let bytes = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    }))
    .unwrap();
    repo.put_manifest(tag, OCI_INDEX, &bytes).unwrap();
    descriptor(OCI_INDEX, &bytes)
}

/// An artifact manifest (empty config and layer) whose subject is `subject`.
fn referrer_bytes(subject: &Descriptor, artifact_type: &str, note: &str) -> Vec<u8> {
    let empty = desc_json(&descriptor(EMPTY, b"{}"));
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": empty,
        "layers": [empty],
        "subject": desc_json(subject),
        "annotations": {"note": note},
    }))
    .unwrap()
}

fn note(note: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("note".to_owned(), note.to_owned())])
}

fn push_referrer(
    repo: &dyn Repository,
    subject: &Descriptor,
    artifact_type: &str,
    text: &str,
) -> Digest {
    let bytes = referrer_bytes(subject, artifact_type, text);
    let annotations = note(text);
    let new = NewReferrer {
        media_type: OCI_MANIFEST,
        bytes: &bytes,
        artifact_type,
        annotations: &annotations,
    };
    let digest = repo.push_referrer(&subject.digest, &new).unwrap();
    assert_eq!(digest, Digest::sha256(&bytes));
    digest
}

/// The tag-schema index of `subject`, as JSON.
fn tag_index(repo: &dyn Repository, subject: &Digest) -> Value {
    let stored = repo.manifest(&referrers_tag(subject)).unwrap().unwrap();
    assert_eq!(stored.media_type, OCI_INDEX);
    serde_json::from_slice(&stored.bytes).unwrap()
}

fn digests(descriptors: &[Descriptor]) -> Vec<Digest> {
    descriptors.iter().map(|d| d.digest.clone()).collect()
}

/// Pushes two referrers (one twice), removes one, and checks every listing on the way; shared
/// by the registry and the layout.
fn exercise_tag_schema_referrers(repo: &dyn Repository) {
    let subject = put_image(repo, Some("subject"), "referred-to");
    let sig = push_referrer(repo, &subject, SIG_TYPE, "signature");
    let sbom = push_referrer(repo, &subject, SBOM_TYPE, "sbom");
    assert_eq!(push_referrer(repo, &subject, SIG_TYPE, "signature"), sig);

    let listed = repo.referrers(&subject.digest).unwrap();
    assert_eq!(listed.source, ReferrersSource::TagSchema);
    assert_eq!(digests(&listed.manifests), [sig.clone(), sbom.clone()]);
    let first = &listed.manifests[0];
    assert_eq!(first.media_type, OCI_MANIFEST);
    assert_eq!(first.artifact_type.as_deref(), Some(SIG_TYPE));
    assert_eq!(first.annotations, note("signature"));
    assert_eq!(
        listed.manifests[1].artifact_type.as_deref(),
        Some(SBOM_TYPE)
    );
    let stored = repo.manifest(&sig.to_string()).unwrap().unwrap();
    assert_eq!(first.size, stored.bytes.len() as u64);

    let index = tag_index(repo, &subject.digest);
    assert_eq!(index["schemaVersion"], 2);
    assert_eq!(index["mediaType"], OCI_INDEX);
    let entry = &index["manifests"][0];
    let keys: Vec<&str> = entry
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["annotations", "artifactType", "digest", "mediaType", "size"]
    );
    assert_eq!(entry["artifactType"], SIG_TYPE);
    assert_eq!(entry["digest"], sig.to_string().as_str());

    repo.remove_referrer(&subject.digest, &sig).unwrap();
    let listed = repo.referrers(&subject.digest).unwrap();
    assert_eq!(listed.source, ReferrersSource::TagSchema);
    assert_eq!(digests(&listed.manifests), std::slice::from_ref(&sbom));
    repo.remove_referrer(&subject.digest, &sbom).unwrap();
    let listed = repo.referrers(&subject.digest).unwrap();
    assert_eq!(listed.source, ReferrersSource::TagSchema);
    assert!(listed.manifests.is_empty());
    assert_eq!(tag_index(repo, &subject.digest)["manifests"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Against the test registry.

#[test]
fn registry_without_referrers_lists_none() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let repo = work.repo(&host, "none");
    let subject = put_image(&repo, None, "lonely");
    let listed = repo.referrers(&subject.digest).unwrap();
    assert_eq!(listed.source, ReferrersSource::None);
    assert!(listed.manifests.is_empty());
}

#[test]
fn registry_referrers_use_the_tag_schema() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    exercise_tag_schema_referrers(&work.repo(&host, "referrers"));
}

#[test]
fn referrer_naming_another_subject_is_refused() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let repo = work.repo(&host, "wrong-subject");
    let subject = put_image(&repo, None, "one");
    let other = put_image(&repo, None, "other");
    let bytes = referrer_bytes(&other, SIG_TYPE, "x");
    let annotations = BTreeMap::new();
    let new = NewReferrer {
        media_type: OCI_MANIFEST,
        bytes: &bytes,
        artifact_type: SIG_TYPE,
        annotations: &annotations,
    };
    let err = repo.push_referrer(&subject.digest, &new).unwrap_err();
    assert!(
        matches!(&err, StoreError::SubjectMismatch { subject: s, .. } if *s == subject.digest),
        "{err:?}"
    );
    assert!(
        repo.manifest(&Digest::sha256(&bytes).to_string())
            .unwrap()
            .is_none()
    );
}

#[test]
fn registry_manifests_by_tag_and_digest() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let repo = work.repo(&host, "manifests");
    let image = put_image(&repo, Some("v1"), "by-tag");
    let by_tag = repo.manifest("v1").unwrap().unwrap();
    assert_eq!(by_tag.digest, image.digest);
    assert_eq!(by_tag.media_type, OCI_MANIFEST);
    assert_eq!(Digest::sha256(&by_tag.bytes), image.digest);
    let by_digest = repo.manifest(&image.digest.to_string()).unwrap().unwrap();
    assert_eq!(by_digest, by_tag);
    assert!(repo.manifest("no-such-tag").unwrap().is_none());
    let unknown = Digest::sha256(&unique("never pushed"));
    assert!(repo.manifest(&unknown.to_string()).unwrap().is_none());
    assert_eq!(
        repo.location(),
        format!("{host}/assay-test/store-manifests")
    );
}

#[test]
fn registry_blobs_are_verified_and_limited() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let repo = work.repo(&host, "blobs");
    let bytes = unique("blob");
    let desc = descriptor(LAYER, &bytes);
    repo.put_blob(&desc.digest, &bytes).unwrap();
    assert!(repo.has_blob(&desc.digest).unwrap());
    assert_eq!(repo.blob(&desc, desc.size).unwrap(), bytes);

    let err = repo.blob(&desc, desc.size - 1).unwrap_err();
    assert!(
        matches!(&err, StoreError::BlobTooLarge { digest, size, limit, .. }
            if *digest == desc.digest && *size == desc.size && *limit == desc.size - 1),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&desc.digest.to_string()) && msg.contains("store-blobs"),
        "{msg}"
    );

    let short = Descriptor {
        size: desc.size - 1,
        ..desc.clone()
    };
    let err = repo.blob(&short, LIMIT).unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::SizeMismatch { .. })),
        "{err:?}"
    );

    let err = repo
        .put_blob(&Digest::sha256(b"other"), &bytes)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::DigestMismatch { .. })),
        "{err:?}"
    );
}

/// The test image, copied into a layout and back into another repository, keeps its digest,
/// and the layout opens as an image (with our reader and, when installed, skopeo).
#[test]
#[allow(clippy::print_stderr)]
fn test_image_copies_to_a_layout_and_back() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let source = work.registry(&host, "assay/testimg");
    let Some(original) = source.manifest("app").unwrap() else {
        assert!(
            std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
            "{host}/assay/testimg:app is missing"
        );
        eprintln!("skipping: {host}/assay/testimg:app is missing");
        return;
    };
    let layout = work.layout("saved");
    let limits = CopyLimits::default();
    let copied = copy_manifest(&source, &layout, "app", Some("app"), &limits).unwrap();
    assert_eq!(copied, original);

    let stored = layout.manifest("app").unwrap().unwrap();
    assert_eq!(stored.digest, original.digest);
    let spec: SourceSpec = format!("oci-dir:{}:app", layout.path().display())
        .parse()
        .unwrap();
    let image = open_image(&spec, &OpenOptions::default()).unwrap();
    assert_eq!(image.digest, original.digest);
    assert!(image.layers.len() >= 2, "{:?}", image.layers);
    if Command::new("skopeo").arg("--version").output().is_ok() {
        let out = Command::new("skopeo")
            .args(["inspect", "--raw"])
            .arg(format!("oci:{}:app", layout.path().display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(Digest::sha256(&out.stdout), original.digest);
    } else {
        eprintln!("skopeo not installed: layout checked with assay's own reader only");
    }

    let back = work.repo(&host, "copy-back");
    let reopened = LayoutRepo::open(layout.path()).unwrap();
    copy_manifest(
        &reopened,
        &back,
        &original.digest.to_string(),
        Some("app"),
        &limits,
    )
    .unwrap();
    assert_eq!(
        back.manifest("app").unwrap().unwrap().digest,
        original.digest
    );
}

#[test]
fn copy_refuses_blobs_over_the_limit() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let repo = work.repo(&host, "copy-limit");
    let image = put_image(&repo, Some("v1"), "limit");
    let layout = work.layout("out");
    let limits = CopyLimits { max_blob_bytes: 8 };
    let err = copy_manifest(&repo, &layout, "v1", Some("v1"), &limits).unwrap_err();
    assert!(
        matches!(&err, StoreError::BlobTooLarge { limit: 8, .. }),
        "{err:?}"
    );
    assert!(layout.manifest("v1").unwrap().is_none());
    assert!(
        layout
            .manifest(&image.digest.to_string())
            .unwrap()
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// OCI layouts.

#[test]
fn layout_round_trip() {
    let work = Work::new();
    let dir = work.dir.path().join("layout");
    let layout = LayoutRepo::create(&dir).unwrap();
    assert_eq!(
        fs_err::read(dir.join("oci-layout")).unwrap(),
        br#"{"imageLayoutVersion":"1.0.0"}"#
    );
    assert!(dir.join("blobs/sha256").is_dir());
    assert!(layout.entries().unwrap().is_empty());

    let b = put_image(&layout, Some("b"), "image b");
    let a = put_image(&layout, Some("a"), "image a");
    let untagged = put_image(&layout, None, "untagged");
    let mut kind = BTreeMap::from([(KIND_ANNOTATION.to_owned(), "dev.example/sigs".to_owned())]);
    let sig_bytes = unique("sig manifest");
    let sig = layout
        .put_manifest_annotated(None, OCI_MANIFEST, &sig_bytes, kind.clone())
        .unwrap();

    let reopened = LayoutRepo::open(&dir).unwrap();
    let entries = reopened.entries().unwrap();
    let names: Vec<Option<&str>> = entries
        .iter()
        .map(|e| e.annotations.get(REF_NAME).map(String::as_str))
        .collect();
    assert_eq!(names, [None, Some("a"), Some("b")]);
    assert_eq!(entries[0].digest, sig);
    assert_eq!(entries[0].annotations, kind);
    assert_eq!(entries[1].digest, a.digest);
    assert_eq!(entries[2].media_type, OCI_MANIFEST);

    assert_eq!(reopened.manifest("a").unwrap().unwrap().digest, a.digest);
    assert!(reopened.manifest("c").unwrap().is_none());
    let direct = reopened
        .manifest(&untagged.digest.to_string())
        .unwrap()
        .unwrap();
    assert_eq!(direct.media_type, OCI_MANIFEST);
    assert_eq!(direct.digest, untagged.digest);

    // Retagging replaces; the same untagged kind entry is not duplicated.
    reopened
        .put_manifest(
            Some("a"),
            OCI_MANIFEST,
            &reopened.manifest("b").unwrap().unwrap().bytes,
        )
        .unwrap();
    kind.insert("extra".to_owned(), "1".to_owned());
    reopened
        .put_manifest_annotated(None, OCI_MANIFEST, &sig_bytes, kind.clone())
        .unwrap();
    let entries = reopened.entries().unwrap();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    assert_eq!(entries[0].annotations, kind);
    assert_eq!(entries[1].digest, b.digest);

    let index = fs_err::read_to_string(dir.join("index.json")).unwrap();
    assert!(!index.contains("null"), "{index}");
    let leftovers: Vec<_> = fs_err::read_dir(dir.join("blobs/sha256"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        LayoutRepo::create(&dir).unwrap().entries().unwrap(),
        entries
    );
}

#[test]
fn layout_referrers_use_the_tag_schema() {
    let work = Work::new();
    let layout = work.layout("layout");
    let subject = put_image(&layout, Some("app"), "subject");
    assert_eq!(
        layout.referrers(&subject.digest).unwrap().source,
        ReferrersSource::None
    );
    exercise_tag_schema_referrers(&layout);
    let tags: Vec<String> = layout
        .entries()
        .unwrap()
        .iter()
        .filter_map(|e| e.annotations.get(REF_NAME).cloned())
        .collect();
    assert!(tags.iter().any(|t| t.starts_with("sha256-")), "{tags:?}");
}

#[test]
fn layout_blobs_are_verified_on_read_and_write() {
    let work = Work::new();
    let layout = work.layout("layout");
    let bytes = unique("layout blob");
    let desc = descriptor(LAYER, &bytes);
    layout.put_blob(&desc.digest, &bytes).unwrap();
    assert_eq!(layout.blob(&desc, LIMIT).unwrap(), bytes);

    // A blob file whose content is not what its name says.
    let path = layout.path().join("blobs/sha256").join(desc.digest.hex());
    let mut tampered = bytes.clone();
    tampered[0] ^= 1;
    fs_err::write(&path, &tampered).unwrap();
    let err = layout.blob(&desc, LIMIT).unwrap_err();
    assert!(
        matches!(&err, StoreError::Image(ImageError::DigestMismatch { expected, .. }) if *expected == desc.digest),
        "{err:?}"
    );

    let err = layout.blob(&desc, desc.size - 1).unwrap_err();
    assert!(matches!(err, StoreError::BlobTooLarge { .. }), "{err:?}");
    let missing = descriptor(LAYER, b"absent");
    let err = layout.blob(&missing, LIMIT).unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::BlobMissing { .. })),
        "{err:?}"
    );

    // A stream that does not match its digest never lands.
    let other = Digest::sha256(b"other");
    let err = layout
        .put_blob_reader(&other, bytes.len() as u64, &mut &bytes[..])
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::DigestMismatch { .. })),
        "{err:?}"
    );
    assert!(!layout.has_blob(&other).unwrap());
    let err = layout
        .put_blob_reader(&desc.digest, desc.size + 5, &mut &bytes[..])
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::SizeMismatch { .. })),
        "{err:?}"
    );
}

#[test]
fn layout_open_refuses_what_is_not_a_layout() {
    let work = Work::new();
    let plain = work.dir.path().join("plain");
    fs_err::create_dir(&plain).unwrap();
    fs_err::write(plain.join("file"), "x").unwrap();
    for err in [
        LayoutRepo::open(&plain).unwrap_err(),
        LayoutRepo::create(&plain).unwrap_err(),
    ] {
        assert!(
            matches!(err, StoreError::Image(ImageError::InvalidSource { ref path, .. }) if path == &plain),
            "{err:?}"
        );
    }
    let layout = work.layout("tags");
    let err = layout
        .put_manifest(Some(&Digest::sha256(b"x").to_string()), OCI_MANIFEST, b"{}")
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidTag { .. }), "{err:?}");
}

#[test]
fn copy_follows_nested_indexes_to_a_bound() {
    let work = Work::new();
    let from = work.layout("from");
    let leaves = [
        put_image(&from, None, "leaf 1"),
        put_image(&from, None, "leaf 2"),
    ];
    let mut top = put_index(&from, None, &leaves);
    for _ in 0..2 {
        top = put_index(&from, None, &[top]);
    }
    let to = work.layout("to");
    let limits = CopyLimits::default();
    let copied =
        copy_manifest(&from, &to, &top.digest.to_string(), Some("nested"), &limits).unwrap();
    assert_eq!(copied.digest, top.digest);
    assert_eq!(to.manifest("nested").unwrap().unwrap().digest, top.digest);
    for leaf in &leaves {
        let stored = to.manifest(&leaf.digest.to_string()).unwrap().unwrap();
        let manifest: Value = serde_json::from_slice(&stored.bytes).unwrap();
        let layer: Digest = manifest["layers"][0]["digest"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(to.has_blob(&layer).unwrap());
    }
    assert_eq!(to.entries().unwrap().len(), 1);

    let deeper = put_index(&from, None, &[top]);
    let err = copy_manifest(&from, &to, &deeper.digest.to_string(), None, &limits).unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::IndexTooDeep(_))),
        "{err:?}"
    );
    let err = copy_manifest(&from, &to, "absent", None, &limits).unwrap_err();
    assert!(
        matches!(err, StoreError::ManifestNotFound { .. }),
        "{err:?}"
    );
}

#[test]
fn copy_refuses_an_index_entry_with_the_wrong_size() {
    let work = Work::new();
    let from = work.layout("from");
    let mut leaf = put_image(&from, None, "leaf");
    leaf.size += 1;
    let index = put_index(&from, Some("lying"), &[leaf]);
    let to = work.layout("to");
    let err = copy_manifest(&from, &to, "lying", None, &CopyLimits::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::Image(ImageError::SizeMismatch { .. })),
        "{err:?}"
    );
    assert!(to.manifest(&index.digest.to_string()).unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------
// A scripted registry with the referrers API, and one that serves a tampered blob.

/// One request as the scripted server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
}

type Reply = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// Serves `handler` on a free port, one request per connection, recording what it saw.
fn serve(handler: impl Fn(&str, &str) -> Reply + Send + 'static) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Some(req) = read_request(&stream) else {
                continue;
            };
            let reply = handler(&req.method, &req.path);
            seen.lock().unwrap().push(req);
            write_reply(&stream, &reply);
        }
    });
    (port, log)
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut len = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let Some((k, v)) = header.trim_end().split_once(':') else {
            break;
        };
        if k.eq_ignore_ascii_case("content-length") {
            len = v.trim().parse().ok()?;
        }
    }
    reader.read_exact(&mut vec![0; len]).ok()?;
    Some(Seen { method, path })
}

fn write_reply(mut stream: &TcpStream, (status, headers, body): &Reply) {
    let mut head = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn scripted_repo(work: &Work, port: u16) -> RegistryRepo {
    work.registry(&format!("127.0.0.1:{port}"), "t/a")
}

#[test]
fn referrers_api_is_used_when_the_registry_has_it() {
    let subject = descriptor(OCI_MANIFEST, b"subject manifest");
    let listed = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [{
            "mediaType": OCI_MANIFEST,
            "digest": Digest::sha256(b"referrer").to_string(),
            "size": 8,
            "artifactType": SIG_TYPE,
            "annotations": {"note": "from the api"},
        }],
    });
    let body = serde_json::to_vec(&listed).unwrap();
    let subject_digest = subject.digest.to_string();
    let (port, log) = serve(move |method, path| match method {
        "GET" if path.starts_with("/v2/t/a/referrers/") => (
            200,
            vec![("Content-Type", OCI_INDEX.to_owned())],
            body.clone(),
        ),
        "PUT" if path.starts_with("/v2/t/a/manifests/sha256:") => {
            let digest = path.rsplit('/').next().unwrap().to_owned();
            let headers = vec![
                ("Docker-Content-Digest", digest),
                ("OCI-Subject", subject_digest.clone()),
            ];
            (201, headers, Vec::new())
        }
        _ => (404, Vec::new(), Vec::new()),
    });
    let work = Work::new();
    let repo = scripted_repo(&work, port);
    let found = repo.referrers(&subject.digest).unwrap();
    assert_eq!(found.source, ReferrersSource::Api);
    assert_eq!(found.manifests.len(), 1);
    assert_eq!(found.manifests[0].artifact_type.as_deref(), Some(SIG_TYPE));
    assert_eq!(found.manifests[0].annotations, note("from the api"));

    push_referrer(&repo, &subject, SIG_TYPE, "new");
    let seen = log.lock().unwrap().clone();
    let tag = referrers_tag(&subject.digest);
    assert!(
        seen.iter().all(|s| !s.path.ends_with(&tag)),
        "an API registry needs no tag-schema index: {seen:#?}"
    );
    assert_eq!(
        seen.iter()
            .filter(|s| s.method == "PUT")
            .map(|s| s.path.as_str())
            .collect::<Vec<_>>(),
        [format!(
            "/v2/t/a/manifests/{}",
            Digest::sha256(&referrer_bytes(&subject, SIG_TYPE, "new"))
        )]
    );
}

#[test]
fn a_non_index_referrers_answer_falls_back_to_the_tag_schema() {
    let (port, log) = serve(|method, path| match (method, path) {
        ("GET", p) if p.contains("/referrers/") => (
            200,
            vec![("Content-Type", "text/html".to_owned())],
            b"<html/>".to_vec(),
        ),
        _ => (404, Vec::new(), Vec::new()),
    });
    let work = Work::new();
    let subject = Digest::sha256(b"subject");
    let found = scripted_repo(&work, port).referrers(&subject).unwrap();
    assert_eq!(found.source, ReferrersSource::None);
    let seen = log.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|s| s.path == format!("/v2/t/a/manifests/{}", referrers_tag(&subject))),
        "{seen:#?}"
    );
}

/// A registry serving the manifest `t`, whose one layer is served with other bytes than its
/// descriptor names. Returns the port and that layer's honest descriptor.
fn tampering_registry() -> (u16, Descriptor) {
    let content = unique("original");
    let honest = descriptor(LAYER, &content);
    let mut tampered = content;
    tampered[0] ^= 1;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": desc_json(&descriptor(EMPTY, b"{}")),
        "layers": [desc_json(&honest)],
    }))
    .unwrap();
    let (port, _log) = serve(move |method, path| match (method, path) {
        ("GET", "/v2/t/a/manifests/t") => {
            let headers = vec![("Content-Type", OCI_MANIFEST.to_owned())];
            (200, headers, manifest.clone())
        }
        ("GET", p) if p.ends_with(&Digest::sha256(b"{}").to_string()) => {
            (200, Vec::new(), b"{}".to_vec())
        }
        ("GET", p) if p.starts_with("/v2/t/a/blobs/") => (200, Vec::new(), tampered.clone()),
        _ => (404, Vec::new(), Vec::new()),
    });
    (port, honest)
}

#[test]
fn a_registry_serving_other_bytes_for_a_blob_is_caught() {
    let (port, honest) = tampering_registry();
    let work = Work::new();
    let repo = scripted_repo(&work, port);
    let err = repo.blob(&honest, LIMIT).unwrap_err();
    assert!(
        matches!(&err, StoreError::Image(ImageError::DigestMismatch { expected, actual, .. })
            if *expected == honest.digest && *actual != honest.digest),
        "{err:?}"
    );
    let layout = work.layout("dest");
    let err = copy_manifest(&repo, &layout, "t", Some("t"), &CopyLimits::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Image(ImageError::DigestMismatch { expected, .. }) if *expected == honest.digest),
        "{err:?}"
    );
    assert!(!layout.has_blob(&honest.digest).unwrap());
    assert!(layout.manifest("t").unwrap().is_none());
}

#[test]
fn a_tampered_blob_never_lands_in_a_registry() {
    let Some(host) = registry_host() else { return };
    let (port, honest) = tampering_registry();
    let work = Work::new();
    let dest = work.repo(&host, "tampered-copy");
    let source = scripted_repo(&work, port);
    let err = copy_manifest(&source, &dest, "t", Some("t"), &CopyLimits::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Image(ImageError::DigestMismatch { expected, .. }) if *expected == honest.digest),
        "{err:?}"
    );
    assert!(!dest.has_blob(&honest.digest).unwrap());
    assert!(dest.manifest("t").unwrap().is_none());
}
