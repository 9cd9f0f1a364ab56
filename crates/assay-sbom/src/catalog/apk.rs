//! Alpine packages (and those of other apk distributions: Wolfi, postmarketOS), read from apk's
//! installed database.
//!
//! The database is `lib/apk/db/installed` (apk-tools 3 may keep it in `usr/lib/apk/db/`), in
//! the "installed database" format of the Alpine wiki's `Apk_spec` page and apk-tools'
//! `src/database.c`: records separated by blank lines, each a run of `K:value` lines with a
//! one-character key. The keys read here:
//!
//! | key | meaning |
//! |-----|---------|
//! | `P` `V` `A` | name, version, architecture |
//! | `L` | license: an SPDX expression, or (older packages) a space-separated list |
//! | `m` `o` `U` | maintainer, origin (the source package), project URL |
//! | `C` | pull checksum of the package's control section (`Q1` + base64 SHA-1) |
//! | `c` | aports commit the package was built from |
//! | `D` | dependencies: names, `name<op>version`, `so:lib`, `cmd:tool`, paths; `!name` conflicts |
//! | `p` | what the package provides, in the same forms, as `D` resolves against |
//! | `F` `R` | a directory, then each file in it (`R` lines follow their `F`) |
//!
//! `D` entries become `DEPENDS_ON` edges to the package whose name or `p` provides them. `F`/`R`
//! pairs are the files the package owns, reported in [`Found::owned_files`].

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, PurlError, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read};
use crate::model::{Distro, Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "apk-db-cataloger";
/// The database, relative to the root it describes.
const DB: &str = "lib/apk/db/installed";
/// apk-tools 3's merged-`/usr` location of the same database.
const USR_DB: &str = "usr/lib/apk/db/installed";

/// The apk cataloger.
#[derive(Debug, Clone, Copy)]
pub struct ApkCataloger;

impl Cataloger for ApkCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        db_root(path.as_str()).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], ctx: &Context, out: &mut Found) {
        for entry in files {
            match read(tree, entry) {
                Ok(bytes) if bytes.contains(&0) => out.warn(
                    NAME,
                    &entry.path,
                    "binary data (a NUL byte), not an apk installed database",
                ),
                Ok(bytes) => catalog_db(&String::from_utf8_lossy(&bytes), entry, ctx, out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// The root directory (empty, or ending in `/`) that the database at `path` describes, when
/// `path` is an installed database. Syft finds `**/lib/apk/db/installed` anywhere.
fn db_root(path: &str) -> Option<&str> {
    let root = if path == DB || path == USR_DB {
        ""
    } else if let Some(root) = path.strip_suffix(USR_DB).filter(|r| r.ends_with('/')) {
        root
    } else {
        path.strip_suffix(DB).filter(|r| r.ends_with('/'))?
    };
    Some(root)
}

/// One record of the database.
#[derive(Debug, Default)]
struct Record<'a> {
    name: &'a str,
    version: &'a str,
    arch: &'a str,
    license: Option<&'a str>,
    maintainer: Option<&'a str>,
    origin: Option<&'a str>,
    url: Option<&'a str>,
    checksum: Option<&'a str>,
    commit: Option<&'a str>,
    depends: Vec<&'a str>,
    provides: Vec<&'a str>,
    /// Owned files, relative to the database's root (`usr/bin/iconv`).
    files: Vec<String>,
}

impl<'a> Record<'a> {
    /// Reads one record's lines (`first` is the first one's number). Lines that are not
    /// `K:value` fields are skipped; their numbers are returned.
    fn parse(lines: &[&'a str], first: usize) -> (Self, Vec<usize>) {
        let mut r = Record::default();
        let mut bad = Vec::new();
        let mut dir = "";
        for (i, text) in lines.iter().enumerate() {
            match field(text) {
                Some(('F', value)) => dir = value.trim().trim_matches('/'),
                Some(('R', value)) if dir.is_empty() => r.files.push(value.trim().to_owned()),
                Some(('R', value)) => r.files.push(format!("{dir}/{}", value.trim())),
                Some((key, value)) => r.set(key, value),
                None => bad.push(first + i),
            }
        }
        (r, bad)
    }

    fn set(&mut self, key: char, value: &'a str) {
        let value = value.trim();
        let some = Some(value).filter(|v| !v.is_empty());
        match key {
            'P' => self.name = value,
            'V' => self.version = value,
            'A' => self.arch = value,
            'L' => self.license = some,
            'm' => self.maintainer = some,
            'o' => self.origin = some,
            'U' => self.url = some,
            'C' => self.checksum = some,
            'c' => self.commit = some,
            'D' => self.depends.extend(value.split_whitespace()),
            'p' => self.provides.extend(value.split_whitespace()),
            _ => {}
        }
    }

    /// `pkg:apk/<distro id>/<name>@<version>?arch=..&distro=..&upstream=..` (purl spec, `apk`
    /// type; `upstream` as syft writes it, only when the origin differs from the name).
    fn purl(&self, distro: Option<&Distro>) -> Result<Purl, PurlError> {
        let namespace = distro.map_or("alpine", |d| d.id.as_str());
        let distro_q = distro.map(super::os_release::purl_qualifier);
        let upstream = self.origin.filter(|o| *o != self.name).unwrap_or_default();
        Ok(
            Purl::new("apk", Some(namespace), self.name, Some(self.version))?
                .with_qualifier("arch", self.arch)
                .with_qualifier("distro", distro_q.as_deref().unwrap_or_default())
                .with_qualifier("upstream", upstream),
        )
    }

    fn metadata(&self) -> BTreeMap<String, String> {
        [
            ("source", self.origin.unwrap_or(self.name)),
            ("source_version", self.version),
            ("arch", self.arch),
            ("pull_checksum", self.checksum.unwrap_or_default()),
            ("commit", self.commit.unwrap_or_default()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

/// `K:value` with a one-character key.
fn field(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let key = chars.next().filter(|c| c.is_ascii_alphanumeric())?;
    let value = chars.as_str().strip_prefix(':')?;
    Some((key, value))
}

/// At most 60 characters of `text`, for messages.
fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Splits the database into records: (first line number, lines).
fn records(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            out.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| (i + 1, Vec::new()))
                .1
                .push(line);
        }
    }
    out.extend(current);
    out
}

fn catalog_db(text: &str, entry: &TreeEntry, ctx: &Context, out: &mut Found) {
    let root = db_root(entry.path.as_str()).unwrap_or_default();
    let parsed = parse_db(text, entry, out);
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut built: Vec<(&Record<'_>, PackageId)> = Vec::with_capacity(parsed.len());
    for r in &parsed {
        match package(r, &location, ctx.distro.as_ref()) {
            Ok(p) => {
                built.push((r, p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => out.warn(NAME, &entry.path, format!("{}: {e}", r.name)),
        }
        for f in &r.files {
            out.owned_files.insert(format!("/{root}{f}"));
        }
    }
    relate(&built, out);
}

/// The database's named records, warning about lines and records that are not in its format.
fn parse_db<'t>(text: &'t str, entry: &TreeEntry, out: &mut Found) -> Vec<Record<'t>> {
    let mut parsed = Vec::new();
    for (first, lines) in records(text) {
        let (r, bad) = Record::parse(&lines, first);
        if let Some(&line) = bad.first() {
            let text = lines.get(line - first).copied().unwrap_or_default();
            let msg = format!(
                "record at line {first}: {} line(s) are not `K:value` fields (first: line {line}, \
                 {:?}); they were skipped",
                bad.len(),
                truncate(text)
            );
            out.warn(NAME, &entry.path, msg);
        }
        if r.name.is_empty() {
            let msg = format!("record at line {first} has no package name (P:); it was skipped");
            out.warn(NAME, &entry.path, msg);
        } else {
            parsed.push(r);
        }
    }
    parsed
}

fn package(
    r: &Record<'_>,
    location: &Location,
    distro: Option<&Distro>,
) -> Result<Package, String> {
    let purl = r.purl(distro).map_err(|e| e.to_string())?;
    let mut p = Package::new(
        PackageKind::Apk,
        r.name,
        r.version,
        purl,
        location.clone(),
        NAME,
    );
    p.license = r.license.and_then(license);
    p.supplier = r
        .maintainer
        .and_then(Party::person_from)
        .or_else(|| default_supplier(distro));
    p.homepage = r.url.map(str::to_owned);
    p.metadata = r.metadata();
    Ok(p)
}

/// The distribution itself supplies packages whose record names no maintainer.
fn default_supplier(distro: Option<&Distro>) -> Option<Party> {
    let name = match distro {
        None => "Alpine Linux".to_owned(),
        Some(d) if d.id == "alpine" => "Alpine Linux".to_owned(),
        Some(d) => d.pretty_name.clone().unwrap_or_else(|| d.id.clone()),
    };
    Some(Party::Organization { name, email: None })
}

/// The `L:` field as an SPDX expression. Current packages write an expression; older ones a
/// space-separated list (`MIT BSD GPL2+`), read as all of them applying.
fn license(raw: &str) -> Option<String> {
    let whole = crate::license::normalize(raw)?;
    let operators = raw
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .any(|t| ["AND", "OR", "WITH"].contains(&t.to_ascii_uppercase().as_str()));
    if crate::license::license_refs(&whole).next().is_none()
        || operators
        || !raw.trim().contains(char::is_whitespace)
    {
        return Some(whole);
    }
    let parts: Vec<String> = raw
        .split_whitespace()
        .filter_map(crate::license::normalize)
        .collect();
    Some(parts.join(" AND "))
}

/// `DEPENDS_ON` from each package to the packages that satisfy its `D:` entries, directly by
/// name or through another package's `p:` provides.
fn relate(built: &[(&Record<'_>, PackageId)], out: &mut Found) {
    let mut providers: BTreeMap<&str, &PackageId> = BTreeMap::new();
    for (r, id) in built {
        for p in &r.provides {
            providers.entry(dependency_name(p)).or_insert(id);
        }
    }
    for (r, id) in built {
        providers.insert(r.name, id);
    }
    for (r, from) in built {
        for d in r.depends.iter().filter(|d| !d.starts_with('!')) {
            if let Some(to) = providers.get(dependency_name(d)) {
                out.depends(from, to);
            }
        }
    }
}

/// The name in a dependency or provides entry: `so:libc.musl-x86_64.so.1=1` →
/// `so:libc.musl-x86_64.so.1`, `busybox>=1.36` → `busybox` (apk-world(5) constraint operators
/// `=`, `<`, `>`, `~`).
fn dependency_name(entry: &str) -> &str {
    entry.split(['=', '<', '>', '~']).next().unwrap_or(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_database_under_any_root() {
        assert_eq!(db_root("lib/apk/db/installed"), Some(""));
        assert_eq!(db_root("usr/lib/apk/db/installed"), Some(""));
        assert_eq!(db_root("pkgs/lib/apk/db/installed"), Some("pkgs/"));
        assert_eq!(db_root("x/usr/lib/apk/db/installed"), Some("x/"));
        assert_eq!(db_root("xlib/apk/db/installed"), None);
        assert_eq!(db_root("lib/apk/db/installed.old"), None);
    }

    #[test]
    fn reads_old_license_lists_and_expressions() {
        assert_eq!(license("MIT").as_deref(), Some("MIT"));
        assert_eq!(
            license("MIT AND BSD-3-Clause").as_deref(),
            Some("MIT AND BSD-3-Clause")
        );
        assert_eq!(
            license("MIT GPL-2.0-or-later").as_deref(),
            Some("MIT AND GPL-2.0-or-later")
        );
        assert_eq!(license("").as_deref(), None);
    }

    #[test]
    fn dependency_names_drop_constraints() {
        assert_eq!(
            dependency_name("so:libc.musl-x86_64.so.1=1"),
            "so:libc.musl-x86_64.so.1"
        );
        assert_eq!(dependency_name("busybox>=1.36.1-r15"), "busybox");
        assert_eq!(dependency_name("/bin/sh"), "/bin/sh");
        assert_eq!(dependency_name("a~1.2"), "a");
    }
}
