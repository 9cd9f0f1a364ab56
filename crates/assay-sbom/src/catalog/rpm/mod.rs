//! RPM packages from the rpm database and from CBL-Mariner's container manifest.
//!
//! - `rpmdb.sqlite` (rpm ≥ 4.16, `var/lib/rpm/` or `usr/lib/sysimage/rpm/`): an SQLite database
//!   whose table `Packages(hnum, blob)` holds one RPM header blob per installed package
//!   ([`header`]). Read: name, version, release, epoch, arch, license, vendor, packager, URL,
//!   source RPM, provides, requires and the files the package owns (dir names + base names),
//!   reported in [`Found::owned_files`]. `Requires` become `DependsOn` edges to the installed
//!   package that provides the name (or owns the file).
//! - `var/lib/rpmmanifest/container-manifest-2` (CBL-Mariner / Azure Linux distroless images):
//!   one tab-separated line per package, the rpm query format
//!   `%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}`.
//!
//! The Berkeley DB (`Packages`) and ndb (`Packages.db`) databases of older and SUSE systems are
//! not read; finding one is reported as a warning so that the gap is visible. Transactions still
//! in an `rpmdb.sqlite-wal` file (rpm checkpoints when it closes the database) are not seen.
//!
//! A package becomes `pkg:rpm/<distro id>/<name>@<version>-<release>?arch=..&epoch=..&distro=..&upstream=<source rpm>`
//! (purl spec, `rpm` type); its version is `[epoch:]version-release` as syft writes it. The
//! supplier is the Vendor, else the distribution.

pub mod header;

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use self::header::{Header, tag};
use super::{Cataloger, Context, Found, read, read_text};
use crate::model::{Distro, Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "rpm-db-cataloger";

/// The rpm database cataloger.
#[derive(Debug, Clone, Copy)]
pub struct RpmCataloger;

impl Cataloger for RpmCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        let dir = path.parent().map(|d| d.file_name().to_owned());
        match path.file_name() {
            "rpmdb.sqlite" | "Packages" | "Packages.db" => dir.as_deref() == Some("rpm"),
            "container-manifest-2" => dir.as_deref() == Some("rpmmanifest"),
            _ => false,
        }
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], ctx: &Context, out: &mut Found) {
        for entry in files {
            let rpms = match entry.path.file_name() {
                "rpmdb.sqlite" => read(tree, entry)
                    .and_then(sqlite_blobs)
                    .map(|blobs| headers(&blobs, entry, out)),
                "container-manifest-2" => read_text(tree, entry).map(|t| manifest(&t, entry, out)),
                _ => Err(
                    "Berkeley DB and ndb rpm databases are not read (only rpmdb.sqlite)".to_owned(),
                ),
            };
            match rpms {
                Ok(rpms) => emit(&rpms, entry, ctx.distro.as_ref(), out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// One installed package, from either source.
#[derive(Debug, Default)]
struct Rpm {
    name: String,
    version: String,
    release: String,
    epoch: Option<u32>,
    arch: String,
    license: String,
    vendor: String,
    packager: String,
    url: String,
    source_rpm: String,
    size: Option<u64>,
    provides: Vec<String>,
    requires: Vec<String>,
    files: Vec<String>,
}

impl Rpm {
    fn from_header(h: &Header<'_>) -> Self {
        let s = |t| h.string(t).unwrap_or_default();
        let mut files: Vec<String> = h.strings(tag::OLDFILENAMES);
        let dirs = h.strings(tag::DIRNAMES);
        let indexes = h.int32s(tag::DIRINDEXES);
        for (base, idx) in h.strings(tag::BASENAMES).iter().zip(indexes) {
            if let Some(dir) = dirs.get(idx as usize) {
                files.push(format!("{dir}{base}"));
            }
        }
        Self {
            name: s(tag::NAME),
            version: s(tag::VERSION),
            release: s(tag::RELEASE),
            epoch: h.int32s(tag::EPOCH).first().copied(),
            arch: s(tag::ARCH),
            license: s(tag::LICENSE),
            vendor: s(tag::VENDOR),
            packager: s(tag::PACKAGER),
            url: s(tag::URL),
            source_rpm: s(tag::SOURCERPM),
            size: h.int32s(tag::SIZE).first().map(|v| u64::from(*v)),
            provides: h.strings(tag::PROVIDENAME),
            requires: h.strings(tag::REQUIRENAME),
            files,
        }
    }

    /// `version-release`.
    fn version_release(&self) -> String {
        if self.release.is_empty() {
            self.version.clone()
        } else {
            format!("{}-{}", self.version, self.release)
        }
    }

    /// `[epoch:]version-release`.
    fn full_version(&self) -> String {
        match self.epoch {
            Some(e) => format!("{e}:{}", self.version_release()),
            None => self.version_release(),
        }
    }

    fn purl(&self, distro: Option<&Distro>) -> Result<Purl, String> {
        let vr = self.version_release();
        let distro_q = distro.map(super::os_release::purl_qualifier);
        let epoch = self.epoch.map(|e| e.to_string()).unwrap_or_default();
        Ok(
            Purl::new("rpm", distro.map(|d| d.id.as_str()), &self.name, Some(&vr))
                .map_err(|e| format!("{}: no valid package URL: {e}", self.name))?
                .with_qualifier("arch", &self.arch)
                .with_qualifier("epoch", &epoch)
                .with_qualifier("distro", distro_q.as_deref().unwrap_or_default())
                .with_qualifier("upstream", &self.source_rpm),
        )
    }

    fn package(&self, location: &Location, distro: Option<&Distro>) -> Result<Package, String> {
        let version = self.full_version();
        let purl = self.purl(distro)?;
        let mut p = Package::new(
            PackageKind::Rpm,
            &self.name,
            &version,
            purl,
            location.clone(),
            NAME,
        );
        p.license = crate::license::normalize(&self.license);
        p.supplier = supplier(&self.vendor, distro);
        p.homepage = Some(self.url.clone()).filter(|u| u.contains("://"));
        let meta = [
            ("arch", self.arch.clone()),
            ("source_rpm", self.source_rpm.clone()),
            ("packager", self.packager.clone()),
            ("size", self.size.map(|s| s.to_string()).unwrap_or_default()),
        ];
        for (k, v) in meta
            .into_iter()
            .filter(|(_, v)| !v.is_empty() && v != "(none)")
        {
            p.metadata.insert(k.to_owned(), v);
        }
        Ok(p)
    }
}

/// The Vendor as an organisation, else the distribution.
fn supplier(vendor: &str, distro: Option<&Distro>) -> Option<Party> {
    let name = Some(vendor.trim())
        .filter(|v| !v.is_empty() && *v != "(none)")
        .map(str::to_owned)
        .or_else(|| distro.map(|d| d.pretty_name.clone().unwrap_or_else(|| d.id.clone())))?;
    Some(Party::Organization { name, email: None })
}

// ---------------------------------------------------------------------------- rpmdb.sqlite

/// Every `Packages.blob` of an rpmdb.sqlite, in `hnum` order.
fn sqlite_blobs(mut db: Vec<u8>) -> Result<Vec<Vec<u8>>, String> {
    if !db.starts_with(b"SQLite format 3\0") {
        return Err("not an SQLite database (no `SQLite format 3` header)".to_owned());
    }
    // SQLite file format §1.3.3: bytes 18 and 19 are 2 for a WAL-mode database, which an
    // in-memory copy cannot be opened as; 1 (rollback journal) reads the same pages.
    for b in db.iter_mut().skip(18).take(2) {
        if *b == 2 {
            *b = 1;
        }
    }
    let sql = |e: rusqlite::Error| format!("rpmdb.sqlite: {e}");
    let mut conn = rusqlite::Connection::open_in_memory().map_err(sql)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, db.as_slice(), db.len(), true)
        .map_err(sql)?;
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .map_err(sql)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql)
}

fn headers(blobs: &[Vec<u8>], entry: &TreeEntry, out: &mut Found) -> Vec<Rpm> {
    let mut rpms = Vec::new();
    for (i, blob) in blobs.iter().enumerate() {
        match Header::parse(blob) {
            Ok(h) => rpms.push(Rpm::from_header(&h)),
            Err(e) => out.warn(NAME, &entry.path, format!("package #{}: {e}", i + 1)),
        }
    }
    rpms
}

// --------------------------------------------------------------------------------- manifest

fn manifest(text: &str, entry: &TreeEntry, out: &mut Found) -> Vec<Rpm> {
    let mut rpms = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [
            name,
            vr,
            _installed,
            _built,
            vendor,
            epoch,
            size,
            arch,
            _epochnum,
            source,
        ] = f[..]
        else {
            let msg = format!("line {}: {} fields, not 10", i + 1, f.len());
            out.warn(NAME, &entry.path, msg);
            continue;
        };
        let (version, release) = vr.rsplit_once('-').unwrap_or((vr, ""));
        rpms.push(Rpm {
            name: name.to_owned(),
            version: version.to_owned(),
            release: release.to_owned(),
            epoch: epoch.parse().ok(),
            arch: arch.to_owned(),
            vendor: vendor.to_owned(),
            source_rpm: source.to_owned(),
            size: size.parse().ok(),
            ..Rpm::default()
        });
    }
    rpms
}

// ------------------------------------------------------------------------------------ output

/// The tree prefix above the database's `var/lib/...` or `usr/lib/...` directory.
fn root_of(path: &TreePath) -> String {
    let s = path.as_str();
    ["var/lib/", "usr/lib/"]
        .iter()
        .filter_map(|d| {
            if s.starts_with(d) {
                Some(0)
            } else {
                s.find(&format!("/{d}")).map(|i| i + 1)
            }
        })
        .min()
        .and_then(|i| s.get(..i))
        .unwrap_or_default()
        .to_owned()
}

fn emit(rpms: &[Rpm], entry: &TreeEntry, distro: Option<&Distro>, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let root = root_of(&entry.path);
    let mut ids: Vec<Option<PackageId>> = Vec::with_capacity(rpms.len());
    for r in rpms {
        // gpg-pubkey "packages" are imported signing keys, not software.
        if r.name.is_empty() || r.name == "gpg-pubkey" {
            ids.push(None);
            continue;
        }
        match r.package(&location, distro) {
            Ok(p) => {
                ids.push(Some(p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => {
                ids.push(None);
                out.warn(NAME, &entry.path, e);
            }
        }
        for f in &r.files {
            out.owned_files
                .insert(format!("/{root}{}", f.trim_start_matches('/')));
        }
    }
    relate(rpms, &ids, out);
}

/// `DependsOn` from each package to the packages providing each of its requirements (by
/// package name, `Provides` name or owned file).
fn relate(rpms: &[Rpm], ids: &[Option<PackageId>], out: &mut Found) {
    let mut providers: BTreeMap<&str, Vec<&PackageId>> = BTreeMap::new();
    for (r, id) in rpms.iter().zip(ids) {
        let Some(id) = id else { continue };
        let names = std::iter::once(&r.name).chain(&r.provides).chain(&r.files);
        for n in names {
            providers.entry(n.as_str()).or_default().push(id);
        }
    }
    for (r, from) in rpms.iter().zip(ids) {
        let Some(from) = from else { continue };
        for req in r.requires.iter().filter(|q| !q.starts_with("rpmlib(")) {
            for to in providers.get(req.as_str()).into_iter().flatten() {
                out.depends(from, to);
            }
        }
    }
}
