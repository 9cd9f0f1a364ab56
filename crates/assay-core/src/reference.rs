//! Image references, following the grammar of the distribution project's `reference` package
//! (`name[:tag][@digest]`, with Docker Hub defaults).

use std::fmt;
use std::str::FromStr;

use crate::digest::{Digest, DigestError};

/// The registry used when a reference names none.
pub const DEFAULT_REGISTRY: &str = "docker.io";
const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// Why a string is not an image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// Empty input.
    #[error("image reference is empty")]
    Empty,
    /// A repository path component breaks the grammar (lowercase alphanumerics and separators).
    #[error("image reference {reference:?}: invalid repository component {component:?}")]
    InvalidRepository {
        /// The whole reference.
        reference: String,
        /// The offending component.
        component: String,
    },
    /// The tag breaks the grammar.
    #[error("image reference {reference:?}: invalid tag {tag:?}")]
    InvalidTag {
        /// The whole reference.
        reference: String,
        /// The offending tag.
        tag: String,
    },
    /// The registry host is not a host\[:port\].
    #[error("image reference {reference:?}: invalid registry host {host:?}")]
    InvalidHost {
        /// The whole reference.
        reference: String,
        /// The offending host.
        host: String,
    },
    /// The repository name is too long.
    #[error("image reference {0:?}: repository name longer than 255 characters")]
    TooLong(String),
    /// The `@digest` part is malformed.
    #[error("image reference {reference:?}: {source}")]
    Digest {
        /// The whole reference.
        reference: String,
        /// The digest problem.
        #[source]
        source: DigestError,
    },
}

/// A fully qualified image reference: registry, repository, and a tag and/or digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl Reference {
    /// The registry host (with port, if any), e.g. `docker.io` or `127.0.0.1:5000`.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path, e.g. `library/debian`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if one was given (or `latest` when neither tag nor digest was).
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The pinned digest, if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What to ask the registry for: the digest when pinned, else the tag.
    pub fn manifest_key(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_owned(),
        }
    }

    /// The same repository pinned to `digest` (the tag is kept for display).
    pub fn with_digest(&self, digest: Digest) -> Self {
        Self {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// The host to speak the registry API to (Docker Hub's API lives on another host).
    pub fn api_host(&self) -> &str {
        if self.registry == DEFAULT_REGISTRY {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }

    /// True for registries on the loopback interface, where plain HTTP is allowed by default.
    pub fn is_loopback(&self) -> bool {
        let host = host_without_port(&self.registry);
        host == "localhost" || host == "127.0.0.1" || host == "::1" || host.starts_with("127.")
    }
}

fn host_without_port(registry: &str) -> &str {
    if registry.starts_with('[') {
        return registry
            .split_once(']')
            .map_or(registry, |(h, _)| h)
            .trim_start_matches('[');
    }
    registry.split_once(':').map_or(registry, |(h, _)| h)
}

fn looks_like_host(component: &str) -> bool {
    component.contains('.') || component.contains(':') || component == "localhost"
}

fn valid_host(host: &str) -> bool {
    // `[ipv6]` or `[ipv6]:port`, else `name` or `name:port`.
    let (name, port) = match host.strip_prefix('[').and_then(|h| h.split_once(']')) {
        Some((v6, rest)) => {
            let ok = !v6.is_empty()
                && v6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            if !ok {
                return false;
            }
            match rest.strip_prefix(':') {
                _ if rest.is_empty() => return true,
                Some(port) => ("v6", Some(port)),
                None => return false,
            }
        }
        None => match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        },
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    port_ok && port != Some("") && !name.is_empty() && name.split('.').all(label_ok)
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let bytes = c.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !bytes.first().is_some_and(alnum) || !bytes.last().is_some_and(alnum) {
        return false;
    }
    let mut run = String::new();
    for &b in bytes {
        if alnum(&b) {
            if !matches!(run.as_str(), "" | "." | "_" | "__") && !run.bytes().all(|r| r == b'-') {
                return false;
            }
            run.clear();
        } else if matches!(b, b'.' | b'_' | b'-') {
            run.push(b as char);
        } else {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    t.len() <= MAX_TAG_LEN
        && t.bytes().next().is_some_and(word)
        && t.bytes().all(|b| word(b) || b == b'.' || b == b'-')
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => {
                let digest = d.parse().map_err(|source| ReferenceError::Digest {
                    reference: s.to_owned(),
                    source,
                })?;
                (n, Some(digest))
            }
            None => (s, None),
        };
        // A ':' after the last '/' separates the tag; one before it belongs to host:port.
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag.get(last_slash..).and_then(|t| t.find(':')) {
            Some(i) => {
                let split = last_slash + i;
                (
                    name_tag.get(..split).unwrap_or_default(),
                    name_tag.get(split + 1..).map(str::to_owned),
                )
            }
            None => (name_tag, None),
        };
        if let Some(t) = &tag
            && !valid_tag(t)
        {
            return Err(ReferenceError::InvalidTag {
                reference: s.to_owned(),
                tag: t.clone(),
            });
        }
        let (registry, repository) = split_registry(name);
        if !valid_host(&registry) {
            return Err(ReferenceError::InvalidHost {
                reference: s.to_owned(),
                host: registry,
            });
        }
        if let Some(bad) = repository.split('/').find(|c| !valid_path_component(c)) {
            return Err(ReferenceError::InvalidRepository {
                reference: s.to_owned(),
                component: bad.to_owned(),
            });
        }
        if registry.len() + 1 + repository.len() > MAX_NAME_LEN {
            return Err(ReferenceError::TooLong(s.to_owned()));
        }
        let tag = tag.or_else(|| digest.is_none().then(|| "latest".to_owned()));
        Ok(Self {
            registry,
            repository,
            tag,
            digest,
        })
    }
}

/// Docker's normalisation: the first component is a registry only if it looks like a host;
/// single-component Docker Hub names live under `library/`.
fn split_registry(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest)) if looks_like_host(first) => (first.to_owned(), rest.to_owned()),
        Some(_) => (DEFAULT_REGISTRY.to_owned(), name.to_owned()),
        None => (DEFAULT_REGISTRY.to_owned(), format!("library/{name}")),
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_docker() {
        let cases = [
            ("debian", "docker.io/library/debian:latest"),
            ("debian:bookworm", "docker.io/library/debian:bookworm"),
            ("anchore/syft:v1", "docker.io/anchore/syft:v1"),
            ("localhost/app", "localhost/app:latest"),
            ("127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t"),
            (
                "ghcr.io/o/r@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "ghcr.io/o/r@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "reg.example:443/x:1.0@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "reg.example:443/x:1.0@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                input.parse::<Reference>().unwrap().to_string(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_references() {
        for bad in [
            "",
            "UPPER/case",
            "a//b",
            "repo:",
            "repo:-tag",
            "host:99999999/r",
            "[zz]:5000/r",
            "[::1]x/r",
            "host:/r",
            "r@sha256:zz",
            "a/../b",
            "-lead",
        ] {
            assert!(
                bad.parse::<Reference>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn ipv6_hosts() {
        let r: Reference = "[::1]:5000/a:t".parse().unwrap();
        assert_eq!(r.registry(), "[::1]:5000");
        assert!(r.is_loopback());
        assert_eq!(r.to_string(), "[::1]:5000/a:t");
        assert_eq!(
            "[fe80::1]/x".parse::<Reference>().unwrap().registry(),
            "[fe80::1]"
        );
    }

    #[test]
    fn loopback_detection() {
        assert!(
            "127.0.0.1:5000/a"
                .parse::<Reference>()
                .unwrap()
                .is_loopback()
        );
        assert!(
            "localhost:5000/a"
                .parse::<Reference>()
                .unwrap()
                .is_loopback()
        );
        assert!(!"ghcr.io/a/b".parse::<Reference>().unwrap().is_loopback());
    }
}
