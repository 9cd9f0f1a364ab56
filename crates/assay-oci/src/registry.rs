//! The OCI Distribution v2 client: manifests and blobs from one repository, synchronously.
//!
//! [`RegistryClient`] is built from a [`Reference`] and [`RegistryOptions`]; it is cheap to clone
//! and shares one HTTP agent and one authorization cache across clones and threads.
//!
//! Authentication follows the Docker token authentication spec: a request goes out anonymously
//! (or with the cached `Authorization` value); on `401` the client parses `WWW-Authenticate`
//! ([`crate::auth::parse_www_authenticate`]) and answers once, with Basic credentials or with a
//! Bearer token fetched from the challenge's realm, then caches the answer. Credentials come from
//! Docker's `config.json` ([`crate::auth::lookup_credentials`]).
//!
//! Redirects are followed by hand (blob downloads are usually redirected to a CDN), so the
//! registry's `Authorization` header is only ever sent to the registry's own origin.
//!
//! Digests are not checked here: [`FetchedManifest`] carries the bytes and the
//! `Docker-Content-Digest` header, and [`RegistryClient::get_blob`] streams the body, for the
//! caller to verify.
//!
//! Writes follow the OCI distribution spec's push workflow: [`RegistryClient::put_blob`] asks
//! `HEAD /v2/<name>/blobs/<digest>` first and, when the blob is absent, does a monolithic upload
//! (`POST /v2/<name>/blobs/uploads/`, then `PUT <Location>?digest=<digest>` with the whole body);
//! [`RegistryClient::put_manifest`] is `PUT /v2/<name>/manifests/<reference>` (and
//! [`RegistryClient::push_manifest`] also reports the response's `OCI-Subject` header, by which
//! a registry says it indexed the manifest's `subject` for the referrers API);
//! [`RegistryClient::delete_manifest`] is `DELETE /v2/<name>/manifests/<digest>`. Write requests
//! ask the token realm for `repository:<name>:pull,push` and keep that token apart from the
//! pull token. A streamed blob body cannot be sent twice, so the upload's `POST` (with an empty
//! body) is where a challenge is answered; the `PUT` reuses that authorization, and only when
//! the upload `Location` is on the registry's own origin.

use std::fmt;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use assay_core::{Digest, Reference};
use serde::Deserialize;
use ureq::http::{Method, Request, Response, StatusCode, header};
use ureq::{Agent, Body, SendBody};

use crate::auth::{self, Challenge, ConfigError, Credentials};

mod push;

/// The largest manifest or index accepted, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// The largest token or error document read, in bytes.
const MAX_SMALL_BODY: u64 = 1024 * 1024;
const MAX_REDIRECTS: usize = 10;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Applies to each socket read, so a slow but live blob download is never cut off.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const OAUTH_CLIENT_ID: &str = "assay";
/// The `Content-Type` of blob uploads.
const OCTET_STREAM: &str = "application/octet-stream";

/// How to reach registries.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// Registries (`host` or `host:port`) spoken to over plain HTTP. Loopback registries always
    /// are.
    pub insecure_registries: Vec<String>,
    /// Docker's `config.json`; `None` means `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json`.
    pub docker_config: Option<PathBuf>,
    /// The `User-Agent` header; empty for ureq's default.
    pub user_agent: String,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            insecure_registries: Vec::new(),
            docker_config: None,
            user_agent: concat!("assay/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A manifest or index as the registry sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// The exact body bytes (what the digest covers).
    pub bytes: Vec<u8>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Docker-Content-Digest` header, unverified.
    pub docker_content_digest: Option<String>,
}

/// What a request was for, in [`RegistryError::NotFound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A manifest or index (`/manifests/`).
    Manifest,
    /// A blob (`/blobs/`).
    Blob,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Manifest => "manifest",
            Self::Blob => "blob",
        })
    }
}

/// What [`RegistryClient::put_blob`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobPush {
    /// The blob was uploaded.
    Uploaded,
    /// The repository already held the blob; nothing was sent.
    AlreadyPresent,
}

/// What [`RegistryClient::push_manifest`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestPush {
    /// The SHA-256 digest of the bytes sent (checked against `Docker-Content-Digest`).
    pub digest: Digest,
    /// The response's `OCI-Subject` header: present when the registry processed the manifest's
    /// `subject` for its referrers API (OCI distribution spec 1.1, "Pushing Manifests with
    /// Subject").
    pub oci_subject: Option<String>,
}

/// Whether a request reads or writes the repository: decides the token scope asked for and
/// which cached `Authorization` value is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Pull,
    Push,
}

/// One request, without its `Authorization` header. The body is a byte slice (content type and
/// bytes) so the request can be sent again after answering an authentication challenge.
struct Call<'a> {
    method: Method,
    url: &'a str,
    accept: Option<&'a str>,
    content: Option<(&'a str, &'a [u8])>,
    access: Access,
}

impl<'a> Call<'a> {
    fn get(url: &'a str, accept: Option<&'a str>) -> Self {
        Self {
            method: Method::GET,
            url,
            accept,
            content: None,
            access: Access::Pull,
        }
    }
}

/// A request body: content type, exact length (sent as `Content-Length`), and the bytes.
struct Payload<'a> {
    content_type: &'a str,
    len: u64,
    body: SendBody<'a>,
}

/// Why a registry request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Docker's `config.json` could not be used.
    #[error("cannot load credentials for registry {registry}")]
    Config {
        /// The registry host.
        registry: String,
        /// The config problem (names the file).
        #[source]
        source: Box<ConfigError>,
    },
    /// The connection failed, timed out, or broke mid-response.
    #[error("{url}: request failed")]
    Transport {
        /// The URL requested.
        url: String,
        /// The transport problem.
        #[source]
        source: Box<ureq::Error>,
    },
    /// The registry answered with an unexpected status.
    #[error("{url}: registry answered HTTP {status}{detail}")]
    Http {
        /// The URL requested.
        url: String,
        /// The status code.
        status: u16,
        /// The registry's `errors[].code`/`message`, prefixed with `: `, or empty.
        detail: String,
    },
    /// `404`: the manifest or blob is unknown to the registry.
    #[error("{reference}: {what} {key} not found{detail}")]
    NotFound {
        /// The image reference.
        reference: String,
        /// Manifest or blob.
        what: Resource,
        /// The tag or digest asked for.
        key: String,
        /// The registry's error codes, prefixed with `: `, or empty.
        detail: String,
    },
    /// `401` after authenticating, or a challenge that needs credentials we do not have.
    #[error("{url}: unauthorized ({}){detail}", if *.credentials_found { "the registry rejected the configured credentials" } else { "no credentials found for this registry" })]
    Unauthorized {
        /// The URL requested.
        url: String,
        /// Whether credentials were found in the Docker config.
        credentials_found: bool,
        /// The registry's error codes or our reason, prefixed with `: `, or empty.
        detail: String,
    },
    /// The registry's `WWW-Authenticate` challenge cannot be answered.
    #[error("{url}: cannot answer authentication challenge: {reason}")]
    Challenge {
        /// The URL requested.
        url: String,
        /// Why.
        reason: String,
    },
    /// The token endpoint's answer is not the JSON the token spec describes.
    #[error("{url}: bad token response: {reason}")]
    TokenResponse {
        /// The token endpoint.
        url: String,
        /// Why.
        reason: String,
    },
    /// A manifest body is larger than [`MAX_MANIFEST_BYTES`].
    #[error("{reference}: manifest {key} is larger than {limit} bytes")]
    ManifestTooLarge {
        /// The image reference.
        reference: String,
        /// The tag or digest asked for.
        key: String,
        /// The limit.
        limit: u64,
    },
    /// A blob is larger than the caller's limit (known from `Content-Length` or while reading).
    #[error("{reference}: blob {digest} is larger than the {limit}-byte limit")]
    BlobTooLarge {
        /// The image reference.
        reference: String,
        /// The blob.
        digest: Digest,
        /// The limit.
        limit: u64,
    },
    /// A manifest key that is neither a tag nor a digest (it would change the URL path).
    #[error("{reference}: {key:?} is not a tag or digest")]
    InvalidKey {
        /// The image reference.
        reference: String,
        /// The key given.
        key: String,
    },
    /// A redirect without a usable `Location`, or too many of them.
    #[error("{url}: bad redirect: {reason}")]
    Redirect {
        /// The URL that redirected.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// A blob upload session the registry opened without a usable `Location`.
    #[error("{url}: bad upload session: {reason}")]
    UploadLocation {
        /// The URL that opened the session.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// The registry's `Docker-Content-Digest` for content we sent differs from the content's
    /// own digest.
    #[error("{reference}: registry stored {what} {expected} under digest {returned:?}")]
    DigestMismatch {
        /// The image reference.
        reference: String,
        /// Manifest or blob.
        what: Resource,
        /// The digest of the bytes sent.
        expected: Digest,
        /// The registry's header value.
        returned: String,
    },
}

/// A client for one repository of one registry. Clones share the connection pool and the
/// authorization cache; it is `Send + Sync`, so blobs can be fetched from several threads.
#[derive(Clone)]
pub struct RegistryClient {
    inner: Arc<Inner>,
}

struct Inner {
    agent: Agent,
    /// `scheme://host[:port]`, normalised as by [`origin`].
    origin: String,
    repository: String,
    /// The reference as the user wrote it, for error messages.
    reference: String,
    credentials: Option<Credentials>,
    /// The last `Authorization` value that worked (or was just obtained) for reads.
    authorization: Mutex<Option<String>>,
    /// The same for writes (a token with push scope).
    push_authorization: Mutex<Option<String>>,
}

impl fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryClient")
            .field("origin", &self.inner.origin)
            .field("repository", &self.inner.repository)
            .field("credentials", &self.inner.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl RegistryClient {
    /// A client for `reference`'s repository; reads the Docker config for credentials.
    pub fn new(reference: &Reference, opts: &RegistryOptions) -> Result<Self, RegistryError> {
        let credentials =
            auth::lookup_credentials(reference.registry(), opts.docker_config.as_deref()).map_err(
                |source| RegistryError::Config {
                    registry: reference.registry().to_owned(),
                    source: Box::new(source),
                },
            )?;
        let scheme = if uses_plain_http(reference, &opts.insecure_registries) {
            "http"
        } else {
            "https"
        };
        let origin = origin(&format!("{scheme}://{}/", reference.api_host())).unwrap_or_default();
        tracing::debug!(%origin, repository = reference.repository(), credentials = credentials.is_some(), "registry client");
        Ok(Self {
            inner: Arc::new(Inner {
                agent: build_agent(&opts.user_agent),
                origin,
                repository: reference.repository().to_owned(),
                reference: reference.to_string(),
                credentials,
                authorization: Mutex::new(None),
                push_authorization: Mutex::new(None),
            }),
        })
    }

    /// `host[:port]/repository`, for messages.
    pub fn location(&self) -> String {
        let host = self
            .inner
            .origin
            .split_once("://")
            .map_or(self.inner.origin.as_str(), |(_, host)| host);
        format!("{host}/{}", self.inner.repository)
    }

    /// GET `/v2/<repo>/manifests/<key>` where `key` is a tag or digest string, with the given
    /// `Accept` media types. The body is capped at [`MAX_MANIFEST_BYTES`].
    pub fn get_manifest(
        &self,
        key: &str,
        accept: &[&str],
    ) -> Result<FetchedManifest, RegistryError> {
        self.check_key(key)?;
        let accept = accept.join(", ");
        let (url, mut resp) = self.fetch(
            &format!("manifests/{key}"),
            Some(&accept),
            Resource::Manifest,
            key,
        )?;
        self.read_manifest_body(&url, &mut resp, key)
    }

    /// GET `/v2/<repo>/referrers/<digest>` (OCI distribution spec 1.1, "Listing Referrers"),
    /// asking for an OCI image index. `Ok(None)` when the registry answers `404`, as registries
    /// without the referrers API do. The body is capped at [`MAX_MANIFEST_BYTES`]; only the
    /// first page is read (a `Link` header naming more is ignored).
    pub fn get_referrers(
        &self,
        subject: &Digest,
    ) -> Result<Option<FetchedManifest>, RegistryError> {
        let key = subject.to_string();
        let path = format!("referrers/{key}");
        let accept = Some(crate::media::OCI_INDEX);
        match self.fetch(&path, accept, Resource::Manifest, &key) {
            Ok((url, mut resp)) => self.read_manifest_body(&url, &mut resp, &key).map(Some),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The headers and at most [`MAX_MANIFEST_BYTES`] of body of a manifest-like response.
    fn read_manifest_body(
        &self,
        url: &str,
        resp: &mut Response<Body>,
        key: &str,
    ) -> Result<FetchedManifest, RegistryError> {
        let content_type = header_string(resp, header::CONTENT_TYPE.as_str());
        let docker_content_digest = header_string(resp, "docker-content-digest");
        let bytes = match resp
            .body_mut()
            .with_config()
            .limit(MAX_MANIFEST_BYTES)
            .read_to_vec()
        {
            Ok(bytes) => bytes,
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return Err(RegistryError::ManifestTooLarge {
                    reference: self.inner.reference.clone(),
                    key: key.to_owned(),
                    limit: MAX_MANIFEST_BYTES,
                });
            }
            Err(source) => return Err(transport(url, source)),
        };
        Ok(FetchedManifest {
            bytes,
            content_type,
            docker_content_digest,
        })
    }

    /// GET `/v2/<repo>/blobs/<digest>`, following redirects. The reader yields at most `max_len`
    /// bytes; reading past that fails with an `InvalidData` I/O error wrapping
    /// [`RegistryError::BlobTooLarge`].
    pub fn get_blob(
        &self,
        digest: &Digest,
        max_len: u64,
    ) -> Result<Box<dyn Read + Send>, RegistryError> {
        let key = digest.to_string();
        let (_, resp) = self.fetch(&format!("blobs/{key}"), None, Resource::Blob, &key)?;
        let too_large = || RegistryError::BlobTooLarge {
            reference: self.inner.reference.clone(),
            digest: digest.clone(),
            limit: max_len,
        };
        if resp
            .body()
            .content_length()
            .is_some_and(|len| len > max_len)
        {
            return Err(too_large());
        }
        Ok(Box::new(LimitedReader {
            inner: resp.into_body().into_reader(),
            remaining: max_len,
            too_large: Some(too_large()),
        }))
    }

    /// Requests `/v2/<repo>/<path>`, following redirects, and maps error statuses. Returns the
    /// final URL and a 2xx response.
    fn fetch(
        &self,
        path: &str,
        accept: Option<&str>,
        what: Resource,
        key: &str,
    ) -> Result<(String, Response<Body>), RegistryError> {
        self.fetch_with(&Method::GET, Access::Pull, path, accept, what, key)
    }

    /// [`Self::fetch`] with another body-less method (`HEAD`) or for a write.
    fn fetch_with(
        &self,
        method: &Method,
        access: Access,
        path: &str,
        accept: Option<&str>,
        what: Resource,
        key: &str,
    ) -> Result<(String, Response<Body>), RegistryError> {
        let mut url = self.api_url(path);
        for _ in 0..=MAX_REDIRECTS {
            let call = Call {
                method: method.clone(),
                access,
                ..Call::get(&url, accept)
            };
            let resp = if self.is_own_origin(&url) {
                self.send_authorized(&call)?
            } else {
                self.send(&call, None)?
            };
            if !resp.status().is_redirection() || resp.status() == StatusCode::NOT_MODIFIED {
                return self.check_status(url, resp, what, key);
            }
            let location = header_string(&resp, header::LOCATION.as_str()).ok_or_else(|| {
                RegistryError::Redirect {
                    url: shown(&url),
                    reason: "no Location header",
                }
            })?;
            url = resolve_location(&url, &location).ok_or_else(|| RegistryError::Redirect {
                url: shown(&url),
                reason: "Location is not an http(s) URL",
            })?;
            tracing::debug!(url = shown(&url), "following redirect");
        }
        Err(RegistryError::Redirect {
            url: shown(&url),
            reason: "too many redirects",
        })
    }

    fn check_status(
        &self,
        url: String,
        mut resp: Response<Body>,
        what: Resource,
        key: &str,
    ) -> Result<(String, Response<Body>), RegistryError> {
        let status = resp.status();
        if status.is_success() {
            return Ok((url, resp));
        }
        let detail = error_detail(&mut resp);
        Err(match status {
            StatusCode::NOT_FOUND => RegistryError::NotFound {
                reference: self.inner.reference.clone(),
                what,
                key: key.to_owned(),
                detail,
            },
            StatusCode::UNAUTHORIZED => RegistryError::Unauthorized {
                url: shown(&url),
                credentials_found: self.inner.credentials.is_some(),
                detail,
            },
            _ => RegistryError::Http {
                url: shown(&url),
                status: status.as_u16(),
                detail,
            },
        })
    }

    /// Sends to the registry's own origin with the cached authorization; on `401`, answers the
    /// challenge once and retries. A second `401` is returned for [`Self::check_status`].
    fn send_authorized(&self, call: &Call<'_>) -> Result<Response<Body>, RegistryError> {
        let cached = self.cached_authorization(call.access);
        let resp = self.send(call, cached.as_deref())?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let challenges: Vec<Challenge> = resp
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(auth::parse_www_authenticate)
            .collect();
        let authorization = self.answer(call.url, &challenges, call.access)?;
        *self.lock_authorization(call.access) = Some(authorization.clone());
        self.send(call, Some(&authorization))
    }

    /// The `Authorization` value answering the first Bearer challenge, else the first Basic one.
    fn answer(
        &self,
        url: &str,
        challenges: &[Challenge],
        access: Access,
    ) -> Result<String, RegistryError> {
        let bearer = challenges
            .iter()
            .find(|c| matches!(c, Challenge::Bearer { .. }));
        match bearer.or_else(|| challenges.first()) {
            Some(Challenge::Bearer {
                realm,
                service,
                scope,
            }) => {
                let scope = token_scope(&self.inner.repository, scope.as_deref(), access);
                let token = self.fetch_token(url, realm, service.as_deref(), &scope)?;
                Ok(format!("Bearer {token}"))
            }
            Some(Challenge::Basic) => match &self.inner.credentials {
                Some(Credentials::Basic { username, password }) => {
                    Ok(auth::basic_authorization(username, password))
                }
                Some(Credentials::IdentityToken { .. }) => Err(RegistryError::Unauthorized {
                    url: shown(url),
                    credentials_found: true,
                    detail:
                        ": the registry wants Basic auth but only an identity token is configured"
                            .to_owned(),
                }),
                None => Err(RegistryError::Unauthorized {
                    url: shown(url),
                    credentials_found: false,
                    detail: String::new(),
                }),
            },
            _ => Err(RegistryError::Challenge {
                url: shown(url),
                reason: "no usable Basic or Bearer challenge in WWW-Authenticate".to_owned(),
            }),
        }
    }

    /// Fetches a token for `scope` from `realm` (Docker token authentication spec; OAuth2
    /// refresh-token grant when an identity token is configured).
    fn fetch_token(
        &self,
        url: &str,
        realm: &str,
        service: Option<&str>,
        scope: &str,
    ) -> Result<String, RegistryError> {
        let realm_origin = origin(realm).ok_or_else(|| RegistryError::Challenge {
            url: shown(url),
            reason: format!("token realm {realm:?} is not an http(s) URL"),
        })?;
        if realm_origin.starts_with("http:") && self.inner.origin.starts_with("https:") {
            return Err(RegistryError::Challenge {
                url: shown(url),
                reason: format!("token realm {realm} is plain http for an https registry"),
            });
        }
        tracing::debug!(realm = shown(realm), scope, "fetching registry token");
        let sent = match &self.inner.credentials {
            Some(Credentials::IdentityToken { token }) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("client_id", OAUTH_CLIENT_ID),
                    ("scope", scope),
                    ("refresh_token", token.as_str()),
                ];
                form.extend(service.map(|s| ("service", s)));
                self.inner.agent.post(realm).send_form(form)
            }
            basic => {
                let mut req = self.inner.agent.get(realm).query("scope", scope);
                if let Some(service) = service {
                    req = req.query("service", service);
                }
                if let Some(Credentials::Basic { username, password }) = basic {
                    req = req.header(
                        header::AUTHORIZATION,
                        auth::basic_authorization(username, password),
                    );
                }
                req.call()
            }
        };
        let mut resp = sent.map_err(|source| transport(realm, source))?;
        let status = resp.status();
        if !status.is_success() {
            let detail = error_detail(&mut resp);
            return Err(
                if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                    RegistryError::Unauthorized {
                        url: shown(realm),
                        credentials_found: self.inner.credentials.is_some(),
                        detail,
                    }
                } else {
                    RegistryError::Http {
                        url: shown(realm),
                        status: status.as_u16(),
                        detail,
                    }
                },
            );
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_SMALL_BODY)
            .read_to_vec()
            .map_err(|source| transport(realm, source))?;
        auth::parse_token(&body).map_err(|reason| RegistryError::TokenResponse {
            url: shown(realm),
            reason: reason.to_owned(),
        })
    }

    /// Sends `call` once, with its byte body if it has one.
    fn send(
        &self,
        call: &Call<'_>,
        authorization: Option<&str>,
    ) -> Result<Response<Body>, RegistryError> {
        let Some((content_type, bytes)) = call.content else {
            return self.dispatch(call, None, authorization);
        };
        let mut reader = bytes;
        let payload = Payload {
            content_type,
            len: bytes.len() as u64,
            body: SendBody::from_reader(&mut reader),
        };
        self.dispatch(call, Some(payload), authorization)
    }

    /// Sends one request; `payload`, when given, is the body and sets `Content-Type` and
    /// `Content-Length`.
    fn dispatch(
        &self,
        call: &Call<'_>,
        payload: Option<Payload<'_>>,
        authorization: Option<&str>,
    ) -> Result<Response<Body>, RegistryError> {
        let mut req = Request::builder().method(call.method.clone()).uri(call.url);
        if let Some(accept) = call.accept.filter(|a| !a.is_empty()) {
            req = req.header(header::ACCEPT, accept);
        }
        if let Some(authorization) = authorization {
            req = req.header(header::AUTHORIZATION, authorization);
        }
        let sent = match payload {
            Some(p) => self.run(
                req.header(header::CONTENT_TYPE, p.content_type)
                    .header(header::CONTENT_LENGTH, p.len),
                p.body,
            ),
            None => self.run(req, SendBody::none()),
        };
        let resp = sent.map_err(|source| transport(call.url, source))?;
        tracing::debug!(
            method = %call.method,
            url = shown(call.url),
            status = resp.status().as_u16(),
            authorized = authorization.is_some(),
            "registry response"
        );
        Ok(resp)
    }

    fn run(
        &self,
        req: ureq::http::request::Builder,
        body: SendBody<'_>,
    ) -> Result<Response<Body>, ureq::Error> {
        self.inner.agent.run(req.body(body)?)
    }

    fn cached_authorization(&self, access: Access) -> Option<String> {
        self.lock_authorization(access).clone()
    }

    fn lock_authorization(&self, access: Access) -> std::sync::MutexGuard<'_, Option<String>> {
        let slot = match access {
            Access::Pull => &self.inner.authorization,
            Access::Push => &self.inner.push_authorization,
        };
        // The cache holds a plain value; a panic elsewhere cannot leave it half-written.
        slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `<origin>/v2/<repository>/<path>`.
    fn api_url(&self, path: &str) -> String {
        format!("{}/v2/{}/{path}", self.inner.origin, self.inner.repository)
    }

    /// Whether `url` is on the registry's own origin (the only place credentials go).
    fn is_own_origin(&self, url: &str) -> bool {
        origin(url).as_deref() == Some(self.inner.origin.as_str())
    }

    /// Refuses a manifest key that is neither a tag nor a digest.
    fn check_key(&self, key: &str) -> Result<(), RegistryError> {
        if is_manifest_key(key) {
            return Ok(());
        }
        Err(RegistryError::InvalidKey {
            reference: self.inner.reference.clone(),
            key: key.to_owned(),
        })
    }
}

/// The token scope to ask for: for reads, the registry's own (else pull on the repository);
/// for writes, always pull and push on the repository.
fn token_scope(repository: &str, challenged: Option<&str>, access: Access) -> String {
    match (access, challenged) {
        (Access::Pull, Some(scope)) => scope.to_owned(),
        (Access::Pull, None) => format!("repository:{repository}:pull"),
        (Access::Push, _) => format!("repository:{repository}:pull,push"),
    }
}

fn transport(url: &str, source: ureq::Error) -> RegistryError {
    RegistryError::Transport {
        url: shown(url),
        source: Box::new(source),
    }
}

/// A URL for logs and errors: without its query, which for presigned CDN URLs is a credential.
fn shown(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let mut out = url.get(..end).unwrap_or(url).to_owned();
    if end < url.len() {
        out.push_str("?<redacted>");
    }
    out
}

fn build_agent(user_agent: &str) -> Agent {
    let mut config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_send_request(Some(CONNECT_TIMEOUT))
        .timeout_recv_response(Some(READ_TIMEOUT))
        .timeout_per_read(Some(READ_TIMEOUT));
    if !user_agent.is_empty() {
        config = config.user_agent(user_agent);
    }
    Agent::new_with_config(config.build())
}

/// Plain HTTP for loopback registries and those listed as insecure (as `host` or `host:port`).
fn uses_plain_http(reference: &Reference, insecure: &[String]) -> bool {
    let registry = reference.registry().to_ascii_lowercase();
    let host = host_of(&registry);
    reference.is_loopback()
        || insecure.iter().any(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            let entry = entry
                .split_once("://")
                .map_or(entry.as_str(), |(_, rest)| rest);
            let entry = entry.trim_end_matches('/');
            entry == registry || entry == host
        })
}

/// `host:port` → `host`; `[::1]:5000` → `[::1]`.
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .and_then(|i| authority.get(..=i))
            .unwrap_or(authority);
    }
    authority.split_once(':').map_or(authority, |(h, _)| h)
}

/// Tags (`[\w][\w.-]*`) and digests (`alg:hex`): nothing that could change the URL path.
fn is_manifest_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 256
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':' | b'+'))
        && !key.starts_with(['.', '-'])
}

fn header_string(resp: &Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `scheme://authority` of an http(s) URL, lowercased, without a default port.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{authority}"))
}

/// Resolves a `Location` header against the URL that sent it (absolute, scheme-relative,
/// absolute-path and relative-path forms).
fn resolve_location(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    let base_origin = origin(base)?;
    if location.contains("://") {
        return origin(location).map(|_| location.to_owned());
    }
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = base_origin.split_once("://")?.0;
        let url = format!("{scheme}://{rest}");
        return origin(&url).map(|_| url);
    }
    if location.starts_with('/') {
        return Some(format!("{base_origin}{location}"));
    }
    let path = base.get(base_origin.len()..)?.split(['?', '#']).next()?;
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    Some(format!("{base_origin}{dir}/{location}"))
}

#[derive(Deserialize)]
struct ErrorsWire {
    #[serde(default)]
    errors: Vec<ErrorWire>,
}

#[derive(Deserialize)]
struct ErrorWire {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// The registry's `errors[].code: message` list from an error body, as `": A (m); B (n)"`,
/// or empty. Bounded and stripped of control characters: the registry controls it.
fn error_detail(resp: &mut Response<Body>) -> String {
    let Ok(body) = resp
        .body_mut()
        .with_config()
        .limit(MAX_SMALL_BODY)
        .read_to_vec()
    else {
        return String::new();
    };
    let Ok(wire) = serde_json::from_slice::<ErrorsWire>(&body) else {
        return String::new();
    };
    let parts: Vec<String> = wire
        .errors
        .iter()
        .take(5)
        .map(|e| match (e.code.is_empty(), e.message.is_empty()) {
            (false, false) => format!("{} ({})", e.code, e.message),
            (false, true) => e.code.clone(),
            _ => e.message.clone(),
        })
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    let joined: String = parts
        .join("; ")
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect();
    format!(": {joined}")
}

/// Yields at most `remaining` bytes of `inner`, then fails if `inner` has more.
struct LimitedReader<R> {
    inner: R,
    remaining: u64,
    /// The error for an over-long body; taken when reported.
    too_large: Option<RegistryError>,
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            let mut probe = [0_u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            let err = self.too_large.take().map_or_else(
                || io::Error::new(io::ErrorKind::InvalidData, "blob exceeds its size limit"),
                |e| io::Error::new(io::ErrorKind::InvalidData, e),
            );
            return Err(err);
        }
        let want = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(window) = buf.get_mut(..want) else {
            return Ok(0);
        };
        let n = self.inner.read(window)?;
        self.remaining = self.remaining.saturating_sub(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::push::{ExactReader, with_digest_query};
    use super::*;

    const _: () = {
        const fn send_sync<T: Send + Sync>() {}
        send_sync::<RegistryClient>();
    };

    fn reference(s: &str) -> Reference {
        s.parse().unwrap()
    }

    #[test]
    fn chooses_plain_http_only_for_loopback_and_listed_registries() {
        let insecure = vec![
            "reg.local".to_owned(),
            "other.example:5000".to_owned(),
            "https://third.example/".to_owned(),
        ];
        let cases = [
            ("127.0.0.1:5000/a", true),
            ("localhost/a", true),
            ("reg.local/a", true),
            ("reg.local:8080/a", true),
            ("other.example:5000/a", true),
            ("other.example/a", false),
            ("other.example:5001/a", false),
            ("third.example/a", true),
            ("ghcr.io/a/b", false),
            ("debian", false),
        ];
        for (r, want) in cases {
            assert_eq!(uses_plain_http(&reference(r), &insecure), want, "{r}");
        }
    }

    #[test]
    fn client_urls_use_the_api_host() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.json");
        fs_err::write(&config, "{}").unwrap();
        let opts = RegistryOptions {
            docker_config: Some(config),
            ..RegistryOptions::default()
        };
        let client = RegistryClient::new(&reference("debian"), &opts).unwrap();
        assert_eq!(client.inner.origin, "https://registry-1.docker.io");
        assert_eq!(client.inner.repository, "library/debian");
        let client = RegistryClient::new(&reference("localhost:5000/x"), &opts).unwrap();
        assert_eq!(client.inner.origin, "http://localhost:5000");
    }

    #[test]
    fn host_of_strips_ports() {
        assert_eq!(host_of("h:5000"), "h");
        assert_eq!(host_of("h"), "h");
        assert_eq!(host_of("[::1]:5000"), "[::1]");
        assert_eq!(host_of("[::1]"), "[::1]");
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin("HTTPS://Reg.Example:443/v2/x").as_deref(),
            Some("https://reg.example")
        );
        assert_eq!(origin("http://h:5000?x").as_deref(), Some("http://h:5000"));
        assert_eq!(origin("ftp://h/x"), None);
        assert_eq!(origin("https://user@h/x"), None);
        assert_eq!(origin("https:///x"), None);
        assert_eq!(origin("no-scheme"), None);
    }

    #[test]
    fn shown_urls_hide_queries() {
        assert_eq!(
            shown("https://cdn/b?X-Amz-Signature=s"),
            "https://cdn/b?<redacted>"
        );
        assert_eq!(shown("https://reg/v2/a"), "https://reg/v2/a");
    }

    #[test]
    fn resolves_redirect_locations() {
        let base = "https://reg.example/v2/a/blobs/sha256:x?y=1";
        let cases = [
            (
                "https://cdn.example/b?sig=1",
                Some("https://cdn.example/b?sig=1"),
            ),
            ("//cdn.example/b", Some("https://cdn.example/b")),
            ("/other/path", Some("https://reg.example/other/path")),
            ("sibling", Some("https://reg.example/v2/a/blobs/sibling")),
            ("file:///etc/passwd", None),
            ("javascript://x", None),
        ];
        for (location, want) in cases {
            assert_eq!(
                resolve_location(base, location).as_deref(),
                want,
                "{location}"
            );
        }
    }

    #[test]
    fn manifest_keys_cannot_escape_the_path() {
        for good in [
            "latest",
            "v1.2.3-rc_1",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert!(is_manifest_key(good), "{good}");
        }
        for bad in ["", "../x", "a/b", "a?b", "a#b", "a b", "-x", ".x", "a%2f"] {
            assert!(!is_manifest_key(bad), "{bad}");
        }
    }

    #[test]
    fn token_scopes_ask_for_push_on_writes() {
        let cases = [
            (Access::Pull, None, "repository:a/b:pull"),
            (
                Access::Pull,
                Some("repository:a/b:pull"),
                "repository:a/b:pull",
            ),
            (Access::Push, None, "repository:a/b:pull,push"),
            (
                Access::Push,
                Some("repository:a/b:push"),
                "repository:a/b:pull,push",
            ),
        ];
        for (access, challenged, want) in cases {
            assert_eq!(token_scope("a/b", challenged, access), want, "{access:?}");
        }
    }

    #[test]
    fn upload_urls_keep_their_query() {
        let digest = Digest::sha256(b"x");
        let hex = digest.hex();
        let cases = [
            ("http://r/v2/a/blobs/uploads/u1", "?"),
            (
                "http://r/v2/a/blobs/uploads/u1?_state=s%2B1",
                "?_state=s%2B1&",
            ),
            ("http://r/v2/a/blobs/uploads/u1?", "?"),
            ("http://r/v2/a/blobs/uploads/u1?x=1&", "?x=1&"),
        ];
        for (session, query) in cases {
            assert_eq!(
                with_digest_query(session, &digest),
                format!("http://r/v2/a/blobs/uploads/u1{query}digest=sha256%3A{hex}"),
                "{session}"
            );
        }
        assert_eq!(
            with_digest_query("http://r/u#frag", &digest),
            format!("http://r/u?digest=sha256%3A{hex}")
        );
    }

    #[test]
    fn exact_reader_stops_at_the_size_and_refuses_to_end_early() {
        let read_all = |data: &'static [u8], size: u64| {
            let mut out = Vec::new();
            let mut reader = ExactReader {
                inner: data,
                remaining: size,
            };
            reader.read_to_end(&mut out).map(|_| out)
        };
        assert_eq!(read_all(b"abc", 3).unwrap(), b"abc");
        assert_eq!(read_all(b"abcdef", 3).unwrap(), b"abc");
        assert_eq!(read_all(b"", 0).unwrap(), b"");
        assert_eq!(
            read_all(b"ab", 3).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn limited_reader_allows_exactly_the_limit() {
        let read_all = |data: &'static [u8], limit: u64| {
            let mut out = Vec::new();
            let mut reader = LimitedReader {
                inner: data,
                remaining: limit,
                too_large: None,
            };
            reader.read_to_end(&mut out).map(|_| out)
        };
        assert_eq!(read_all(b"abc", 3).unwrap(), b"abc");
        assert_eq!(read_all(b"abc", 10).unwrap(), b"abc");
        assert_eq!(read_all(b"", 0).unwrap(), b"");
        assert_eq!(
            read_all(b"abc", 2).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn limited_reader_error_names_the_digest() {
        let digest = Digest::sha256(b"abc");
        let mut reader = LimitedReader {
            inner: &b"abcdef"[..],
            remaining: 3,
            too_large: Some(RegistryError::BlobTooLarge {
                reference: "r".to_owned(),
                digest: digest.clone(),
                limit: 3,
            }),
        };
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains(&digest.to_string()), "{err}");
        assert!(
            err.get_ref()
                .and_then(|e| e.downcast_ref::<RegistryError>())
                .is_some()
        );
    }
}
