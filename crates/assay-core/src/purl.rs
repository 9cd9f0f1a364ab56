//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`), per the purl
//! specification (github.com/package-url/purl-spec, `PURL-SPECIFICATION.rst`).
//!
//! A [`Purl`] is built from parts (catalogers) or parsed (SBOM decoders); either way it is
//! normalised the way the spec says for the types assay produces, and it prints canonically:
//! components percent-encoded, qualifiers sorted by key, empty qualifier values dropped.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Why a string is not a package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PurlError {
    /// Missing `pkg:` scheme.
    #[error("package URL {0:?} does not start with pkg:")]
    Scheme(String),
    /// Missing or malformed type.
    #[error("package URL {0:?} has no valid type")]
    Type(String),
    /// Missing name.
    #[error("package URL {0:?} has no name")]
    Name(String),
    /// Bad percent-encoding.
    #[error("package URL {0:?} has invalid percent-encoding")]
    Encoding(String),
}

/// A package URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

impl Purl {
    /// A purl of `ty` (e.g. `npm`, `pypi`, `deb`) for `name`, normalised for its type.
    pub fn new(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
    ) -> Result<Self, PurlError> {
        let ty = ty.to_ascii_lowercase();
        if ty.is_empty()
            || !ty
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return Err(PurlError::Type(ty));
        }
        if name.is_empty() {
            return Err(PurlError::Name(format!("pkg:{ty}/")));
        }
        let mut p = Self {
            namespace: namespace
                .filter(|n| !n.is_empty())
                .map(|n| n.trim_matches('/').to_owned()),
            name: name.to_owned(),
            version: version.filter(|v| !v.is_empty()).map(str::to_owned),
            qualifiers: BTreeMap::new(),
            subpath: None,
            ty,
        };
        p.normalise();
        Ok(p)
    }

    /// Adds a qualifier (ignored when the value is empty).
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .insert(key.to_ascii_lowercase(), value.to_owned());
        }
        self
    }

    /// Type-specific rules from the purl spec's "Known purl types".
    fn normalise(&mut self) {
        let lower = matches!(
            self.ty.as_str(),
            "npm" | "pypi" | "deb" | "apk" | "github" | "bitbucket" | "composer" | "hex"
        );
        if self.ty == "pypi" {
            // PEP 503 name normalisation: runs of '-', '_', '.' become '-'.
            let mut out = String::with_capacity(self.name.len());
            for c in self.name.chars() {
                let sep = matches!(c, '-' | '_' | '.');
                if !(sep && out.ends_with('-')) {
                    out.push(if sep { '-' } else { c });
                }
            }
            self.name = out;
        }
        if lower && self.ty != "npm" {
            self.name = self.name.to_ascii_lowercase();
            self.namespace = self.namespace.take().map(|n| n.to_ascii_lowercase());
        }
        if self.ty == "npm" {
            // npm names are lowercase by registry rule, but scoped namespaces keep their '@'.
            self.name = self.name.to_ascii_lowercase();
        }
    }

    /// The type (`npm`, `deb`, ...).
    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// The namespace (`debian`, `@scope`, Maven group ...).
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The version.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// The qualifiers, sorted by key.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
}

/// Percent-encodes everything but the purl spec's unreserved characters (and `extra`).
fn encode(s: &str, extra: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || extra.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str, whole: &str) -> Result<String, PurlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let v = hex
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| PurlError::Encoding(whole.to_owned()))?;
            out.push(v);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PurlError::Encoding(whole.to_owned()))
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(ns) = &self.namespace {
            let parts: Vec<String> = ns.split('/').map(|p| encode(p, b"")).collect();
            write!(f, "{}/", parts.join("/"))?;
        }
        write!(f, "{}", encode(&self.name, b""))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", encode(v, b":"))?;
        }
        let q: Vec<String> = self
            .qualifiers
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v, b":/")))
            .collect();
        if !q.is_empty() {
            write!(f, "?{}", q.join("&"))?;
        }
        if let Some(s) = &self.subpath {
            write!(f, "#{}", encode(s, b"/"))?;
        }
        Ok(())
    }
}

impl FromStr for Purl {
    type Err = PurlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("pkg:")
            .ok_or_else(|| PurlError::Scheme(s.to_owned()))?;
        let rest = rest.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((r, sp)) => (
                r,
                Some(decode(sp.trim_matches('/'), s)?).filter(|x| !x.is_empty()),
            ),
            None => (rest, None),
        };
        let (rest, query) = rest
            .split_once('?')
            .map_or((rest, None), |(r, q)| (r, Some(q)));
        let (ty, path) = rest
            .split_once('/')
            .ok_or_else(|| PurlError::Type(s.to_owned()))?;
        let path = path.trim_end_matches('/');
        let (path, version) = match path.rsplit_once('@') {
            Some((p, v)) if !p.is_empty() && !p.ends_with('/') => (p, Some(decode(v, s)?)),
            _ => (path, None),
        };
        let (ns, name) = match path.rsplit_once('/') {
            Some((ns, name)) => {
                let parts: Result<Vec<String>, _> = ns
                    .split('/')
                    .filter(|p| !p.is_empty())
                    .map(|p| decode(p, s))
                    .collect();
                (Some(parts?.join("/")), decode(name, s)?)
            }
            None => (None, decode(path, s)?),
        };
        let mut purl = Purl::new(ty, ns.as_deref(), &name, version.as_deref())?;
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            if let Some((k, v)) = pair.split_once('=') {
                purl = purl.with_qualifier(k, &decode(v, s)?);
            }
        }
        purl.subpath = subpath;
        Ok(purl)
    }
}

impl serde::Serialize for Purl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Purl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises() {
        let cases = [
            ("pkg:npm/%40babel/core@7.0.0", "pkg:npm/%40babel/core@7.0.0"),
            ("pkg:npm/@babel/core@7.0.0", "pkg:npm/%40babel/core@7.0.0"),
            (
                "pkg:pypi/Django_Rest.Framework@3.0",
                "pkg:pypi/django-rest-framework@3.0",
            ),
            (
                "pkg:deb/debian/curl@7.88.1-10+deb12u5?arch=amd64&distro=debian-12",
                "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12",
            ),
            ("pkg:cargo/regex@1.5.4", "pkg:cargo/regex@1.5.4"),
            // As syft and packageurl-go write them: '+' encoded, an epoch's ':' kept.
            (
                "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1",
                "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1",
            ),
            (
                "pkg:deb/debian/bash@5.2.15-2%2Bb13?upstream=bash%405.2.15-2",
                "pkg:deb/debian/bash@5.2.15-2%2Bb13?upstream=bash%405.2.15-2",
            ),
            (
                "pkg:golang/github.com/gorilla/mux@v1.8.0",
                "pkg:golang/github.com/gorilla/mux@v1.8.0",
            ),
            (
                "pkg:maven/org.apache/commons-io@2.0?type=jar",
                "pkg:maven/org.apache/commons-io@2.0?type=jar",
            ),
            ("pkg:generic/x?q=", "pkg:generic/x"),
        ];
        for (input, want) in cases {
            let p: Purl = input.parse().unwrap();
            assert_eq!(p.to_string(), want, "{input}");
            assert_eq!(
                p.to_string().parse::<Purl>().unwrap(),
                p,
                "{input} round trip"
            );
        }
    }

    #[test]
    fn rejects_non_purls() {
        for bad in [
            "",
            "npm/x",
            "pkg:",
            "pkg:npm",
            "pkg:npm/",
            "pkg:np m/x",
            "pkg:npm/%zz",
        ] {
            assert!(bad.parse::<Purl>().is_err(), "{bad}");
        }
    }
}
