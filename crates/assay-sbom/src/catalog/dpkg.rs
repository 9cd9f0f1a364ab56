//! Debian packages, read from the dpkg database.
//!
//! Evidence, all in the deb822 format of Debian Policy §5.1 unless noted:
//!
//! - `/var/lib/dpkg/status`: one paragraph per package dpkg knows; only those whose `Status`
//!   ends in `installed` are packages (a `deinstall ok config-files` paragraph left behind by
//!   `apt remove` is not).
//! - `/var/lib/dpkg/status.d/<name>`: distroless images write one paragraph file per package,
//!   often without `Status`; every paragraph there counts as installed. `<name>.md5sums` beside
//!   it lists the package's files.
//! - `/var/lib/opkg/status`: opkg (OpenWrt, Yocto) keeps the same format; its `License` field
//!   is used directly.
//! - `/var/lib/dpkg/info/<name>[:<arch>].list` (absolute paths) and `.md5sums` (`<md5>  <path>`,
//!   relative): the files each package owns, reported in [`Found::owned_files`] so the driver
//!   can drop language packages that are really part of an OS package.
//! - `/usr/share/doc/<name>/copyright`: licenses, when the file is machine-readable (DEP-5,
//!   "Machine-readable debian/copyright file", version 1.0).
//!
//! `Depends` and `Pre-Depends` (Debian Policy §7.1) become `DEPENDS_ON` edges to every installed
//! alternative, resolving virtual packages through `Provides` (§7.5).

use std::collections::{BTreeMap, BTreeSet};

use assay_core::{EntryKind, FileTree, Purl, PurlError, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read, read_text};
use crate::model::{Distro, Location, Package, PackageId, PackageKind, Party};

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const OPKG_STATUS: &str = "var/lib/opkg/status";
const INFO: &str = "var/lib/dpkg/info/";
const DOC: &str = "usr/share/doc/";

/// Files dpkg keeps beside a package's paragraph (`dpkg-deb(1)` control members); in
/// `status.d/` they are not paragraphs.
const CONTROL_SUFFIXES: &[&str] = &[
    ".md5sums",
    ".conffiles",
    ".list",
    ".preinst",
    ".postinst",
    ".prerm",
    ".postrm",
    ".config",
    ".templates",
    ".triggers",
    ".shlibs",
    ".symbols",
];

/// The dpkg cataloger.
#[derive(Debug, Clone, Copy)]
pub struct DpkgCataloger;

/// What one wanted file is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence<'p> {
    /// A package database of the given kind.
    Db(DbKind),
    /// `info/<stem>.list`: absolute paths.
    List(&'p str),
    /// `info/<stem>.md5sums` or `status.d/<stem>.md5sums`: `<md5>  <relative path>`.
    Md5sums(&'p str),
    /// `usr/share/doc/<name>/copyright`.
    Copyright(&'p str),
}

/// Which database a paragraph came from; it decides what a missing `Status` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbKind {
    Status,
    StatusD,
    Opkg,
}

/// Sorts a tree path into the evidence it is, if any.
fn classify(path: &str) -> Option<Evidence<'_>> {
    if path == STATUS {
        return Some(Evidence::Db(DbKind::Status));
    }
    if path == OPKG_STATUS {
        return Some(Evidence::Db(DbKind::Opkg));
    }
    if let Some(name) = direct_child(path, STATUS_D) {
        return Some(match name.strip_suffix(".md5sums") {
            Some(stem) => Evidence::Md5sums(stem),
            None if CONTROL_SUFFIXES.iter().any(|s| name.ends_with(s)) => return None,
            None => Evidence::Db(DbKind::StatusD),
        });
    }
    if let Some(name) = direct_child(path, INFO) {
        return name
            .strip_suffix(".list")
            .map(Evidence::List)
            .or_else(|| name.strip_suffix(".md5sums").map(Evidence::Md5sums));
    }
    let name = path.strip_prefix(DOC)?.strip_suffix("/copyright")?;
    (!name.is_empty() && !name.contains('/')).then_some(Evidence::Copyright(name))
}

/// The file name of `path` when it sits directly in `dir` (which ends in `/`).
fn direct_child<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    path.strip_prefix(dir)
        .filter(|n| !n.is_empty() && !n.contains('/'))
}

/// The package name an `info/` or `status.d/` file stem names (`libc6:amd64` → `libc6`).
fn stem_package(stem: &str) -> &str {
    stem.split_once(':').map_or(stem, |(name, _)| name)
}

/// The wanted files, sorted by what they are evidence of.
#[derive(Default)]
struct Evidences<'a> {
    dbs: Vec<(&'a TreeEntry, DbKind)>,
    owned: Vec<(&'a TreeEntry, &'a str, bool)>,
    copyrights: BTreeMap<&'a str, &'a TreeEntry>,
}

impl<'a> Evidences<'a> {
    fn sort(files: &[&'a TreeEntry]) -> Self {
        let mut ev = Self::default();
        for &entry in files {
            match classify(entry.path.as_str()) {
                Some(Evidence::Db(kind)) => ev.dbs.push((entry, kind)),
                Some(Evidence::List(stem)) => ev.owned.push((entry, stem_package(stem), false)),
                Some(Evidence::Md5sums(stem)) => ev.owned.push((entry, stem_package(stem), true)),
                Some(Evidence::Copyright(name)) => {
                    ev.copyrights.insert(name, entry);
                }
                None => {}
            }
        }
        ev
    }
}

impl Cataloger for DpkgCataloger {
    fn name(&self) -> &'static str {
        "dpkg-db-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        classify(path.as_str()).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], ctx: &Context, out: &mut Found) {
        let ev = Evidences::sort(files);
        let records: Vec<Record<'_>> = ev
            .dbs
            .iter()
            .flat_map(|&(entry, kind)| self.read_db(tree, entry, kind, out))
            .filter(Record::installed)
            .collect();
        let mut built = Vec::with_capacity(records.len());
        for r in &records {
            if let Some(p) = self.package(tree, r, &ev.copyrights, ctx, out) {
                built.push((r, p));
            }
        }
        relate(&built, out);
        let names: BTreeSet<&str> = records.iter().map(Record::name).collect();
        for &(entry, name, md5) in &ev.owned {
            if names.contains(name) {
                self.owned_files(tree, entry, md5, out);
            }
        }
        out.packages.extend(built.into_iter().map(|(_, p)| p));
    }
}

impl DpkgCataloger {
    /// Parses one database file into its named paragraphs, warning about what does not parse.
    fn read_db<'a>(
        &self,
        tree: &dyn FileTree,
        entry: &'a TreeEntry,
        kind: DbKind,
        out: &mut Found,
    ) -> Vec<Record<'a>> {
        let bytes = match read(tree, entry) {
            Ok(b) => b,
            Err(e) => {
                out.warn(self.name(), &entry.path, e);
                return Vec::new();
            }
        };
        if bytes.contains(&0) {
            let msg = "binary data (a NUL byte), not a dpkg database (deb822, Debian Policy §5.1)";
            out.warn(self.name(), &entry.path, msg);
            return Vec::new();
        }
        let parsed = deb822::parse(&String::from_utf8_lossy(&bytes));
        self.report_malformed(&parsed, entry, out);
        let (named, nameless): (Vec<_>, Vec<_>) = parsed
            .paragraphs
            .into_iter()
            .partition(|p| p.get("package").is_some_and(|n| !n.is_empty()));
        if !nameless.is_empty() {
            let msg = format!("{} paragraph(s) without a Package field", nameless.len());
            out.warn(self.name(), &entry.path, msg);
        }
        named
            .into_iter()
            .map(|fields| Record {
                entry,
                kind,
                fields,
            })
            .collect()
    }

    fn report_malformed(&self, parsed: &deb822::Parsed, entry: &TreeEntry, out: &mut Found) {
        if let Some(first) = parsed.first_bad_line {
            let msg = format!(
                "{} line(s) are neither `Field: value` nor a continuation (first: line {first}; \
                 Debian Policy §5.1); they were skipped",
                parsed.bad_lines
            );
            out.warn(self.name(), &entry.path, msg);
        }
    }

    /// Builds the package for an installed paragraph.
    fn package(
        &self,
        tree: &dyn FileTree,
        r: &Record<'_>,
        copyrights: &BTreeMap<&str, &TreeEntry>,
        ctx: &Context,
        out: &mut Found,
    ) -> Option<Package> {
        let purl = match r.purl(ctx.distro.as_ref()) {
            Ok(p) => p,
            Err(e) => {
                out.warn(self.name(), &r.entry.path, e.to_string());
                return None;
            }
        };
        let location = Location::new(&r.entry.path, r.entry.layer.as_ref());
        let mut p = Package::new(
            PackageKind::Deb,
            r.name(),
            r.version(),
            purl,
            location,
            self.name(),
        );
        p.supplier = r.get("maintainer").and_then(supplier);
        p.homepage = r.get("homepage").map(str::to_owned);
        p.license = match r.kind {
            DbKind::Opkg => r.get("license").and_then(crate::license::normalize),
            _ => self.copyright_license(tree, r.name(), copyrights, out),
        };
        p.metadata = r.metadata();
        Some(p)
    }

    /// The license expression from `usr/share/doc/<name>/copyright`, when it is DEP-5. The
    /// doc directory is often a symlink to another package's (`libgcc-s1 -> gcc-12-base`), so
    /// a name without a wanted file is looked up through the tree.
    fn copyright_license(
        &self,
        tree: &dyn FileTree,
        name: &str,
        copyrights: &BTreeMap<&str, &TreeEntry>,
        out: &mut Found,
    ) -> Option<String> {
        let entry = match copyrights.get(name) {
            Some(e) => *e,
            None => linked_copyright(tree, name)?,
        };
        match read_text(tree, entry) {
            Ok(text) => combine_licenses(dep5_licenses(&text)),
            Err(e) => {
                out.warn(self.name(), &entry.path, e);
                None
            }
        }
    }

    /// Adds the paths a `.list` (absolute) or `.md5sums` (relative) file names.
    fn owned_files(&self, tree: &dyn FileTree, entry: &TreeEntry, md5: bool, out: &mut Found) {
        let text = match read_text(tree, entry) {
            Ok(t) => t,
            Err(e) => return out.warn(self.name(), &entry.path, e),
        };
        let mut bad = 0usize;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let path = if md5 {
                line.split_once(char::is_whitespace)
                    .map(|(_, p)| p.trim_start())
            } else {
                Some(line)
            };
            match path.map(|p| p.trim_start_matches('/')) {
                Some(p) if !p.is_empty() => {
                    out.owned_files.insert(format!("/{p}"));
                }
                Some(_) if !md5 => {}
                _ => bad += 1,
            }
        }
        if bad > 0 {
            let msg = format!("{bad} line(s) are not `<md5sum>  <path>` (dpkg md5sums format)");
            out.warn(self.name(), &entry.path, msg);
        }
    }
}

/// `usr/share/doc/<name>/copyright` resolved through symlinks, if it is a regular file.
fn linked_copyright<'t>(tree: &'t dyn FileTree, name: &str) -> Option<&'t TreeEntry> {
    let path = TreePath::new(DOC)
        .ok()?
        .join_component(name)?
        .join_component("copyright")?;
    let entry = tree.entry(&tree.resolve(&path).ok()?)?;
    matches!(entry.kind, EntryKind::File { .. }).then_some(entry)
}

/// The maintainer as a party: mailing lists and teams are organisations, people are people.
fn supplier(maintainer: &str) -> Option<Party> {
    match Party::person_from(maintainer)? {
        Party::Person { name, email } if is_team(&name, email.as_deref()) => {
            Some(Party::Organization { name, email })
        }
        p => Some(p),
    }
}

fn is_team(name: &str, email: Option<&str>) -> bool {
    let list = email
        .and_then(|e| e.split_once('@'))
        .is_some_and(|(_, domain)| domain.starts_with("lists."));
    list || [" Team", " Maintainers", " Group"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// One paragraph of a database.
struct Record<'a> {
    entry: &'a TreeEntry,
    kind: DbKind,
    fields: deb822::Paragraph,
}

impl Record<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).filter(|v| !v.is_empty())
    }

    fn name(&self) -> &str {
        self.get("package").unwrap_or_default()
    }

    fn version(&self) -> &str {
        self.get("version").unwrap_or_default()
    }

    fn arch(&self) -> &str {
        self.get("architecture").unwrap_or_default()
    }

    /// dpkg's `Status: <want> <flag> <state>` (dpkg-query(1)); only state `installed` counts.
    /// A `status.d/` paragraph without `Status` is installed (distroless writes none).
    fn installed(&self) -> bool {
        match self.get("status") {
            Some(s) => s.split_whitespace().nth(2) == Some("installed"),
            None => self.kind == DbKind::StatusD,
        }
    }

    /// `Source: name` or `Source: name (version)` (Debian Policy §5.6.1).
    fn source(&self) -> Option<(&str, Option<&str>)> {
        let raw = self.get("source")?;
        Some(match raw.split_once('(') {
            Some((name, rest)) => (name.trim(), Some(rest.trim_end_matches(')').trim())),
            None => (raw.trim(), None),
        })
    }

    /// syft's `upstream` qualifier: the source package, `name@version` when its version
    /// differs from the binary's.
    fn upstream(&self) -> Option<String> {
        let (src, ver) = self.source()?;
        let ver = ver.filter(|v| !v.is_empty() && *v != self.version());
        match ver {
            Some(v) => Some(format!("{src}@{v}")),
            None => (src != self.name()).then(|| src.to_owned()),
        }
    }

    /// `pkg:deb/<distro>/<name>@<version>?arch=..&distro=..&upstream=..` (purl spec, `deb`
    /// type). opkg packages outside a known distro get no namespace rather than a wrong one.
    fn purl(&self, distro: Option<&Distro>) -> Result<Purl, PurlError> {
        let namespace = match (distro, self.kind) {
            (Some(d), _) => Some(d.id.as_str()),
            (None, DbKind::Opkg) => None,
            (None, _) => Some("debian"),
        };
        let distro_q = distro.map(super::os_release::purl_qualifier);
        Ok(
            Purl::new("deb", namespace, self.name(), Some(self.version()))?
                .with_qualifier("arch", self.arch())
                .with_qualifier("distro", distro_q.as_deref().unwrap_or_default())
                .with_qualifier("upstream", &self.upstream().unwrap_or_default()),
        )
    }

    fn metadata(&self) -> BTreeMap<String, String> {
        let (src, src_ver) = self.source().unwrap_or((self.name(), None));
        let src_ver = src_ver.filter(|v| !v.is_empty()).unwrap_or(self.version());
        [
            ("source", src),
            ("source_version", src_ver),
            ("arch", self.arch()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// Every alternative named in `Depends` and `Pre-Depends`.
    fn dependencies(&self) -> impl Iterator<Item = &str> {
        ["pre-depends", "depends"]
            .into_iter()
            .filter_map(|k| self.get(k))
            .flat_map(relation_names)
    }
}

/// The package names in a relationship field (Debian Policy §7.1): `a (>= 1) | b:any [amd64],
/// c <!nocheck>` → `a`, `b`, `c`. Versions, architecture qualifiers and restrictions go.
fn relation_names(field: &str) -> impl Iterator<Item = &str> {
    field.split([',', '|']).filter_map(|alt| {
        let alt = alt.trim();
        let end = alt
            .find(|c: char| c.is_whitespace() || "([<".contains(c))
            .unwrap_or(alt.len());
        let name = alt.get(..end)?;
        let name = name.split_once(':').map_or(name, |(n, _)| n);
        (!name.is_empty()).then_some(name)
    })
}

/// `DEPENDS_ON` edges to every installed alternative, real or providing a virtual package.
fn relate(built: &[(&Record<'_>, Package)], out: &mut Found) {
    let mut by_name: BTreeMap<&str, Vec<&PackageId>> = BTreeMap::new();
    for (r, p) in built {
        by_name.entry(r.name()).or_default().push(&p.id);
        for virt in r.get("provides").into_iter().flat_map(relation_names) {
            by_name.entry(virt).or_default().push(&p.id);
        }
    }
    for (r, p) in built {
        for dep in r.dependencies() {
            for to in by_name.get(dep).into_iter().flatten() {
                out.depends(&p.id, to);
            }
        }
    }
}

/// License short names in a machine-readable copyright file: the first line of every
/// `License` field (DEP-5 1.0, "License field"). Empty when the file is not DEP-5 (its first
/// paragraph has no `Format` field).
fn dep5_licenses(text: &str) -> BTreeSet<String> {
    let parsed = deb822::parse(text);
    let is_dep5 = parsed
        .paragraphs
        .first()
        .is_some_and(|h| h.get("format").is_some());
    if !is_dep5 {
        return BTreeSet::new();
    }
    parsed
        .paragraphs
        .iter()
        .filter_map(|p| p.get("license")?.lines().next())
        .filter_map(crate::license::normalize)
        .collect()
}

/// `A AND B` over distinct licenses, parenthesising compound ones.
fn combine_licenses(names: BTreeSet<String>) -> Option<String> {
    if names.len() <= 1 {
        return names.into_iter().next();
    }
    let parts: Vec<String> = names
        .into_iter()
        .map(|n| {
            if n.contains(char::is_whitespace) {
                format!("({n})")
            } else {
                n
            }
        })
        .collect();
    Some(parts.join(" AND "))
}

/// The deb822 control-file syntax (Debian Policy §5.1 "Syntax of control files"): paragraphs
/// of `Field: value` lines separated by blank lines; a line starting with a space or tab
/// continues the previous field; field names are case-insensitive.
mod deb822 {
    use std::collections::BTreeMap;

    /// One paragraph: field names lowercased, continuation lines joined with `\n`.
    #[derive(Debug, Default)]
    pub(super) struct Paragraph(BTreeMap<String, String>);

    impl Paragraph {
        /// The value of `key` (lowercase).
        pub(super) fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).map(String::as_str)
        }
    }

    /// A parsed file.
    #[derive(Debug, Default)]
    pub(super) struct Parsed {
        pub(super) paragraphs: Vec<Paragraph>,
        /// How many lines were neither a field nor a continuation.
        pub(super) bad_lines: usize,
        /// The first such line (1-based).
        pub(super) first_bad_line: Option<usize>,
    }

    /// Parses `text`; malformed lines are counted and skipped.
    pub(super) fn parse(text: &str) -> Parsed {
        let mut p = Parser::default();
        for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            p.line(i + 1, line);
        }
        p.finish_paragraph();
        p.out
    }

    #[derive(Default)]
    struct Parser {
        out: Parsed,
        current: Paragraph,
        last_key: Option<String>,
    }

    impl Parser {
        fn line(&mut self, n: usize, line: &str) {
            if line.trim().is_empty() {
                return self.finish_paragraph();
            }
            if line.starts_with([' ', '\t']) {
                return self.continuation(n, line.trim());
            }
            match line.split_once(':') {
                Some((k, v)) if is_field_name(k) => {
                    let k = k.to_ascii_lowercase();
                    self.current
                        .0
                        .entry(k.clone())
                        .or_insert_with(|| v.trim().to_owned());
                    self.last_key = Some(k);
                }
                _ if line.starts_with('#') => {}
                _ => self.bad(n),
            }
        }

        fn continuation(&mut self, n: usize, text: &str) {
            let value = self
                .last_key
                .as_ref()
                .and_then(|k| self.current.0.get_mut(k));
            match value {
                Some(v) => {
                    v.push('\n');
                    v.push_str(text);
                }
                None => self.bad(n),
            }
        }

        fn bad(&mut self, n: usize) {
            self.out.bad_lines += 1;
            self.out.first_bad_line.get_or_insert(n);
            self.last_key = None;
        }

        fn finish_paragraph(&mut self) {
            self.last_key = None;
            let p = std::mem::take(&mut self.current);
            if !p.0.is_empty() {
                self.out.paragraphs.push(p);
            }
        }
    }

    /// Field names are printable ASCII without spaces or colons, not starting with `#` or `-`.
    fn is_field_name(k: &str) -> bool {
        !k.is_empty()
            && !k.starts_with(['#', '-'])
            && k.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_evidence() {
        assert_eq!(classify(STATUS), Some(Evidence::Db(DbKind::Status)));
        assert_eq!(
            classify("var/lib/dpkg/status.d/base"),
            Some(Evidence::Db(DbKind::StatusD))
        );
        assert_eq!(
            classify("var/lib/dpkg/status.d/base.md5sums"),
            Some(Evidence::Md5sums("base"))
        );
        assert_eq!(classify("var/lib/dpkg/status.d/base.preinst"), None);
        assert_eq!(
            classify("var/lib/dpkg/info/libc6:amd64.list"),
            Some(Evidence::List("libc6:amd64"))
        );
        assert_eq!(classify("var/lib/dpkg/info/libc6.postinst"), None);
        assert_eq!(
            classify("usr/share/doc/apt/copyright"),
            Some(Evidence::Copyright("apt"))
        );
        assert_eq!(classify("usr/share/doc/apt/x/copyright"), None);
        assert_eq!(classify("var/lib/dpkg/status-old"), None);
    }

    #[test]
    fn relation_names_strip_versions_arches_and_restrictions() {
        let names: Vec<&str> =
            relation_names("a (>= 1.0), b:any | c [amd64],\n d <!nocheck>, e(<<2)").collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(relation_names("").count(), 0);
    }

    #[test]
    fn deb822_continuations_and_bad_lines() {
        let p = deb822::parse("A: 1\n b\n\tc\nnot a field\nB:2\n\n\n C: x\n#c\nD: y\n");
        assert_eq!(p.paragraphs.len(), 2);
        assert_eq!(p.paragraphs[0].get("a"), Some("1\nb\nc"));
        assert_eq!(p.paragraphs[0].get("b"), Some("2"));
        assert_eq!(p.paragraphs[1].get("d"), Some("y"));
        assert_eq!((p.bad_lines, p.first_bad_line), (2, Some(4)));
    }

    #[test]
    fn licenses_combine_sorted_and_parenthesised() {
        let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(combine_licenses(set(&[])), None);
        assert_eq!(combine_licenses(set(&["GPL-2"])).as_deref(), Some("GPL-2"));
        assert_eq!(
            combine_licenses(set(&["MIT", "GPL-2+ or Artistic", "MIT"])).as_deref(),
            Some("(GPL-2+ or Artistic) AND MIT")
        );
        assert!(dep5_licenses("This is not DEP-5.\nLicense: MIT\n").is_empty());
    }

    #[test]
    fn teams_are_organisations() {
        assert!(matches!(
            supplier("GNU Libc Maintainers <debian-glibc@lists.debian.org>"),
            Some(Party::Organization { .. })
        ));
        assert!(matches!(
            supplier("Michael Stone <mstone@debian.org>"),
            Some(Party::Person { .. })
        ));
        assert_eq!(supplier(" "), None);
    }
}
