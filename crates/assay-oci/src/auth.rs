//! Registry credentials and authentication challenges.
//!
//! [`lookup_credentials`] finds the [`Credentials`] Docker would use for a registry: it reads
//! Docker's `config.json` and consults, in order, a `credHelpers` entry for the host, the
//! `credsStore` helper, and the inline `auths` entry. A helper that is missing or fails is logged
//! and skipped, so the worst case is anonymous access, never a hard failure; a malformed
//! `config.json` is an error naming the file.
//!
//! [`parse_www_authenticate`] turns a `WWW-Authenticate` header (RFC 9110 §11.6.1) into the
//! [`Challenge`]s `registry` knows how to answer (Basic, and Bearer per the Docker token
//! authentication spec); `basic_authorization` and `parse_token` are the two ends of answering
//! them. Nothing in this module logs a password, secret or token.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

/// The server URL Docker uses for Docker Hub in `config.json` and with credential helpers.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// What a helper prints when it holds nothing for the server (not a failure).
const HELPER_NOT_FOUND: &str = "credentials not found";

/// Credentials for one registry. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A username and password (or a registry access token used as the password).
    Basic {
        /// The user name.
        username: String,
        /// The password or token.
        password: String,
    },
    /// An OAuth2 refresh token from `docker login` (`identitytoken`, or a helper's `<token>`
    /// user), exchanged at the token realm with `grant_type=refresh_token`.
    IdentityToken {
        /// The refresh token.
        token: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Self::IdentityToken { .. } => f
                .debug_struct("IdentityToken")
                .field("token", &"<redacted>")
                .finish(),
        }
    }
}

/// Why Docker's `config.json` could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file exists (or was named explicitly) but could not be read.
    #[error("cannot read docker config {path}")]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O problem.
        #[source]
        source: std::io::Error,
    },
    /// The file is not the JSON shape Docker writes.
    #[error("docker config {path} is malformed")]
    Parse {
        /// The config file.
        path: PathBuf,
        /// The JSON problem.
        #[source]
        source: serde_json::Error,
    },
    /// An `auths` entry has an `auth` field that is not base64 of `user:password`.
    #[error("docker config {path}: auths entry {key:?} has a malformed `auth` field: {reason}")]
    BadAuth {
        /// The config file.
        path: PathBuf,
        /// The `auths` key.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Finds the credentials for `registry` (a host\[:port\] such as `ghcr.io` or `docker.io`).
///
/// The config file is `docker_config` if given (then it must exist), else
/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; a missing default file means
/// anonymous access.
pub fn lookup_credentials(
    registry: &str,
    docker_config: Option<&Path>,
) -> Result<Option<Credentials>, ConfigError> {
    let (path, required) = match docker_config {
        Some(p) => (p.to_path_buf(), true),
        None => match default_config_path() {
            Some(p) => (p, false),
            None => return Ok(None),
        },
    };
    match DockerConfig::load(&path, required)? {
        Some(config) => config.credentials_for(registry, &path),
        None => Ok(None),
    }
}

fn default_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    dirs::home_dir().map(|home| home.join(".docker").join("config.json"))
}

/// The parts of Docker's `config.json` that carry credentials; everything else is ignored.
#[derive(Debug, Default, Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl fmt::Debug for AuthEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthEntry")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl DockerConfig {
    fn load(path: &Path, required: bool) -> Result<Option<Self>, ConfigError> {
        let text = match fs_err::read_to_string(path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                tracing::debug!(path = %path.display(), "no docker config; using anonymous access");
                return Ok(None);
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|source| ConfigError::Parse {
                path: path.to_path_buf(),
                source,
            })
    }

    fn credentials_for(
        &self,
        registry: &str,
        path: &Path,
    ) -> Result<Option<Credentials>, ConfigError> {
        if let Some(helper) = self.helper_for(registry) {
            let server = helper_server_url(registry);
            match run_helper(helper, &server) {
                Ok(Some(creds)) => return Ok(Some(creds)),
                Ok(None) => tracing::debug!(helper, server, "credential helper has no credentials"),
                Err(e) => {
                    tracing::warn!(helper, server, error = %e, "credential helper failed; trying config.json auths, else anonymous")
                }
            }
        }
        let Some((key, entry)) = find_entry(&self.auths, registry) else {
            return Ok(None);
        };
        entry.credentials().map_err(|reason| ConfigError::BadAuth {
            path: path.to_path_buf(),
            key: key.to_owned(),
            reason,
        })
    }

    fn helper_for(&self, registry: &str) -> Option<&str> {
        find_entry(&self.cred_helpers, registry)
            .map(|(_, helper)| helper.as_str())
            .or(self.creds_store.as_deref())
            .filter(|h| !h.is_empty())
    }
}

impl AuthEntry {
    /// `identitytoken` wins, then `auth` (base64 `user:password`), then `username`/`password`.
    fn credentials(&self) -> Result<Option<Credentials>, &'static str> {
        if let Some(token) = non_empty(&self.identitytoken) {
            return Ok(Some(Credentials::IdentityToken {
                token: token.to_owned(),
            }));
        }
        if let Some(auth) = non_empty(&self.auth) {
            return decode_auth(auth).map(Some);
        }
        match (non_empty(&self.username), non_empty(&self.password)) {
            (Some(username), Some(password)) => Ok(Some(Credentials::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            })),
            _ => Ok(None),
        }
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

fn decode_auth(auth: &str) -> Result<Credentials, &'static str> {
    let bytes = STANDARD.decode(auth.trim()).map_err(|_| "not base64")?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8")?;
    let (username, password) = text
        .split_once(':')
        .ok_or("no ':' between user and password")?;
    Ok(Credentials::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

/// The entry for `registry`: an exact key first, then the first key naming the same host once
/// schemes, paths and Docker Hub's aliases are normalised away.
fn find_entry<'a, V>(map: &'a BTreeMap<String, V>, registry: &str) -> Option<(&'a str, &'a V)> {
    if let Some((k, v)) = map.get_key_value(registry) {
        return Some((k.as_str(), v));
    }
    let wanted = normalize_host(registry);
    map.iter()
        .find(|(k, _)| normalize_host(k) == wanted)
        .map(|(k, v)| (k.as_str(), v))
}

/// `https://Index.Docker.io/v1/` → `docker.io`; `http://host:5000/x` → `host:5000`.
fn normalize_host(key: &str) -> String {
    let key = key.trim();
    let without_scheme = key.split_once("://").map_or(key, |(_, rest)| rest);
    let host = without_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_owned()
        }
        _ => host,
    }
}

/// The server URL a credential helper is asked about (Docker Hub has a legacy URL).
fn helper_server_url(registry: &str) -> String {
    if normalize_host(registry) == "docker.io" {
        DOCKER_HUB_SERVER.to_owned()
    } else {
        registry.to_owned()
    }
}

#[derive(Debug, thiserror::Error)]
enum HelperError {
    #[error("helper name {0:?} is not a plain program suffix")]
    BadName(String),
    #[error("cannot run docker-credential-{name}: {source}")]
    Spawn {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error("docker-credential-{name} exited with {status}: {message}")]
    Failed {
        name: String,
        status: std::process::ExitStatus,
        message: String,
    },
    #[error("docker-credential-{name} printed malformed JSON: {source}")]
    Output {
        name: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Runs `docker-credential-<name> get` with the server URL on stdin (the credential helper
/// protocol). `Ok(None)` when the helper holds nothing for the server.
fn run_helper(name: &str, server: &str) -> Result<Option<Credentials>, HelperError> {
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(HelperError::BadName(name.to_owned()));
    }
    let spawn_err = |source| HelperError::Spawn {
        name: name.to_owned(),
        source,
    };
    let mut child = Command::new(format!("docker-credential-{name}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_err)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading stdin is judged by its exit status below.
        let _ = stdin.write_all(server.as_bytes());
    }
    let output = child.wait_with_output().map_err(spawn_err)?;
    if !output.status.success() {
        let message = helper_message(&output.stdout, &output.stderr);
        if message.contains(HELPER_NOT_FOUND) {
            return Ok(None);
        }
        return Err(HelperError::Failed {
            name: name.to_owned(),
            status: output.status,
            message,
        });
    }
    parse_helper_output(&output.stdout).map_err(|source| HelperError::Output {
        name: name.to_owned(),
        source,
    })
}

/// The first line of what a failed helper printed, for the log; helpers print errors, not
/// secrets, on failure.
fn helper_message(stdout: &[u8], stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(if stderr.is_empty() { stdout } else { stderr });
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[derive(Deserialize)]
struct HelperOutput {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

fn parse_helper_output(stdout: &[u8]) -> Result<Option<Credentials>, serde_json::Error> {
    let out: HelperOutput = serde_json::from_slice(stdout)?;
    if out.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(if out.username == "<token>" {
        Credentials::IdentityToken { token: out.secret }
    } else {
        Credentials::Basic {
            username: out.username,
            password: out.secret,
        }
    }))
}

/// One authentication challenge a registry may send, already checked for what answering it
/// needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Challenge {
    /// `Basic realm="..."`: send the username and password.
    Basic,
    /// `Bearer realm="...",service="...",scope="..."`: fetch a token from `realm`.
    Bearer {
        /// The token endpoint URL.
        realm: String,
        /// The `service` to name at the token endpoint.
        service: Option<String>,
        /// The `scope` the registry asked for, if it said.
        scope: Option<String>,
    },
}

/// Parses one `WWW-Authenticate` header value into the challenges assay can answer, in order.
/// Unknown schemes, Bearer challenges without a realm, and malformed input yield nothing.
pub fn parse_www_authenticate(header: &str) -> Vec<Challenge> {
    let Some(tokens) = tokenize(header) else {
        return Vec::new();
    };
    raw_challenges(tokens)
        .into_iter()
        .filter_map(|(scheme, mut params)| match scheme.as_str() {
            "basic" => Some(Challenge::Basic),
            "bearer" => Some(Challenge::Bearer {
                realm: params.remove("realm").filter(|r| !r.is_empty())?,
                service: params.remove("service"),
                scope: params.remove("scope"),
            }),
            _ => None,
        })
        .collect()
}

/// The `Authorization` value for Basic credentials (RFC 7617).
pub(crate) fn basic_authorization(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{username}:{password}"))
    )
}

#[derive(Deserialize)]
struct TokenWire {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

/// The token from a token endpoint's JSON (`token`, else the OAuth2 `access_token`).
pub(crate) fn parse_token(body: &[u8]) -> Result<String, &'static str> {
    let wire: TokenWire =
        serde_json::from_slice(body).map_err(|_| "not a JSON object with a token")?;
    let token = [wire.token, wire.access_token]
        .into_iter()
        .flatten()
        .find(|t| !t.is_empty())
        .ok_or("neither `token` nor `access_token` is set")?;
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("token contains characters not allowed in a header");
    }
    Ok(token)
}

#[derive(Debug, PartialEq, Eq)]
enum Lexeme {
    Word(String),
    Quoted(String),
    Equals,
    Comma,
}

/// Splits a header into words, quoted strings (escapes resolved), `=` and `,`. `None` for an
/// unterminated quoted string.
fn tokenize(header: &str) -> Option<Vec<Lexeme>> {
    let mut tokens = Vec::new();
    let mut chars = header.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {}
            ',' => tokens.push(Lexeme::Comma),
            '=' => tokens.push(Lexeme::Equals),
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => value.push(chars.next()?),
                        other => value.push(other),
                    }
                }
                tokens.push(Lexeme::Quoted(value));
            }
            first => {
                let mut word = String::from(first);
                while let Some(&next) = chars.peek() {
                    if matches!(next, ' ' | '\t' | ',' | '=' | '"') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                tokens.push(Lexeme::Word(word));
            }
        }
    }
    Some(tokens)
}

/// Groups tokens into `(scheme, params)`: a word followed by `=` starts a parameter, any other
/// word starts a challenge. Scheme and parameter names are lowercased; the first value of a
/// repeated parameter wins; token68 forms and stray tokens are skipped.
fn raw_challenges(tokens: Vec<Lexeme>) -> Vec<(String, BTreeMap<String, String>)> {
    let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let Lexeme::Word(word) = token else { continue };
        if tokens.peek() != Some(&Lexeme::Equals) {
            out.push((word.to_ascii_lowercase(), BTreeMap::new()));
            continue;
        }
        tokens.next();
        let value = match tokens.peek() {
            Some(Lexeme::Word(v) | Lexeme::Quoted(v)) => v.clone(),
            _ => continue,
        };
        tokens.next();
        if let Some((_, params)) = out.last_mut() {
            params.entry(word.to_ascii_lowercase()).or_insert(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(realm: &str, service: Option<&str>, scope: Option<&str>) -> Challenge {
        Challenge::Bearer {
            realm: realm.to_owned(),
            service: service.map(str::to_owned),
            scope: scope.map(str::to_owned),
        }
    }

    #[test]
    fn parses_bearer_with_commas_and_escapes_inside_quotes() {
        let header = r#"Bearer realm="https://auth.example/token",service="reg,istry",scope="repository:a/b:pull,push",error="x\"y""#;
        assert_eq!(
            parse_www_authenticate(header),
            [bearer(
                "https://auth.example/token",
                Some("reg,istry"),
                Some("repository:a/b:pull,push")
            )]
        );
    }

    #[test]
    fn parses_case_insensitive_names_unquoted_values_and_spacing() {
        let header = "bearer  REALM = https://auth.example/token , Service=svc";
        assert_eq!(
            parse_www_authenticate(header),
            [bearer("https://auth.example/token", Some("svc"), None)]
        );
    }

    #[test]
    fn parses_basic_and_several_challenges() {
        assert_eq!(
            parse_www_authenticate(r#"Basic realm="r""#),
            [Challenge::Basic]
        );
        assert_eq!(
            parse_www_authenticate(
                r#"Negotiate abc==, Basic realm="r, with comma", Bearer realm="https://t""#
            ),
            [Challenge::Basic, bearer("https://t", None, None)]
        );
    }

    #[test]
    fn garbage_yields_no_challenge() {
        for header in [
            "",
            "   ",
            ",,,",
            "=\"x\"",
            "Bearer",
            "Bearer realm=",
            "Bearer realm=\"\"",
            "Bearer service=\"x\"",
            "Bearer realm=\"unterminated",
            "Digest realm=\"x\", nonce=\"y\"",
            "\u{0}\u{1}==,,\"",
        ] {
            assert!(parse_www_authenticate(header).is_empty(), "{header:?}");
        }
    }

    #[test]
    fn token_responses() {
        assert_eq!(
            parse_token(br#"{"token":"t","access_token":"a"}"#),
            Ok("t".to_owned())
        );
        assert_eq!(
            parse_token(br#"{"access_token":"a","expires_in":60}"#),
            Ok("a".to_owned())
        );
        assert_eq!(
            parse_token(br#"{"token":"","access_token":"a"}"#),
            Ok("a".to_owned())
        );
        assert!(parse_token(br#"{}"#).is_err());
        assert!(parse_token(br#"{"token":"a\r\nX-Evil: 1"}"#).is_err());
        assert!(parse_token(b"<html>").is_err());
    }

    #[test]
    fn basic_authorization_encodes_user_and_password() {
        assert_eq!(basic_authorization("user", "pass"), "Basic dXNlcjpwYXNz");
    }

    fn entries(keys: &[&str]) -> BTreeMap<String, usize> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| ((*k).to_owned(), i))
            .collect()
    }

    #[test]
    fn config_keys_match_hosts_with_or_without_scheme() {
        let map = entries(&[
            "https://index.docker.io/v1/",
            "http://127.0.0.1:5000",
            "ghcr.io",
            "Quay.IO/",
        ]);
        let found = |r: &str| find_entry(&map, r).map(|(_, v)| *v);
        assert_eq!(found("docker.io"), Some(0));
        assert_eq!(found("127.0.0.1:5000"), Some(1));
        assert_eq!(found("127.0.0.1"), None);
        assert_eq!(found("ghcr.io"), Some(2));
        assert_eq!(found("quay.io"), Some(3));
        assert_eq!(found("example.com"), None);
    }

    #[test]
    fn exact_key_wins_over_normalised_match() {
        let map = entries(&["https://ghcr.io", "ghcr.io"]);
        assert_eq!(find_entry(&map, "ghcr.io").map(|(_, v)| *v), Some(1));
    }

    #[test]
    fn auth_entries_decode() {
        let entry = |json: &str| {
            serde_json::from_str::<AuthEntry>(json)
                .unwrap()
                .credentials()
        };
        let basic = |u: &str, p: &str| {
            Ok(Some(Credentials::Basic {
                username: u.to_owned(),
                password: p.to_owned(),
            }))
        };
        assert_eq!(
            entry(r#"{"auth":"dXNlcjpwYTpzcw=="}"#),
            basic("user", "pa:ss")
        );
        assert_eq!(entry(r#"{"username":"u","password":"p"}"#), basic("u", "p"));
        assert_eq!(
            entry(r#"{"auth":"","identitytoken":"rt"}"#),
            Ok(Some(Credentials::IdentityToken {
                token: "rt".to_owned()
            }))
        );
        assert_eq!(entry(r#"{}"#), Ok(None));
        assert_eq!(entry(r#"{"auth":""}"#), Ok(None));
        assert_eq!(entry(r#"{"auth":"!!!"}"#), Err("not base64"));
        assert_eq!(
            entry(r#"{"auth":"bm9jb2xvbg=="}"#),
            Err("no ':' between user and password")
        );
    }

    #[test]
    fn reads_config_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        fs_err::write(
            &path,
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}},"HttpHeaders":{}}"#,
        )
        .unwrap();
        let creds = lookup_credentials("docker.io", Some(&path)).unwrap();
        assert_eq!(
            creds,
            Some(Credentials::Basic {
                username: "u".to_owned(),
                password: "p".to_owned()
            })
        );
        assert_eq!(lookup_credentials("ghcr.io", Some(&path)).unwrap(), None);

        fs_err::write(&path, "{not json").unwrap();
        let err = lookup_credentials("docker.io", Some(&path)).unwrap_err();
        assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
        assert!(err.to_string().contains("config.json"), "{err}");

        let missing = dir.path().join("missing.json");
        let err = lookup_credentials("docker.io", Some(&missing)).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
    }

    #[test]
    fn missing_helper_falls_back_to_inline_auths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        fs_err::write(
            &path,
            r#"{"credsStore":"assay-test-missing-helper","credHelpers":{"ghcr.io":"../evil"},"auths":{"example.com":{"auth":"dTpw"}}}"#,
        )
        .unwrap();
        assert!(
            lookup_credentials("example.com", Some(&path))
                .unwrap()
                .is_some()
        );
        assert_eq!(lookup_credentials("ghcr.io", Some(&path)).unwrap(), None);
    }

    #[test]
    fn helper_output_parsing() {
        assert_eq!(
            parse_helper_output(br#"{"ServerURL":"x","Username":"<token>","Secret":"rt"}"#)
                .unwrap(),
            Some(Credentials::IdentityToken {
                token: "rt".to_owned()
            })
        );
        assert_eq!(
            parse_helper_output(br#"{"Username":"u","Secret":"s"}"#).unwrap(),
            Some(Credentials::Basic {
                username: "u".to_owned(),
                password: "s".to_owned()
            })
        );
        assert_eq!(
            parse_helper_output(br#"{"Username":"u","Secret":""}"#).unwrap(),
            None
        );
        assert!(parse_helper_output(b"nope").is_err());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let basic = Credentials::Basic {
            username: "u".to_owned(),
            password: "hunter2".to_owned(),
        };
        let token = Credentials::IdentityToken {
            token: "hunter2".to_owned(),
        };
        assert!(!format!("{basic:?}{token:?}").contains("hunter2"));
    }
}
