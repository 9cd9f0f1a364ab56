//! Installed Python distributions, read from their core metadata.
//!
//! Evidence (PyPA "Recording installed projects" and "Core metadata specifications"):
//!
//! - `<site>/<name>-<version>.dist-info/METADATA` (wheels, PEP 376/427);
//! - `<site>/<name>-<version>.egg-info/PKG-INFO` (setuptools eggs);
//! - `<site>/<name>-<version>.egg-info` as a single file (distutils, before setuptools).
//!
//! Directory names are matched by suffix, case-insensitively, as pip and syft do. The metadata
//! is RFC 822-style headers (multiple-use fields such as `Classifier` and `Requires-Dist`
//! repeat); the body after the first blank line is the description and is ignored.
//!
//! `Requires-Dist` entries (PEP 508) become `DEPENDS_ON` edges to distributions installed in
//! the same site directory, except those guarded by an `extra == ...` marker.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// Values of `License` longer than this are a whole license text, not a name.
const MAX_LICENSE_NAME: usize = 100;

/// Trove license classifiers (after `License :: ` and `OSI Approved :: `) that name one SPDX
/// license. Ambiguous ones (`BSD License`, `GNU General Public License (GPL)`) are kept as
/// `LicenseRef-` so nobody mistakes them for a specific version.
const CLASSIFIERS: &[(&str, &str)] = &[
    ("MIT License", "MIT"),
    ("MIT No Attribution License (MIT-0)", "MIT-0"),
    ("BSD License", "LicenseRef-BSD"),
    ("Apache Software License", "Apache-2.0"),
    ("ISC License (ISCL)", "ISC"),
    ("Python Software Foundation License", "PSF-2.0"),
    ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
    ("GNU General Public License (GPL)", "LicenseRef-GPL"),
    ("GNU General Public License v2 (GPLv2)", "GPL-2.0-only"),
    (
        "GNU General Public License v2 or later (GPLv2+)",
        "GPL-2.0-or-later",
    ),
    ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    (
        "GNU General Public License v3 or later (GPLv3+)",
        "GPL-3.0-or-later",
    ),
    (
        "GNU Library or Lesser General Public License (LGPL)",
        "LicenseRef-LGPL",
    ),
    (
        "GNU Lesser General Public License v2 (LGPLv2)",
        "LGPL-2.0-only",
    ),
    (
        "GNU Lesser General Public License v2 or later (LGPLv2+)",
        "LGPL-2.0-or-later",
    ),
    (
        "GNU Lesser General Public License v3 (LGPLv3)",
        "LGPL-3.0-only",
    ),
    (
        "GNU Lesser General Public License v3 or later (LGPLv3+)",
        "LGPL-3.0-or-later",
    ),
    ("GNU Affero General Public License v3", "AGPL-3.0-only"),
    (
        "GNU Affero General Public License v3 or later (AGPLv3+)",
        "AGPL-3.0-or-later",
    ),
    ("The Unlicense (Unlicense)", "Unlicense"),
    ("Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"),
    (
        "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
        "CC0-1.0",
    ),
];

/// The installed-Python cataloger.
#[derive(Debug, Clone, Copy)]
pub struct PythonCataloger;

/// Which of the three metadata layouts a wanted file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `*.dist-info/METADATA` or `*.egg-info/PKG-INFO`: the site directory is two levels up.
    InfoDir,
    /// A single-file `*.egg-info`: the site directory is its parent.
    EggFile,
}

fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.get(s.len() - suffix.len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

/// The layout of the file at `path`, if it is metadata.
fn layout(path: &str) -> Option<Layout> {
    let mut parts = path.rsplit('/');
    let name = parts.next()?;
    let parent = parts.next().unwrap_or_default();
    match name {
        "METADATA" if ends_with_ci(parent, "dist-info") => Some(Layout::InfoDir),
        "PKG-INFO" if ends_with_ci(parent, "egg-info") => Some(Layout::InfoDir),
        n if ends_with_ci(n, ".egg-info") => Some(Layout::EggFile),
        _ => None,
    }
}

/// PEP 503 name normalisation: lowercase, runs of `-`, `_` and `.` become one `-`.
fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let sep = matches!(c, '-' | '_' | '.');
        if !(sep && out.ends_with('-')) {
            out.push(if sep { '-' } else { c.to_ascii_lowercase() });
        }
    }
    out
}

/// A package found, with what is needed to relate it to its neighbours.
struct Dist {
    package: Package,
    site: String,
    requires: Vec<String>,
}

impl Cataloger for PythonCataloger {
    fn name(&self) -> &'static str {
        "python-installed-package-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        layout(path.as_str()).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let dists: Vec<Dist> = files
            .iter()
            .filter_map(|entry| self.dist(tree, entry, out))
            .collect();
        relate(&dists, out);
        out.packages.extend(dists.into_iter().map(|d| d.package));
    }
}

impl PythonCataloger {
    /// Reads one metadata file into a distribution, warning when it cannot.
    fn dist(&self, tree: &dyn FileTree, entry: &TreeEntry, out: &mut Found) -> Option<Dist> {
        let layout = layout(entry.path.as_str())?;
        let text = self.text(tree, entry, out)?;
        let meta = Metadata::parse(&text);
        let Some(name) = meta.get("name") else {
            let msg = "no Name field (required by the core metadata specification)";
            out.warn(self.name(), &entry.path, msg);
            return None;
        };
        // CPython's own installer writes `Python-X.Y.egg-info` for the interpreter itself;
        // it is not a distribution from PyPI.
        if layout == Layout::EggFile && name.eq_ignore_ascii_case("python") {
            return None;
        }
        let version = meta.get("version").unwrap_or_default();
        let purl = match Purl::new("pypi", None, name, Some(version)) {
            Ok(p) => p,
            Err(e) => {
                out.warn(self.name(), &entry.path, e.to_string());
                return None;
            }
        };
        let location = Location::new(&entry.path, entry.layer.as_ref());
        // The package name is the PEP 503 normalised project name (as the purl has it, and as
        // syft and the vulnerability databases name projects); the METADATA spelling is kept
        // in metadata["name"].
        let normalised = purl.name().to_owned();
        let mut p = Package::new(
            PackageKind::Python,
            &normalised,
            version,
            purl,
            location,
            self.name(),
        );
        p.license = license(&meta);
        p.supplier = supplier(&meta);
        p.homepage = homepage(&meta);
        p.download_location = Some(download_location(&p.purl));
        p.metadata.insert("name".to_owned(), name.to_owned());
        Some(Dist {
            site: site_dir(&entry.path, layout),
            requires: meta
                .all("requires-dist")
                .filter_map(required_name)
                .collect(),
            package: p,
        })
    }

    /// The file as text: binary content is refused, invalid UTF-8 is read lossily with a
    /// warning (the core metadata specification requires UTF-8).
    fn text(&self, tree: &dyn FileTree, entry: &TreeEntry, out: &mut Found) -> Option<String> {
        let bytes = match read(tree, entry) {
            Ok(b) => b,
            Err(e) => {
                out.warn(self.name(), &entry.path, e);
                return None;
            }
        };
        if bytes.contains(&0) {
            let msg = "binary data (a NUL byte), not core metadata";
            out.warn(self.name(), &entry.path, msg);
            return None;
        }
        match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(e) => {
                let msg = "not valid UTF-8 (core metadata must be UTF-8); read lossily";
                out.warn(self.name(), &entry.path, msg);
                Some(String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        }
    }
}

/// The directory the distribution is installed in (`.../site-packages`).
fn site_dir(path: &TreePath, layout: Layout) -> String {
    let parent = path.parent().unwrap_or_default();
    let site = match layout {
        Layout::InfoDir => parent.parent().unwrap_or_default(),
        Layout::EggFile => parent,
    };
    site.to_string()
}

/// Edges from each distribution to the requirements installed beside it.
fn relate(dists: &[Dist], out: &mut Found) {
    let mut index: BTreeMap<(&str, &str), Vec<&PackageId>> = BTreeMap::new();
    for d in dists {
        let key = (d.site.as_str(), d.package.purl.name());
        index.entry(key).or_default().push(&d.package.id);
    }
    for d in dists {
        for req in &d.requires {
            let key = (d.site.as_str(), req.as_str());
            for to in index.get(&key).into_iter().flatten() {
                out.depends(&d.package.id, to);
            }
        }
    }
}

/// The normalised name a `Requires-Dist` value (PEP 508) requires, unless an `extra` marker
/// guards it: `requests (>=2) ; extra == "http"` is only needed with that extra.
fn required_name(spec: &str) -> Option<String> {
    let (req, marker) = spec.split_once(';').unwrap_or((spec, ""));
    let marker: String = marker.split_whitespace().collect();
    if marker.contains("extra==") {
        return None;
    }
    let req = req.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
        .unwrap_or(req.len());
    let name = req.get(..end).filter(|n| !n.is_empty())?;
    Some(normalize_name(name))
}

/// `License-Expression` (PEP 639), else a short `License`, else the license classifiers.
fn license(meta: &Metadata) -> Option<String> {
    if let Some(expr) = meta
        .get("license-expression")
        .and_then(crate::license::normalize)
    {
        return Some(expr);
    }
    let short = meta
        .get("license")
        .filter(|l| l.len() <= MAX_LICENSE_NAME && !l.contains('\n'));
    short
        .and_then(crate::license::normalize)
        .or_else(|| classifier_license(meta))
}

/// SPDX ids from trove `License ::` classifiers; several mean a choice (`A OR B`).
fn classifier_license(meta: &Metadata) -> Option<String> {
    let mut ids: Vec<&str> = meta
        .all("classifier")
        .filter_map(|c| c.strip_prefix("License ::"))
        .map(|c| c.trim_start())
        .map(|c| c.strip_prefix("OSI Approved ::").map_or(c, str::trim_start))
        .filter_map(|c| CLASSIFIERS.iter().find(|(k, _)| *k == c.trim()))
        .map(|(_, id)| *id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    (!ids.is_empty()).then(|| ids.join(" OR "))
}

/// `Author` with `Author-email`, else `Maintainer` with `Maintainer-email`, else an
/// `Author-email`/`Maintainer-email` of the form `Name <mail>` on its own.
fn supplier(meta: &Metadata) -> Option<Party> {
    let named = |who: &str, mail: &str| {
        let name = meta.get(who)?;
        let email = meta.get(mail).map(first_address);
        Party::person_from(&match email {
            Some(e) if !e.is_empty() => format!("{name} <{e}>"),
            _ => name.to_owned(),
        })
    };
    let bare = |mail: &str| Party::person_from(first_entry(meta.get(mail)?));
    named("author", "author-email")
        .or_else(|| named("maintainer", "maintainer-email"))
        .or_else(|| bare("author-email"))
        .or_else(|| bare("maintainer-email"))
}

/// The first of a comma-separated list of addresses (`A <a@x>, B <b@x>`).
fn first_entry(list: &str) -> &str {
    list.split(',').next().unwrap_or(list).trim()
}

/// The bare address of the first entry: `A <a@x>, B` → `a@x`.
fn first_address(list: &str) -> &str {
    let first = first_entry(list);
    match (first.find('<'), first.rfind('>')) {
        (Some(a), Some(b)) if a < b => first.get(a + 1..b).unwrap_or(first).trim(),
        _ => first,
    }
}

/// `Home-page`, else a `Project-URL` labelled `Homepage` (labels compare as PEP 753
/// normalises them: lowercase, punctuation and spaces removed).
fn homepage(meta: &Metadata) -> Option<String> {
    meta.get("home-page")
        .or_else(|| {
            meta.all("project-url").find_map(|v| {
                let (label, url) = v.split_once(',')?;
                let label: String = label
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect();
                (label == "homepage").then(|| url.trim())
            })
        })
        .map(str::to_owned)
}

/// The PyPI page of the release (of the project, when the version is unknown).
fn download_location(purl: &Purl) -> String {
    match purl.version() {
        Some(v) => format!("https://pypi.org/project/{}/{v}/", purl.name()),
        None => format!("https://pypi.org/project/{}/", purl.name()),
    }
}

/// Core metadata headers, in order, names lowercased.
struct Metadata(Vec<(String, String)>);

impl Metadata {
    /// Parses the header block: `Name: value` lines, continuation lines start with white
    /// space, and it ends at the first empty line or, as Python's `email` parser does, at the
    /// first line that is neither.
    fn parse(text: &str) -> Self {
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in text.trim_start_matches('\u{feff}').lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = headers.last_mut() {
                    v.push('\n');
                    v.push_str(line.trim());
                }
                continue;
            }
            let Some((k, v)) = line.split_once(':').filter(|(k, _)| is_header_name(k)) else {
                break;
            };
            headers.push((k.to_ascii_lowercase(), v.trim().to_owned()));
        }
        Self(headers)
    }

    /// Every non-empty value of `key`. setuptools writes `UNKNOWN` for missing fields.
    fn all<'m>(&'m self, key: &'m str) -> impl Iterator<Item = &'m str> + 'm {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty() && *v != "UNKNOWN")
    }

    /// The first non-empty value of `key`.
    fn get<'m>(&'m self, key: &'m str) -> Option<&'m str> {
        self.all(key).next()
    }
}

/// RFC 822 field names: printable ASCII other than space and colon.
fn is_header_name(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let l = |p| layout(p);
        assert_eq!(l("x/a-1.dist-info/METADATA"), Some(Layout::InfoDir));
        assert_eq!(l("x/DIST-INFO/METADATA"), Some(Layout::InfoDir));
        assert_eq!(l("x/a.egg-info/PKG-INFO"), Some(Layout::InfoDir));
        assert_eq!(l("x/a-1.egg-info"), Some(Layout::EggFile));
        assert_eq!(l("METADATA"), None);
        assert_eq!(l("x/a.egg-info/PKG-INFO-INVALID"), None);
        assert_eq!(l("x/a-1.dist-info/RECORD"), None);
    }

    #[test]
    fn requirements() {
        let r = |s| required_name(s);
        assert_eq!(r("Foo.Bar_baz (>=1)").as_deref(), Some("foo-bar-baz"));
        assert_eq!(
            r("idna>=2.0.0; python_version<'3'").as_deref(),
            Some("idna")
        );
        assert_eq!(r("lxml ; extra == 'lxml'"), None);
        assert_eq!(r("x; (a == 'b') and extra=='y'"), None);
        assert_eq!(r("pkg @ https://x/y.whl").as_deref(), Some("pkg"));
        assert_eq!(r(""), None);
    }

    #[test]
    fn headers_end_at_body_and_fold_continuations() {
        let m = Metadata::parse(
            "Name: a\nLicense: line one\n  line two\nClassifier: x\nClassifier: y\n\nName: body\n",
        );
        assert_eq!(m.get("name"), Some("a"));
        assert_eq!(m.get("license"), Some("line one\nline two"));
        assert_eq!(m.all("classifier").count(), 2);
        assert_eq!(license(&m), None);
        assert_eq!(Metadata::parse("").0.len(), 0);
        assert_eq!(Metadata::parse("\u{feff}Name: b\n").get("name"), Some("b"));
    }

    #[test]
    fn classifiers_map_to_spdx() {
        let m = Metadata::parse(
            "Classifier: License :: OSI Approved :: MIT License\n\
             Classifier: License :: OSI Approved :: Apache Software License\n\
             Classifier: License :: Other/Proprietary License\n",
        );
        assert_eq!(license(&m).as_deref(), Some("Apache-2.0 OR MIT"));
    }

    #[test]
    fn suppliers() {
        let s = |t: &str| supplier(&Metadata::parse(t));
        let person = |n: &str, e: Option<&str>| Party::Person {
            name: n.to_owned(),
            email: e.map(str::to_owned),
        };
        assert_eq!(
            s("Author: A\nAuthor-email: a@x\n"),
            Some(person("A", Some("a@x")))
        );
        assert_eq!(
            s("Author: UNKNOWN\nMaintainer: M\nMaintainer-email: M <m@x>, N <n@x>\n"),
            Some(person("M", Some("m@x")))
        );
        assert_eq!(
            s("Author-email: \"Jane Doe\" <j@x>\n"),
            Some(person("Jane Doe", Some("j@x")))
        );
        assert_eq!(s("Name: x\n"), None);
    }
}
