//! What the user asked assay to read, using syft's scheme names (`registry:`, `oci-dir:`,
//! `oci-archive:`, `docker-archive:`, `dir:`, `file:`). A string without a known scheme is a
//! registry reference.

use std::fmt;
use std::str::FromStr;

use crate::reference::{Reference, ReferenceError};

/// A parsed SOURCE argument. Paths are kept as given; opening them is the caller's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// An image in a registry.
    Registry(Reference),
    /// An OCI image layout directory, optionally selecting a tag (`org.opencontainers.image.ref.name`).
    OciDir {
        /// Layout directory.
        path: String,
        /// Tag to select; needed when the layout holds more than one image.
        tag: Option<String>,
    },
    /// A tar of an OCI image layout.
    OciArchive {
        /// The tar file.
        path: String,
        /// Tag to select.
        tag: Option<String>,
    },
    /// A `docker save` tarball.
    DockerArchive {
        /// The tar file.
        path: String,
    },
    /// A directory on the host.
    Dir {
        /// The directory.
        path: String,
    },
    /// A single file on the host.
    File {
        /// The file.
        path: String,
    },
}

/// Why a SOURCE argument cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The scheme was given without a path or reference.
    #[error("source {0:?} names a scheme but no path or reference after it")]
    Empty(String),
    /// The registry reference is malformed.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
}

/// Splits `PATH[:TAG]`: the part after the last ':' is a tag only when it holds no '/'.
fn split_tag(rest: &str) -> (String, Option<String>) {
    match rest.rsplit_once(':') {
        Some((path, tag)) if !path.is_empty() && !tag.is_empty() && !tag.contains('/') => {
            (path.to_owned(), Some(tag.to_owned()))
        }
        _ => (rest.to_owned(), None),
    }
}

impl FromStr for SourceSpec {
    type Err = SourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = match s.split_once(':') {
            Some((scheme, rest))
                if matches!(
                    scheme,
                    "registry" | "oci-dir" | "oci-archive" | "docker-archive" | "dir" | "file"
                ) =>
            {
                (scheme, rest)
            }
            _ => ("registry", s),
        };
        if rest.is_empty() {
            return Err(SourceError::Empty(s.to_owned()));
        }
        let path = rest.to_owned();
        Ok(match scheme {
            "oci-dir" => {
                let (path, tag) = split_tag(rest);
                Self::OciDir { path, tag }
            }
            "oci-archive" => {
                let (path, tag) = split_tag(rest);
                Self::OciArchive { path, tag }
            }
            "docker-archive" => Self::DockerArchive { path },
            "dir" => Self::Dir { path },
            "file" => Self::File { path },
            _ => Self::Registry(rest.parse()?),
        })
    }
}

impl fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_tag =
            |f: &mut fmt::Formatter<'_>, scheme: &str, path: &str, tag: &Option<String>| {
                write!(f, "{scheme}:{path}")?;
                tag.as_ref().map_or(Ok(()), |t| write!(f, ":{t}"))
            };
        match self {
            Self::Registry(r) => write!(f, "registry:{r}"),
            Self::OciDir { path, tag } => with_tag(f, "oci-dir", path, tag),
            Self::OciArchive { path, tag } => with_tag(f, "oci-archive", path, tag),
            Self::DockerArchive { path } => write!(f, "docker-archive:{path}"),
            Self::Dir { path } => write!(f, "dir:{path}"),
            Self::File { path } => write!(f, "file:{path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_parse() {
        let cases = [
            ("oci-dir:/tmp/oci:app", "oci-dir:/tmp/oci:app"),
            ("oci-dir:/tmp/oci", "oci-dir:/tmp/oci"),
            ("oci-archive:img.tar", "oci-archive:img.tar"),
            ("docker-archive:/x/img.tar", "docker-archive:/x/img.tar"),
            ("dir:.", "dir:."),
            ("file:/bin/ls", "file:/bin/ls"),
            ("registry:127.0.0.1:5000/a:b", "registry:127.0.0.1:5000/a:b"),
            ("127.0.0.1:5000/a:b", "registry:127.0.0.1:5000/a:b"),
            ("alpine", "registry:docker.io/library/alpine:latest"),
        ];
        for (input, want) in cases {
            assert_eq!(
                input.parse::<SourceSpec>().unwrap().to_string(),
                want,
                "{input}"
            );
        }
        assert!(matches!(
            "dir:".parse::<SourceSpec>(),
            Err(SourceError::Empty(_))
        ));
        assert!("registry:Bad Ref".parse::<SourceSpec>().is_err());
    }
}
