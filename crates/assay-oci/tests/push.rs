//! Registry writes and single-file artifacts.
//!
//! Most tests push to and pull from the registry named by `ASSAY_TEST_REGISTRY` (`host:port` of
//! a plain-HTTP distribution registry, as `.ci/run` starts); they skip when it is unset, unless
//! `ASSAY_REQUIRE_FIXTURES=1`. Each test uses its own repository. The token-scope and
//! upload-location tests run against a scripted HTTP server and need nothing.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use assay_core::{Digest, Reference};
use assay_oci::artifact::{
    ArtifactError, ArtifactSpec, EMPTY_MEDIA_TYPE, PushedArtifact, TITLE_ANNOTATION, pull_file,
    push_file,
};
use assay_oci::error::ImageError;
use assay_oci::registry::{BlobPush, RegistryClient, RegistryError};
use support::{Work, registry_host};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const ARTIFACT_TYPE: &str = "application/vnd.assay.test.v1+json";
const LAYER_TYPE: &str = "application/vnd.assay.test.layer.v1+json";
const LIMIT: u64 = 64 << 20;

// ---------------------------------------------------------------------------------------------
// Fixtures.

impl Work {
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        fs_err::write(&path, bytes).unwrap();
        path
    }

    /// A fresh, empty output directory.
    fn out_dir(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs_err::create_dir(&path).unwrap();
        path
    }
}

fn reference(host: &str, test: &str, tag: &str) -> Reference {
    format!("{host}/assay-test/push-{test}:{tag}")
        .parse()
        .unwrap()
}

/// `len` bytes that differ per `seed`, spanning many read buffers.
fn content(seed: &str, len: usize) -> Vec<u8> {
    let mut state = Digest::sha256(seed.as_bytes())
        .hex()
        .bytes()
        .fold(0_u64, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(u64::from(b))
        });
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

fn spec(annotations: &[(&str, &str)]) -> ArtifactSpec {
    ArtifactSpec {
        artifact_type: ARTIFACT_TYPE.to_owned(),
        layer_media_type: LAYER_TYPE.to_owned(),
        annotations: annotations
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        title: Some("payload.bin".to_owned()),
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs_err::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn manifest_json(client: &RegistryClient, key: &str) -> serde_json::Value {
    let fetched = client.get_manifest(key, &[OCI_MANIFEST]).unwrap();
    serde_json::from_slice(&fetched.bytes).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Against the test registry.

#[test]
fn pushed_file_pulls_back_byte_identical() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let bytes = content("round-trip", 300_000);
    let file = work.file("payload.bin", &bytes);
    let r = reference(&host, "round-trip", "v1");
    let created = ("org.opencontainers.image.created", "2024-01-02T03:04:05Z");
    let pushed = push_file(&r, &work.opts, &file, &spec(&[created, ("k", "v")])).unwrap();
    assert_eq!(pushed.blob_digest, Digest::sha256(&bytes));
    assert_eq!(pushed.size, bytes.len() as u64);

    let out = work.out_dir("out");
    let dest = out.join("pulled.bin");
    let pulled = pull_file(&r, &work.opts, ARTIFACT_TYPE, &dest, LIMIT).unwrap();
    assert_eq!(fs_err::read(&dest).unwrap(), bytes);
    assert_eq!(pulled.manifest_digest, pushed.manifest_digest);
    assert_eq!(pulled.blob_digest, pushed.blob_digest);
    assert_eq!(pulled.size, pushed.size);
    assert_eq!(pulled.layer_media_type, LAYER_TYPE);
    assert_eq!(pulled.title.as_deref(), Some("payload.bin"));
    assert_eq!(pulled.annotations, spec(&[created, ("k", "v")]).annotations);
    assert_eq!(entries(&out), ["pulled.bin"], "no temporary file is left");

    let pinned = r.with_digest(pushed.manifest_digest.clone());
    let again = out.join("by-digest.bin");
    pull_file(&pinned, &work.opts, ARTIFACT_TYPE, &again, LIMIT).unwrap();
    assert_eq!(fs_err::read(&again).unwrap(), bytes);
}

#[test]
fn manifest_on_the_wire_is_an_oci_artifact() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let file = work.file("payload.bin", b"{\"hello\":\"artifact\"}\n");
    let r = reference(&host, "wire", "v1");
    let pushed = push_file(&r, &work.opts, &file, &spec(&[])).unwrap();
    let client = RegistryClient::new(&r, &work.opts).unwrap();
    let fetched = client.get_manifest("v1", &[OCI_MANIFEST]).unwrap();
    assert_eq!(Digest::sha256(&fetched.bytes), pushed.manifest_digest);
    assert_eq!(fetched.content_type.as_deref(), Some(OCI_MANIFEST));
    let json: serde_json::Value = serde_json::from_slice(&fetched.bytes).unwrap();
    assert_eq!(json["schemaVersion"], 2);
    assert_eq!(json["mediaType"], OCI_MANIFEST);
    assert_eq!(json["artifactType"], ARTIFACT_TYPE);
    assert_eq!(json["config"]["mediaType"], EMPTY_MEDIA_TYPE);
    assert_eq!(json["config"]["size"], 2);
    assert_eq!(
        json["config"]["digest"],
        Digest::sha256(b"{}").to_string().as_str()
    );
    assert_eq!(
        json["layers"][0]["annotations"][TITLE_ANNOTATION],
        "payload.bin"
    );
    assert!(json.get("annotations").is_none(), "{json}");
    assert!(client.blob_exists(&Digest::sha256(b"{}")).unwrap());
    assert!(client.blob_exists(&pushed.blob_digest).unwrap());
    assert!(
        !client
            .blob_exists(&Digest::sha256(b"never pushed"))
            .unwrap()
    );
}

#[test]
fn pushing_twice_gives_the_same_manifest_digest() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let bytes = content("twice", 10_000);
    let file = work.file("payload.bin", &bytes);
    let push = |tag: &str, annotations: &[(&str, &str)]| -> PushedArtifact {
        push_file(
            &reference(&host, "twice", tag),
            &work.opts,
            &file,
            &spec(annotations),
        )
        .unwrap()
    };
    let first = push("a", &[("k", "v")]);
    let second = push("b", &[("k", "v")]);
    assert_eq!(first, second);
    let other = push("c", &[("k", "other")]);
    assert_ne!(other.manifest_digest, first.manifest_digest);
    assert_eq!(other.blob_digest, first.blob_digest);

    let client = RegistryClient::new(&reference(&host, "twice", "a"), &work.opts).unwrap();
    let present = client
        .put_blob(&first.blob_digest, first.size, &bytes[..])
        .unwrap();
    assert_eq!(present, BlobPush::AlreadyPresent);
}

#[test]
fn put_blob_uploads_once_and_the_registry_checks_the_digest() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let client = RegistryClient::new(&reference(&host, "put-blob", "v1"), &work.opts).unwrap();
    let bytes = content("put-blob", 5_000);
    let digest = Digest::sha256(&bytes);
    let first = client.put_blob(&digest, bytes.len() as u64, &bytes[..]);
    assert!(
        matches!(first, Ok(BlobPush::Uploaded | BlobPush::AlreadyPresent)),
        "{first:?}"
    );
    assert!(client.blob_exists(&digest).unwrap());
    let mut read = Vec::new();
    client
        .get_blob(&digest, LIMIT)
        .unwrap()
        .read_to_end(&mut read)
        .unwrap();
    assert_eq!(read, bytes);

    let wrong = Digest::sha256(format!("not the content {}", std::process::id()).as_bytes());
    let err = client
        .put_blob(&wrong, bytes.len() as u64, &bytes[..])
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Http { status: 400, .. }),
        "{err:?}"
    );
    assert!(!client.blob_exists(&wrong).unwrap());

    let short = content("put-blob-short", 5_000);
    let short_digest = Digest::sha256(&short);
    let err = client
        .put_blob(&short_digest, short.len() as u64 + 10, &short[..])
        .unwrap_err();
    assert!(matches!(err, RegistryError::Transport { .. }), "{err:?}");
    assert!(!client.blob_exists(&short_digest).unwrap());
}

#[test]
fn wrong_artifact_type_is_refused() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let file = work.file("payload.bin", &content("wrong-type", 1000));
    let r = reference(&host, "wrong-type", "v1");
    let pushed = push_file(&r, &work.opts, &file, &spec(&[])).unwrap();
    let dest = work.out_dir("out").join("pulled.bin");
    let err = pull_file(&r, &work.opts, "application/x-something-else", &dest, LIMIT).unwrap_err();
    match &err {
        ArtifactError::WrongArtifactType {
            digest,
            expected,
            actual,
            ..
        } => {
            assert_eq!(digest, &pushed.manifest_digest);
            assert_eq!(expected, "application/x-something-else");
            assert_eq!(actual, ARTIFACT_TYPE);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("push-wrong-type"), "{err}");
    assert!(!dest.exists());
}

#[test]
fn blob_over_the_limit_is_refused_and_leaves_no_file() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let bytes = content("limit", 4096);
    let file = work.file("payload.bin", &bytes);
    let r = reference(&host, "limit", "v1");
    let pushed = push_file(&r, &work.opts, &file, &spec(&[])).unwrap();
    let out = work.out_dir("out");
    let dest = out.join("pulled.bin");
    let err = pull_file(&r, &work.opts, ARTIFACT_TYPE, &dest, 4095).unwrap_err();
    assert!(
        matches!(
            &err,
            ArtifactError::TooLarge { digest, size: 4096, limit: 4095, .. } if *digest == pushed.blob_digest
        ),
        "{err:?}"
    );
    assert!(entries(&out).is_empty(), "{:?}", entries(&out));
    pull_file(&r, &work.opts, ARTIFACT_TYPE, &dest, 4096).unwrap();
    assert_eq!(fs_err::read(&dest).unwrap(), bytes);
}

#[test]
fn descriptor_that_lies_about_the_blob_is_refused_and_dest_is_untouched() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let bytes = content("tampered", 20_000);
    let file = work.file("payload.bin", &bytes);
    let r = reference(&host, "tampered", "v1");
    let pushed = push_file(&r, &work.opts, &file, &spec(&[])).unwrap();
    let client = RegistryClient::new(&r, &work.opts).unwrap();
    let honest = manifest_json(&client, "v1");

    let out = work.out_dir("out");
    let dest = out.join("pulled.bin");
    fs_err::write(&dest, b"previous contents").unwrap();
    for (tag, size) in [("short", pushed.size - 1), ("long", pushed.size + 1)] {
        let mut lying = honest.clone();
        lying["layers"][0]["size"] = size.into();
        let bytes = serde_json::to_vec(&lying).unwrap();
        client.put_manifest(tag, OCI_MANIFEST, &bytes).unwrap();
        let tampered = reference(&host, "tampered", tag);
        let err = pull_file(&tampered, &work.opts, ARTIFACT_TYPE, &dest, LIMIT).unwrap_err();
        match &err {
            ArtifactError::BlobVerification { digest, source, .. } => {
                assert_eq!(digest, &pushed.blob_digest);
                assert!(
                    matches!(**source, ImageError::SizeMismatch { expected, .. } if expected == size),
                    "{tag}: {source:?}"
                );
            }
            other => panic!("{tag}: {other:?}"),
        }
        assert_eq!(fs_err::read(&dest).unwrap(), b"previous contents", "{tag}");
        assert_eq!(entries(&out), ["pulled.bin"], "{tag}");
    }
}

#[test]
fn unknown_pins_are_not_found_and_pins_cannot_be_pushed_to() {
    let Some(host) = registry_host() else { return };
    let work = Work::new();
    let file = work.file("payload.bin", &content("pin", 100));
    let r = reference(&host, "pin", "v1");
    push_file(&r, &work.opts, &file, &spec(&[])).unwrap();
    // A tag plus a digest that is not the tag's: the registry serves by digest, so the
    // manifest is unknown rather than silently substituted.
    let bogus = r.with_digest(Digest::sha256(b"some other manifest"));
    let dest = work.out_dir("out").join("pulled.bin");
    let err = pull_file(&bogus, &work.opts, ARTIFACT_TYPE, &dest, LIMIT).unwrap_err();
    assert!(
        matches!(
            err,
            ArtifactError::Registry {
                source: RegistryError::NotFound { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let err = push_file(&bogus, &work.opts, &file, &spec(&[])).unwrap_err();
    assert!(matches!(err, ArtifactError::PinnedPush { .. }), "{err:?}");
    assert!(!dest.exists());
}

// ---------------------------------------------------------------------------------------------
// A scripted registry: token auth with push scope, relative and cross-origin upload locations.

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// A query parameter, percent-decoded.
    fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = bytes.by_ref().take(2).map(char::from).collect();
            out.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap()
}

/// Status, headers and body of a scripted answer.
type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// Serves `handler` on a free port until the process exits, recording every request.
fn serve<F>(make: impl FnOnce(u16) -> F) -> (u16, Arc<Mutex<Vec<Seen>>>)
where
    F: Fn(&Seen) -> Reply + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler = make(port);
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Some(req) = read_request(&stream) {
                let reply = handler(&req);
                seen.lock().unwrap().push(req);
                write_reply(&stream, &reply);
            }
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
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let Some((k, v)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    let len = headers
        .get("content-length")
        .map_or(0, |l| l.parse().unwrap());
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body,
    })
}

fn write_reply(mut stream: &TcpStream, (status, headers, body): &Reply) {
    let mut head = format!(
        "HTTP/1.1 {status} Mock\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn reply(status: u16, headers: &[(&str, String)]) -> Reply {
    let headers = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    (status, headers, Vec::new())
}

fn digest_header(body: &[u8]) -> Reply {
    reply(
        201,
        &[("Docker-Content-Digest", Digest::sha256(body).to_string())],
    )
}

/// Wants `Bearer push-tok`, issued only for `user:pass` with scope `repository:test/art:pull,push`
/// (its challenge names `push` alone). The first upload session is a relative `Location` with a
/// query; later ones live on `storage`, another origin. Tag `lying` answers with a wrong
/// `Docker-Content-Digest`.
fn token_registry(storage_port: u16) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let sessions = AtomicUsize::new(0);
    serve(move |port| {
        move |req: &Seen| {
            let challenge = format!(
                r#"Bearer realm="http://127.0.0.1:{port}/token",service="mock",scope="repository:test/art:push""#
            );
            let token_ok = req.header("authorization") == Some("Basic dXNlcjpwYXNz")
                && req.query_param("scope").as_deref() == Some("repository:test/art:pull,push");
            match (req.method.as_str(), req.path.as_str()) {
                ("GET", "/token") if token_ok => {
                    (200, Vec::new(), br#"{"token":"push-tok"}"#.to_vec())
                }
                (_, "/token") => reply(401, &[]),
                _ if req.header("authorization") != Some("Bearer push-tok") => {
                    reply(401, &[("WWW-Authenticate", challenge)])
                }
                ("HEAD", _) => reply(404, &[]),
                ("POST", "/v2/test/art/blobs/uploads/") => {
                    let n = sessions.fetch_add(1, Ordering::SeqCst);
                    let location = if n == 0 {
                        "/v2/test/art/blobs/uploads/s0?_state=abc".to_owned()
                    } else {
                        format!("http://127.0.0.1:{storage_port}/upload/s{n}?_state=def")
                    };
                    reply(202, &[("Location", location)])
                }
                ("PUT", "/v2/test/art/blobs/uploads/s0") => digest_header(&req.body),
                ("PUT", "/v2/test/art/manifests/lying") => digest_header(b"something else"),
                ("PUT", p) if p.starts_with("/v2/test/art/manifests/") => digest_header(&req.body),
                _ => reply(404, &[]),
            }
        }
    })
}

/// Accepts any upload, and refuses any request carrying credentials.
fn storage() -> (u16, Arc<Mutex<Vec<Seen>>>) {
    serve(|_| {
        |req: &Seen| match req.header("authorization") {
            Some(_) => reply(400, &[]),
            None => digest_header(&req.body),
        }
    })
}

#[test]
fn push_asks_for_a_push_token_and_keeps_it_on_the_registry_origin() {
    let (storage_port, storage_log) = storage();
    let (port, log) = token_registry(storage_port);
    let host = format!("127.0.0.1:{port}");
    let work =
        Work::with_config(&serde_json::json!({"auths": {host.clone(): {"auth": "dXNlcjpwYXNz"}}}));
    let bytes = b"artifact body".to_vec();
    let file = work.file("payload.bin", &bytes);
    let r: Reference = format!("{host}/test/art:v1").parse().unwrap();
    let pushed = push_file(&r, &work.opts, &file, &spec(&[]))
        .unwrap_or_else(|e| panic!("{e:?}\n{:#?}", log.lock().unwrap()));
    assert_eq!(pushed.blob_digest, Digest::sha256(&bytes));

    let seen = log.lock().unwrap().clone();
    let tokens = seen.iter().filter(|s| s.path == "/token").count();
    assert_eq!(tokens, 1, "one push token, reused: {seen:#?}");
    // The empty config went to the relative session, keeping its query.
    let config_put = seen
        .iter()
        .find(|s| s.method == "PUT" && s.path.ends_with("/uploads/s0"))
        .unwrap();
    assert_eq!(config_put.body, b"{}");
    assert_eq!(config_put.query_param("_state").as_deref(), Some("abc"));
    assert_eq!(
        config_put.query_param("digest"),
        Some(Digest::sha256(b"{}").to_string())
    );
    assert_eq!(config_put.header("authorization"), Some("Bearer push-tok"));
    // The file went to the other origin, without the registry's token.
    let uploads = storage_log.lock().unwrap().clone();
    assert_eq!(uploads.len(), 1, "{uploads:#?}");
    let upload = &uploads[0];
    assert_eq!(
        (upload.method.as_str(), upload.path.as_str()),
        ("PUT", "/upload/s1")
    );
    assert_eq!(upload.body, bytes);
    assert_eq!(upload.header("authorization"), None);
    assert_eq!(upload.query_param("_state").as_deref(), Some("def"));
    assert_eq!(
        upload.query_param("digest"),
        Some(pushed.blob_digest.to_string())
    );

    let manifest = seen
        .iter()
        .find(|s| s.method == "PUT" && s.path == "/v2/test/art/manifests/v1")
        .unwrap();
    assert_eq!(manifest.header("content-type"), Some(OCI_MANIFEST));
    assert_eq!(Digest::sha256(&manifest.body), pushed.manifest_digest);
}

#[test]
fn a_registry_naming_another_manifest_digest_is_an_error() {
    let (port, _log) = token_registry(0);
    let host = format!("127.0.0.1:{port}");
    let work =
        Work::with_config(&serde_json::json!({"auths": {host.clone(): {"auth": "dXNlcjpwYXNz"}}}));
    let r: Reference = format!("{host}/test/art:lying").parse().unwrap();
    let client = RegistryClient::new(&r, &work.opts).unwrap();
    let body = br#"{"schemaVersion":2}"#;
    let err = client
        .put_manifest("lying", OCI_MANIFEST, body)
        .unwrap_err();
    assert!(
        matches!(&err, RegistryError::DigestMismatch { expected, .. } if *expected == Digest::sha256(body)),
        "{err:?}"
    );
    assert_eq!(
        client.put_manifest("honest", OCI_MANIFEST, body).unwrap(),
        Digest::sha256(body)
    );
    let err = client.put_manifest("../x", OCI_MANIFEST, body).unwrap_err();
    assert!(matches!(err, RegistryError::InvalidKey { .. }), "{err:?}");
}

#[test]
fn pulled_manifests_must_hash_to_the_pin_or_the_registry_header() {
    let served = br#"{"schemaVersion":2}"#;
    let (port, _log) = serve(|_| {
        |req: &Seen| {
            let header = match req.path.as_str() {
                "/v2/test/art/manifests/lying" => Digest::sha256(b"other").to_string(),
                _ => Digest::sha256(br#"{"schemaVersion":2}"#).to_string(),
            };
            let headers = vec![
                ("Content-Type".to_owned(), OCI_MANIFEST.to_owned()),
                ("Docker-Content-Digest".to_owned(), header),
            ];
            (200, headers, br#"{"schemaVersion":2}"#.to_vec())
        }
    });
    let work = Work::new();
    let dest = work.out_dir("out").join("pulled.bin");
    let pull = |r: &str| {
        let r: Reference = format!("127.0.0.1:{port}/test/art{r}").parse().unwrap();
        pull_file(&r, &work.opts, ARTIFACT_TYPE, &dest, LIMIT).unwrap_err()
    };
    let pin = Digest::sha256(b"the manifest we meant");
    for err in [pull(":lying"), pull(&format!("@{pin}"))] {
        assert!(
            matches!(
                &err,
                ArtifactError::ManifestDigest { source, .. }
                    if matches!(**source, ImageError::DigestMismatch { .. })
            ),
            "{err:?}"
        );
    }
    // Honest bytes get as far as the shape check.
    let err = pull(&format!("@{}", Digest::sha256(served)));
    assert!(
        matches!(err, ArtifactError::NotAnArtifact { .. }),
        "{err:?}"
    );
    assert!(!dest.exists());
}
