//! The registry client against real registries (Debian's `docker-registry`, filled with
//! `skopeo`) and against a scripted HTTP server for the token flow and redirects, which the
//! distribution registry cannot exercise without a token server.
//!
//! Real-registry tests skip when the tools are missing, unless `ASSAY_REQUIRE_FIXTURES=1`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assay_core::{Digest, Reference};
use assay_oci::registry::{RegistryClient, RegistryError, RegistryOptions, Resource};
use tempfile::TempDir;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_REGISTRY: &str = "/usr/bin/docker-registry";
/// `htpasswd -Bbn user pass` (bcrypt), fixed so the tests need no apache2-utils.
const HTPASSWD: &str = "user:$2y$05$JUqUqbbAdjX3kh53H.g/yuiWseJPYnDNh.TCAMLgwpyBZfpi0qQme\n";

// ---------------------------------------------------------------------------------------------
// Fixtures: a throwaway registry process and a hand-made OCI layout.

/// True when `docker-registry` and `skopeo` are installed; otherwise skips (or fails when
/// `ASSAY_REQUIRE_FIXTURES=1`).
#[allow(clippy::print_stderr)]
fn fixtures_available() -> bool {
    let missing = if !Path::new(DOCKER_REGISTRY).exists() {
        Some("docker-registry")
    } else if Command::new("skopeo").arg("--version").output().is_err() {
        Some("skopeo")
    } else {
        None
    };
    let Some(tool) = missing else { return true };
    if std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() == Ok("1") {
        panic!("{tool} is not installed and ASSAY_REQUIRE_FIXTURES=1");
    }
    eprintln!("skipping: {tool} not installed");
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `docker-registry serve` process on 127.0.0.1, killed on drop.
struct TestRegistry {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl TestRegistry {
    fn start(htpasswd: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let auth = match htpasswd {
            Some(users) => {
                let file = dir.path().join("htpasswd");
                fs_err::write(&file, users).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: r\n    path: {}\n",
                    file.display()
                )
            }
            None => String::new(),
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: assay-test\n{auth}",
            dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        fs_err::write(&config_path, config).unwrap();
        let log = fs_err::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(DOCKER_REGISTRY)
            .arg("serve")
            .arg(&config_path)
            .stdout(log.try_clone().unwrap().into_parts().0)
            .stderr(log.into_parts().0)
            .spawn()
            .unwrap();
        let mut registry = Self { child, port, dir };
        registry.wait_until_listening();
        registry
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("docker-registry exited with {status}:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        fs_err::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    fn reference(&self, tag: &str) -> Reference {
        format!("127.0.0.1:{}/test/img:{tag}", self.port)
            .parse()
            .unwrap()
    }

    fn push(&self, image: &TestImage, tag: &str, creds: Option<&str>) {
        let mut cmd = Command::new("skopeo");
        cmd.args([
            "--insecure-policy",
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
        ]);
        if let Some(creds) = creds {
            cmd.args(["--dest-creds", creds]);
        }
        let out = cmd
            .arg(format!("oci:{}:{tag}", image.dir.path().display()))
            .arg(format!("docker://127.0.0.1:{}/test/img:{tag}", self.port))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "skopeo copy failed: {}\nregistry log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A one-layer image as an OCI layout directory, built by hand.
struct TestImage {
    dir: TempDir,
    layer: Vec<u8>,
    layer_digest: Digest,
    manifest: Vec<u8>,
    manifest_digest: Digest,
}

impl TestImage {
    fn build(tag: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs_err::create_dir_all(dir.path().join("blobs/sha256")).unwrap();
        let tar = layer_tar(b"hello from assay\n");
        let layer = gzip(&tar);
        let layer_digest = write_blob(dir.path(), &layer);
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [Digest::sha256(&tar).to_string()]},
        }))
        .unwrap();
        let config_digest = write_blob(dir.path(), &config);
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer.len()}],
        }))
        .unwrap();
        let manifest_digest = write_blob(dir.path(), &manifest);
        let index = serde_json::json!({
            "schemaVersion": 2,
            "manifests": [{
                "mediaType": OCI_MANIFEST,
                "digest": manifest_digest,
                "size": manifest.len(),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }],
        });
        fs_err::write(
            dir.path().join("index.json"),
            serde_json::to_vec(&index).unwrap(),
        )
        .unwrap();
        fs_err::write(
            dir.path().join("oci-layout"),
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .unwrap();
        Self {
            dir,
            layer,
            layer_digest,
            manifest,
            manifest_digest,
        }
    }
}

fn layer_tar(content: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "hello.txt", content)
        .unwrap();
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn write_blob(layout: &Path, bytes: &[u8]) -> Digest {
    let digest = Digest::sha256(bytes);
    fs_err::write(layout.join("blobs/sha256").join(digest.hex()), bytes).unwrap();
    digest
}

/// Options pointing at a fresh `config.json` holding `config`, so tests never read the host's.
fn options(dir: &TempDir, config: &serde_json::Value) -> RegistryOptions {
    let path: PathBuf = dir.path().join(format!(
        "config-{}.json",
        Digest::sha256(config.to_string().as_bytes()).hex()
    ));
    fs_err::write(&path, config.to_string()).unwrap();
    RegistryOptions {
        docker_config: Some(path),
        ..RegistryOptions::default()
    }
}

fn read_blob(client: &RegistryClient, digest: &Digest, max_len: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut reader = client
        .get_blob(digest, max_len)
        .map_err(std::io::Error::other)?;
    reader.read_to_end(&mut out)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Real registries.

#[test]
fn anonymous_registry_serves_manifests_and_blobs() {
    if !fixtures_available() {
        return;
    }
    let registry = TestRegistry::start(None);
    let image = TestImage::build("v1");
    registry.push(&image, "v1", None);
    let work = tempfile::tempdir().unwrap();
    let client = RegistryClient::new(
        &registry.reference("v1"),
        &options(&work, &serde_json::json!({})),
    )
    .unwrap();

    let manifest = client.get_manifest("v1", &[OCI_MANIFEST]).unwrap();
    let digest = Digest::sha256(&manifest.bytes).to_string();
    assert_eq!(
        manifest.docker_content_digest.as_deref(),
        Some(digest.as_str())
    );
    assert_eq!(digest, image.manifest_digest.to_string());
    assert_eq!(manifest.bytes, image.manifest);
    assert_eq!(manifest.content_type.as_deref(), Some(OCI_MANIFEST));

    let by_digest = client.get_manifest(&digest, &[OCI_MANIFEST]).unwrap();
    assert_eq!(by_digest.bytes, image.manifest);

    let len = image.layer.len() as u64;
    assert_eq!(
        read_blob(&client, &image.layer_digest, len).unwrap(),
        image.layer
    );
    let err = read_blob(&client, &image.layer_digest, len - 1).unwrap_err();
    assert!(
        err.to_string().contains(&image.layer_digest.to_string()),
        "{err}"
    );

    let err = client.get_manifest("missing", &[OCI_MANIFEST]).unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::NotFound {
                what: Resource::Manifest,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("MANIFEST_UNKNOWN"), "{err}");
    let err = client
        .get_blob(&Digest::sha256(b"absent"), 10)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::NotFound {
                what: Resource::Blob,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn blobs_download_from_several_threads() {
    if !fixtures_available() {
        return;
    }
    let registry = TestRegistry::start(None);
    let image = TestImage::build("v1");
    registry.push(&image, "v1", None);
    let work = tempfile::tempdir().unwrap();
    let client = RegistryClient::new(
        &registry.reference("v1"),
        &options(&work, &serde_json::json!({})),
    )
    .unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let client = client.clone();
                let image = &image;
                s.spawn(move || read_blob(&client, &image.layer_digest, 1 << 20).unwrap())
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), image.layer);
        }
    });
}

#[test]
fn basic_auth_registry_uses_docker_config_credentials() {
    if !fixtures_available() {
        return;
    }
    let registry = TestRegistry::start(Some(HTPASSWD));
    let image = TestImage::build("v1");
    registry.push(&image, "v1", Some("user:pass"));
    let work = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", registry.port);
    let client = |config: serde_json::Value| {
        RegistryClient::new(&registry.reference("v1"), &options(&work, &config)).unwrap()
    };

    let working = [
        serde_json::json!({"auths": {host.clone(): {"auth": "dXNlcjpwYXNz"}}}),
        serde_json::json!({"auths": {format!("http://{host}/"): {"username": "user", "password": "pass"}}}),
    ];
    for config in working {
        let client = client(config.clone());
        let manifest = client
            .get_manifest("v1", &[OCI_MANIFEST])
            .unwrap_or_else(|e| panic!("{config}: {e:?}"));
        assert_eq!(manifest.bytes, image.manifest);
        assert_eq!(
            read_blob(&client, &image.layer_digest, 1 << 20).unwrap(),
            image.layer
        );
    }

    let err = client(serde_json::json!({}))
        .get_manifest("v1", &[OCI_MANIFEST])
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Unauthorized {
                credentials_found: false,
                ..
            }
        ),
        "{err:?}"
    );

    let wrong =
        serde_json::json!({"auths": {host.clone(): {"username": "user", "password": "wrong"}}});
    let err = client(wrong)
        .get_manifest("v1", &[OCI_MANIFEST])
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Unauthorized {
                credentials_found: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        !format!("{err} {err:?}").contains("wrong"),
        "error must not show the password: {err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A scripted HTTP/1.1 server: one request per connection, every request recorded.

#[derive(Debug, Clone)]
struct MockRequest {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: String,
}

impl MockRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> MockResponse {
    MockResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.into(),
    }
}

struct MockServer {
    port: u16,
    requests: Arc<Mutex<Vec<MockRequest>>>,
}

impl MockServer {
    /// Serves `make(port)` on a free port until the test process exits.
    fn start<F>(make: impl FnOnce(u16) -> F) -> Self
    where
        F: Fn(&MockRequest) -> MockResponse + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handler = make(port);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(request) = read_request(&stream) {
                    let response = handler(&request);
                    // Logged before answering, so the client never sees a reply that is not
                    // yet in the log.
                    log.lock().unwrap().push(request);
                    write_response(&stream, &response);
                }
            }
        });
        Self { port, requests }
    }

    fn requests(&self) -> Vec<MockRequest> {
        self.requests.lock().unwrap().clone()
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn read_request(stream: &TcpStream) -> Option<MockRequest> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    let len: usize = headers
        .get("content-length")
        .map_or(0, |l| l.parse().unwrap());
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(MockRequest {
        method,
        path: path.to_owned(),
        query: form_decode(query),
        headers,
        body: String::from_utf8(body).unwrap(),
    })
}

fn write_response(mut stream: &TcpStream, resp: &MockResponse) {
    let mut head = format!(
        "HTTP/1.1 {} Mock\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&resp.body);
}

fn form_decode(s: &str) -> BTreeMap<String, String> {
    let decode = |s: &str| {
        let mut out = Vec::new();
        let mut bytes = s.bytes();
        while let Some(b) = bytes.next() {
            match b {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                    out.push(u8::from_str_radix(&hex, 16).unwrap());
                }
                b => out.push(b),
            }
        }
        String::from_utf8(out).unwrap()
    };
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Token auth and redirects against the scripted server.

const TOKEN: &str = "tok-123";
const MANIFEST_BODY: &[u8] = br#"{"schemaVersion":2}"#;
const BLOB_BODY: &[u8] = b"blob bytes";

/// A registry that wants `Bearer tok-123` (issued for `user:pass` or refresh token `rt-1`);
/// blob requests go through a same-origin redirect, then to `cdn`.
fn token_registry(cdn_port: u16) -> MockServer {
    MockServer::start(move |port| {
        move |req: &MockRequest| {
            let challenge = format!(
                r#"Bearer realm="http://127.0.0.1:{port}/token",service="mock,registry",scope="repository:test/img:pull""#
            );
            let authorized = req.header("authorization") == Some(&format!("Bearer {TOKEN}"));
            match (req.method.as_str(), req.path.as_str()) {
                ("GET", "/token") if req.header("authorization") == Some("Basic dXNlcjpwYXNz") => {
                    respond(
                        200,
                        &[],
                        format!(r#"{{"token":"{TOKEN}","expires_in":300}}"#),
                    )
                }
                ("POST", "/token")
                    if form_decode(&req.body)
                        .get("refresh_token")
                        .map(String::as_str)
                        == Some("rt-1") =>
                {
                    respond(200, &[], format!(r#"{{"access_token":"{TOKEN}"}}"#))
                }
                (_, "/token") => respond(401, &[], r#"{"details":"bad credentials"}"#),
                _ if !authorized => respond(
                    401,
                    &[("WWW-Authenticate", &challenge)],
                    r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
                ),
                (_, "/v2/test/img/manifests/v1") => respond(
                    200,
                    &[
                        ("Content-Type", OCI_MANIFEST),
                        (
                            "Docker-Content-Digest",
                            &Digest::sha256(MANIFEST_BODY).to_string(),
                        ),
                    ],
                    MANIFEST_BODY,
                ),
                (_, "/v2/test/img/manifests/huge") => {
                    respond(200, &[], vec![b' '; 5 * 1024 * 1024])
                }
                (_, "/v2/test/img/blobs/same-origin-hop") => {
                    let cdn = format!("http://127.0.0.1:{cdn_port}/cdn/blob?sig=abc");
                    respond(307, &[("Location", &cdn)], "")
                }
                (_, p) if p.starts_with("/v2/test/img/blobs/") => {
                    respond(307, &[("Location", "same-origin-hop")], "")
                }
                _ => respond(
                    404,
                    &[],
                    r#"{"errors":[{"code":"NAME_UNKNOWN","message":"nope"}]}"#,
                ),
            }
        }
    })
}

fn cdn() -> MockServer {
    MockServer::start(|_| |_: &MockRequest| respond(200, &[], BLOB_BODY))
}

fn mock_client(
    registry: &MockServer,
    work: &TempDir,
    config: &serde_json::Value,
) -> RegistryClient {
    let reference: Reference = format!("127.0.0.1:{}/test/img:v1", registry.port)
        .parse()
        .unwrap();
    RegistryClient::new(&reference, &options(work, config)).unwrap()
}

#[test]
fn bearer_token_is_fetched_once_and_shared_by_clones() {
    let cdn = cdn();
    let registry = token_registry(cdn.port);
    let work = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", registry.port);
    let client = mock_client(
        &registry,
        &work,
        &serde_json::json!({"auths": {host: {"auth": "dXNlcjpwYXNz"}}}),
    );

    let manifest = client
        .get_manifest(
            "v1",
            &[OCI_MANIFEST, "application/vnd.oci.image.index.v1+json"],
        )
        .unwrap();
    assert_eq!(manifest.bytes, MANIFEST_BODY);
    let blob_digest = Digest::sha256(BLOB_BODY);
    assert_eq!(
        read_blob(&client.clone(), &blob_digest, 100).unwrap(),
        BLOB_BODY
    );

    let requests = registry.requests();
    let tokens: Vec<_> = requests.iter().filter(|r| r.path == "/token").collect();
    assert_eq!(tokens.len(), 1, "{requests:#?}");
    assert_eq!(
        tokens[0].query.get("service").map(String::as_str),
        Some("mock,registry")
    );
    assert_eq!(
        tokens[0].query.get("scope").map(String::as_str),
        Some("repository:test/img:pull")
    );
    let first = &requests[0];
    assert_eq!(
        first.header("authorization"),
        None,
        "first request is anonymous"
    );
    assert_eq!(
        first.header("accept"),
        Some("application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json")
    );
    let hop = requests
        .iter()
        .find(|r| r.path.ends_with("/same-origin-hop"))
        .unwrap();
    assert_eq!(
        hop.header("authorization"),
        Some("Bearer tok-123"),
        "same-origin redirect keeps auth"
    );

    let cdn_requests = cdn.requests();
    assert_eq!(cdn_requests.len(), 1);
    assert_eq!(
        cdn_requests[0].query.get("sig").map(String::as_str),
        Some("abc")
    );
    assert_eq!(
        cdn_requests[0].header("authorization"),
        None,
        "auth must not leak to another origin"
    );
}

#[test]
fn identity_token_is_exchanged_with_a_refresh_token_grant() {
    let cdn = cdn();
    let registry = token_registry(cdn.port);
    let work = tempfile::tempdir().unwrap();
    let config = serde_json::json!({"auths": {registry.url("/"): {"identitytoken": "rt-1"}}});
    let client = mock_client(&registry, &work, &config);
    assert_eq!(
        client.get_manifest("v1", &[OCI_MANIFEST]).unwrap().bytes,
        MANIFEST_BODY
    );
    let post = registry
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let form = form_decode(&post.body);
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("refresh_token")
    );
    assert_eq!(
        form.get("service").map(String::as_str),
        Some("mock,registry")
    );
    assert_eq!(
        form.get("scope").map(String::as_str),
        Some("repository:test/img:pull")
    );
}

#[test]
fn token_endpoint_refusal_is_unauthorized() {
    let cdn = cdn();
    let registry = token_registry(cdn.port);
    let work = tempfile::tempdir().unwrap();
    let err = mock_client(&registry, &work, &serde_json::json!({}))
        .get_manifest("v1", &[OCI_MANIFEST])
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Unauthorized {
                credentials_found: false,
                ..
            }
        ),
        "{err:?}"
    );

    let wrong =
        serde_json::json!({"auths": {registry.url(""): {"username": "user", "password": "nope"}}});
    let err = mock_client(&registry, &work, &wrong)
        .get_manifest("v1", &[OCI_MANIFEST])
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Unauthorized {
                credentials_found: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn oversized_bodies_are_refused() {
    let cdn = cdn();
    let registry = token_registry(cdn.port);
    let work = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", registry.port);
    let client = mock_client(
        &registry,
        &work,
        &serde_json::json!({"auths": {host: {"auth": "dXNlcjpwYXNz"}}}),
    );
    let err = client.get_manifest("huge", &[OCI_MANIFEST]).unwrap_err();
    assert!(
        matches!(err, RegistryError::ManifestTooLarge { .. }),
        "{err:?}"
    );
    let digest = Digest::sha256(BLOB_BODY);
    let err = client.get_blob(&digest, 3).map(|_| ()).unwrap_err();
    assert!(matches!(err, RegistryError::BlobTooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains(&digest.to_string()), "{err}");
}

#[test]
fn invalid_manifest_keys_are_refused_before_any_request() {
    let registry = MockServer::start(|_| |_: &MockRequest| respond(500, &[], ""));
    let work = tempfile::tempdir().unwrap();
    let client = mock_client(&registry, &work, &serde_json::json!({}));
    let err = client
        .get_manifest("../../etc", &[OCI_MANIFEST])
        .unwrap_err();
    assert!(matches!(err, RegistryError::InvalidKey { .. }), "{err:?}");
    assert!(registry.requests().is_empty());
}

#[test]
fn http_errors_carry_the_registry_error_codes() {
    let registry = MockServer::start(|_| {
        |_: &MockRequest| {
            respond(
                503,
                &[],
                r#"{"errors":[{"code":"UNAVAILABLE","message":"try later\u0007"}]}"#,
            )
        }
    });
    let work = tempfile::tempdir().unwrap();
    let err = mock_client(&registry, &work, &serde_json::json!({}))
        .get_manifest("v1", &[])
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Http { status: 503, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().ends_with(": UNAVAILABLE (try later)"),
        "{err}"
    );
}
