//! JAR-family archives (`java-archive-cataloger`), opened as ZIP files (JAR File
//! Specification: a JAR is a ZIP archive with an optional `META-INF` directory).
//!
//! Each archive is read into memory (within the evidence-size cap) and its `META-INF` metadata
//! is handed to [`super::identity`]. Archives inside it (`WEB-INF/lib/*.jar`,
//! `BOOT-INF/lib/*.jar`, `lib/*.jar`, ...) are opened in turn. Every package is located at the
//! file in the tree; a nested one records where inside it lives as metadata `virtual_path`
//! (`/app.war:WEB-INF/lib/lib.jar`). The archive's own package `DependsOn` the packages shaded
//! into it and the own packages of its nested archives.
//!
//! Limits keep hostile archives (zip bombs, deep nesting) from exhausting memory: at most
//! [`MAX_EXPANDED_BYTES`] are decompressed per file in the tree, nesting stops at
//! [`MAX_DEPTH`], and at most [`MAX_ARCHIVES`] archives are opened per file. Hitting a limit is
//! a warning; what was found until then is still reported.

use std::io::{Cursor, Read};

use assay_core::{FileTree, TreeEntry, TreePath};
use sha2::{Digest as _, Sha256};
use zip::ZipArchive;

use super::identity::{self, Contents, PomProperties};
use super::manifest::Manifest;
use super::pom_xml::{self, MAX_POM_BYTES};
use super::{ARCHIVE, is_archive_name};
use crate::catalog::{Found, MAX_EVIDENCE_BYTES, read};
use crate::model::{Location, PackageId};

/// Bytes decompressed, at most, per archive file in the tree (nested archives included).
pub(super) const MAX_EXPANDED_BYTES: u64 = 512 << 20;
/// Nesting levels opened below the archive in the tree.
pub(super) const MAX_DEPTH: usize = 4;
/// Archives opened, at most, per archive file in the tree.
pub(super) const MAX_ARCHIVES: usize = 10_000;
/// Largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;
/// Largest `pom.properties` read.
const MAX_PROPERTIES_BYTES: u64 = 64 << 10;

type Zip<'b> = ZipArchive<Cursor<&'b [u8]>>;

/// Catalogs one archive file; a `wrapper` (`.zip`) names no package itself, only the archives
/// it holds do.
pub(super) fn catalog(tree: &dyn FileTree, entry: &TreeEntry, wrapper: bool, out: &mut Found) {
    let bytes = match read(tree, entry) {
        Ok(b) => b,
        Err(e) => return out.warn(ARCHIVE, &entry.path, e),
    };
    let mut walk = Walk {
        path: &entry.path,
        location: Location::new(&entry.path, entry.layer.as_ref()),
        budget: MAX_EXPANDED_BYTES,
        archives: 0,
        out,
        exhausted: false,
        warned: Vec::new(),
    };
    walk.archive(&bytes, &entry.path.to_string(), 0, wrapper);
}

/// Why an entry was not read.
#[derive(Debug)]
enum Skip {
    /// A limit was reached; already warned about.
    Limit,
    /// The entry is larger than its cap.
    TooLarge(u64),
    /// The ZIP library refused it.
    Zip(String),
}

/// The entries of one archive worth reading, by index.
#[derive(Debug, Default)]
struct Listing {
    manifest: Option<usize>,
    /// `(directory, index)` of each `META-INF/maven/**/pom.properties`.
    properties: Vec<(String, usize)>,
    /// `(directory, index)` of each `META-INF/maven/**/pom.xml`.
    poms: Vec<(String, usize)>,
    /// `(name, index)` of each nested archive.
    nested: Vec<(String, usize)>,
}

impl Listing {
    fn of(zip: &Zip<'_>) -> Self {
        let mut listing = Self::default();
        for i in 0..zip.len() {
            let Some(raw) = zip.name_for_index(i) else {
                continue;
            };
            let name = raw.trim_start_matches("./").trim_start_matches('/');
            if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                listing.manifest.get_or_insert(i);
            } else if let Some(dir) = maven_dir(name, "/pom.properties") {
                listing.properties.push((dir.to_owned(), i));
            } else if let Some(dir) = maven_dir(name, "/pom.xml") {
                listing.poms.push((dir.to_owned(), i));
            } else if is_archive_name(name) {
                listing.nested.push((name.to_owned(), i));
            }
        }
        listing
    }
}

/// `META-INF/maven/<group>/<artifact>` for `META-INF/maven/<group>/<artifact><file>`.
fn maven_dir<'n>(name: &'n str, file: &str) -> Option<&'n str> {
    let dir = name.strip_suffix(file)?;
    dir.strip_prefix("META-INF/maven/")
        .filter(|rest| !rest.is_empty())
        .map(|_| dir)
}

/// One walk through an archive file in the tree and everything nested in it.
struct Walk<'w> {
    path: &'w TreePath,
    location: Location,
    /// Bytes that may still be decompressed.
    budget: u64,
    /// Archives opened so far.
    archives: usize,
    out: &'w mut Found,
    /// Set when the expansion budget ran out: nothing more is decompressed.
    exhausted: bool,
    /// The limits already warned about (each is warned about once).
    warned: Vec<&'static str>,
}

impl Walk<'_> {
    /// Catalogs the archive `bytes` found at `vpath`; returns its own package's id.
    fn archive(
        &mut self,
        bytes: &[u8],
        vpath: &str,
        depth: usize,
        wrapper: bool,
    ) -> Option<PackageId> {
        self.archives += 1;
        let mut zip = match ZipArchive::new(Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => {
                self.warn(vpath, format!("not a readable ZIP archive: {e}"));
                return None;
            }
        };
        let listing = Listing::of(&zip);
        let main = if wrapper {
            None
        } else {
            self.packages(&mut zip, &listing, bytes, vpath)
        };
        self.nested(&mut zip, &listing.nested, vpath, depth, main.as_ref());
        main
    }

    /// The archive's own package and the ones shaded into it.
    fn packages(
        &mut self,
        zip: &mut Zip<'_>,
        listing: &Listing,
        bytes: &[u8],
        vpath: &str,
    ) -> Option<PackageId> {
        let contents = self.contents(zip, listing, vpath);
        let file_name = vpath.rsplit(['/', ':']).next().unwrap_or(vpath);
        let found = identity::identify(&contents, file_name);
        let nested = (vpath != self.path.to_string()).then_some(vpath);
        let main = found.main.and_then(|facts| {
            let mut pkg = facts
                .package(&self.location, nested)
                .map_err(|e| self.warn(vpath, e))
                .ok()?;
            pkg.checksums
                .insert("SHA256".to_owned(), hex::encode(Sha256::digest(bytes)));
            let id = pkg.id.clone();
            self.out.packages.push(pkg);
            Some(id)
        });
        for facts in found.embedded {
            match facts.package(&self.location, nested) {
                Ok(pkg) => {
                    if let Some(m) = &main {
                        self.out.depends(m, &pkg.id);
                    }
                    self.out.packages.push(pkg);
                }
                Err(e) => self.warn(vpath, e),
            }
        }
        main
    }

    /// Reads the manifest and the Maven metadata.
    fn contents(&mut self, zip: &mut Zip<'_>, listing: &Listing, vpath: &str) -> Contents {
        let mut contents = Contents::default();
        if let Some(i) = listing.manifest {
            contents.manifest = self
                .text(zip, i, MAX_MANIFEST_BYTES, vpath)
                .map(|t| Manifest::parse(&t));
        }
        for (dir, i) in &listing.properties {
            if let Some(text) = self.text(zip, *i, MAX_PROPERTIES_BYTES, vpath) {
                contents
                    .properties
                    .insert(dir.clone(), PomProperties::parse(&text));
            }
        }
        for (dir, i) in &listing.poms {
            let Ok(bytes) = self.entry(zip, *i, MAX_POM_BYTES as u64, vpath) else {
                continue;
            };
            match pom_xml::parse(&bytes) {
                Ok(pom) => {
                    contents.poms.insert(dir.clone(), pom);
                }
                Err(e) => self.warn(vpath, format!("{dir}/pom.xml: {e}")),
            }
        }
        contents
    }

    /// Opens the nested archives, linking each one's own package to `main`.
    fn nested(
        &mut self,
        zip: &mut Zip<'_>,
        nested: &[(String, usize)],
        vpath: &str,
        depth: usize,
        main: Option<&PackageId>,
    ) {
        for (name, i) in nested {
            if depth >= MAX_DEPTH {
                return self.once(
                    "nesting limit",
                    format!("archives nested deeper than {MAX_DEPTH} levels are not opened"),
                );
            }
            if self.archives >= MAX_ARCHIVES {
                return self.once(
                    "archive limit",
                    format!("more than {MAX_ARCHIVES} nested archives; the rest are not opened"),
                );
            }
            let Ok(bytes) = self.entry(zip, *i, MAX_EVIDENCE_BYTES, vpath) else {
                continue;
            };
            let inner = format!("{vpath}:{name}");
            let child = self.archive(&bytes, &inner, depth + 1, false);
            if let (Some(m), Some(c)) = (main, child) {
                self.out.depends(m, &c);
            }
        }
    }

    /// An entry as text (lossy UTF-8), or `None` after a warning.
    fn text(&mut self, zip: &mut Zip<'_>, i: usize, cap: u64, vpath: &str) -> Option<String> {
        let bytes = self.entry(zip, i, cap, vpath).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Decompresses entry `i` (at most `cap` bytes, charged to the budget); warns on failure.
    fn entry(
        &mut self,
        zip: &mut Zip<'_>,
        i: usize,
        cap: u64,
        vpath: &str,
    ) -> Result<Vec<u8>, Skip> {
        let name = zip.name_for_index(i).unwrap_or_default().to_owned();
        let result = self.decompress(zip, i, cap);
        match &result {
            Err(Skip::TooLarge(cap)) => {
                self.warn(vpath, format!("{name}: larger than {cap} bytes, not read"));
            }
            Err(Skip::Zip(e)) => self.warn(vpath, format!("{name}: cannot be read: {e}")),
            _ => {}
        }
        result
    }

    fn decompress(&mut self, zip: &mut Zip<'_>, i: usize, cap: u64) -> Result<Vec<u8>, Skip> {
        if self.exhausted {
            return Err(Skip::Limit);
        }
        let mut file = zip.by_index(i).map_err(|e| Skip::Zip(e.to_string()))?;
        let limit = cap.min(self.budget);
        let mut buf = Vec::new();
        let read = (&mut file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf);
        let used = (buf.len() as u64).min(self.budget);
        self.budget -= used;
        read.map_err(|e| Skip::Zip(e.to_string()))?;
        if buf.len() as u64 <= limit {
            return Ok(buf);
        }
        if limit < cap {
            self.exhausted = true;
            self.once(
                "expansion limit",
                format!(
                    "more than {MAX_EXPANDED_BYTES} bytes would be decompressed (a zip bomb?); \
                     the rest is not read"
                ),
            );
            return Err(Skip::Limit);
        }
        Err(Skip::TooLarge(cap))
    }

    /// Warns that `limit` was reached, once per file.
    fn once(&mut self, limit: &'static str, message: String) {
        if !self.warned.contains(&limit) {
            self.warned.push(limit);
            let path = self.path.clone();
            self.out.warn(ARCHIVE, &path, message);
        }
    }

    /// A warning about the file, naming the nested archive when it is one.
    fn warn(&mut self, vpath: &str, message: String) {
        let top = self.path.to_string();
        let message = match vpath.strip_prefix(&top).and_then(|r| r.strip_prefix(':')) {
            Some(inner) => format!("{inner}: {message}"),
            None => message,
        };
        let path = self.path.clone();
        self.out.warn(ARCHIVE, &path, message);
    }
}

#[cfg(test)]
mod tests {
    use super::maven_dir;

    #[test]
    fn maven_dirs() {
        assert_eq!(
            maven_dir("META-INF/maven/g/a/pom.properties", "/pom.properties"),
            Some("META-INF/maven/g/a")
        );
        assert_eq!(
            maven_dir("META-INF/maven/pom.properties", "/pom.properties"),
            None
        );
        assert_eq!(maven_dir("other/pom.xml", "/pom.xml"), None);
    }
}
