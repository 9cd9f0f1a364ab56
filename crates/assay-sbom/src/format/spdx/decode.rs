//! SPDX 2.2 / 2.3 JSON → model.
//!
//! The described package (the single `DESCRIBES` target, syft's `SPDXRef-DocumentRoot-…`)
//! becomes the source; an `OPERATING-SYSTEM` package becomes the distro; every other package
//! becomes a model package with the purl from its `externalRefs` (`pkg:generic/…` when it has
//! none), its locations and cataloger from `sourceInfo` (`acquired package info from X: a, b`)
//! and its license from `licenseDeclared` (else `licenseConcluded`), normalised. Files keep
//! their path and checksums. `CONTAINS`/`CONTAINED_BY` and `DEPENDS_ON`/`DEPENDENCY_OF` edges
//! are kept where the model has a meaning for them (the source or a file containing something,
//! a package depending on a package); package-owns-file edges are not.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::format::{
    DecodeError, Decoded, checksum_key, digest_of, generic_purl, kind_of, known, parse_json,
    short_hash,
};
use crate::license;
use crate::model::{
    Distro, FileRecord, Location, Package, PackageId, Party, Relationship, RelationshipKind, Sbom,
    SourceInfo, source_id,
};

const FORMAT: &str = "SPDX";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    document_describes: Vec<String>,
    #[serde(default)]
    packages: Vec<WirePackage>,
    #[serde(default)]
    files: Vec<WireFile>,
    #[serde(default)]
    relationships: Vec<WireRelationship>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePackage {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(default)]
    name: String,
    version_info: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    download_location: Option<String>,
    homepage: Option<String>,
    source_info: Option<String>,
    license_declared: Option<String>,
    license_concluded: Option<String>,
    description: Option<String>,
    primary_package_purpose: Option<String>,
    #[serde(default)]
    checksums: Vec<WireChecksum>,
    #[serde(default)]
    external_refs: Vec<WireExternalRef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireChecksum {
    algorithm: String,
    checksum_value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireExternalRef {
    reference_type: String,
    reference_locator: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFile {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    file_name: String,
    #[serde(default)]
    checksums: Vec<WireChecksum>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRelationship {
    spdx_element_id: String,
    relationship_type: String,
    related_spdx_element: String,
}

/// Reads an SPDX 2.2 or 2.3 JSON document.
pub fn decode(bytes: &[u8]) -> Result<Sbom, DecodeError> {
    let doc: Document = parse_json(FORMAT, bytes)?;
    if !matches!(doc.spdx_version.as_str(), "SPDX-2.2" | "SPDX-2.3") {
        return Err(DecodeError::Version {
            format: FORMAT,
            version: doc.spdx_version,
            supported: "SPDX-2.2, SPDX-2.3",
        });
    }
    Ok(Reader::new(&doc).read(&doc).into_sbom())
}

/// Which SPDX element became which model element.
#[derive(Debug, Default)]
struct Reader {
    root: Option<String>,
    ids: BTreeMap<String, PackageId>,
    files: BTreeSet<String>,
}

impl Reader {
    fn new(doc: &Document) -> Self {
        let described: BTreeSet<&str> = doc
            .document_describes
            .iter()
            .map(String::as_str)
            .chain(doc.relationships.iter().filter_map(|r| {
                (r.relationship_type == "DESCRIBES" && r.spdx_element_id == "SPDXRef-DOCUMENT")
                    .then_some(r.related_spdx_element.as_str())
            }))
            .collect();
        let root = match described.into_iter().collect::<Vec<_>>().as_slice() {
            [only] if doc.packages.iter().any(|p| p.spdx_id == *only) => Some((*only).to_owned()),
            _ => None,
        };
        Self {
            root,
            ..Self::default()
        }
    }

    fn read(mut self, doc: &Document) -> Decoded {
        let is_root = |p: &WirePackage| self.root.as_deref() == Some(p.spdx_id.as_str());
        let root = doc.packages.iter().find(|p| is_root(p));
        let os = doc.packages.iter().find(|p| is_os(p) && !is_root(p));
        let skip: BTreeSet<&str> = root
            .iter()
            .chain(os.iter())
            .map(|p| p.spdx_id.as_str())
            .collect();
        let mut packages = Vec::new();
        for p in doc
            .packages
            .iter()
            .filter(|p| !skip.contains(p.spdx_id.as_str()))
        {
            if let Some(pkg) = package(p) {
                self.ids.insert(p.spdx_id.clone(), pkg.id.clone());
                packages.push(pkg);
            }
        }
        let files: Vec<FileRecord> = doc.files.iter().map(|f| self.file(f)).collect();
        if let Some(r) = &self.root {
            self.ids.insert(r.clone(), source_id());
        }
        Decoded {
            source: source(doc, root),
            distro: os.map(distro),
            packages,
            files,
            relationships: doc
                .relationships
                .iter()
                .filter_map(|r| self.edge(r))
                .collect(),
        }
    }

    fn file(&mut self, f: &WireFile) -> FileRecord {
        let id = id_suffix(&f.spdx_id).unwrap_or_else(|| PackageId(short_hash(&f.spdx_id)));
        self.ids.insert(f.spdx_id.clone(), id.clone());
        self.files.insert(f.spdx_id.clone());
        let name = f.file_name.trim_start_matches("./").trim_start_matches('/');
        FileRecord {
            id,
            path: format!("/{name}"),
            checksums: checksums(&f.checksums),
        }
    }

    /// The model edge for an SPDX relationship, if the model has one.
    fn edge(&self, r: &WireRelationship) -> Option<Relationship> {
        let (a, b) = (&r.spdx_element_id, &r.related_spdx_element);
        let (from, kind, to) = match r.relationship_type.as_str() {
            "CONTAINS" => (a, RelationshipKind::Contains, b),
            "CONTAINED_BY" => (b, RelationshipKind::Contains, a),
            "DEPENDS_ON" => (a, RelationshipKind::DependsOn, b),
            "DEPENDENCY_OF" => (b, RelationshipKind::DependsOn, a),
            _ => return None,
        };
        let from_container = Some(from) == self.root.as_ref() || self.files.contains(from);
        let between_packages = !self.files.contains(from) && !self.files.contains(to);
        let meaningful = match kind {
            RelationshipKind::Contains => from_container,
            RelationshipKind::DependsOn => between_packages,
        };
        meaningful.then(|| Relationship {
            from: self
                .ids
                .get(from)
                .cloned()
                .unwrap_or_else(|| PackageId(from.clone())),
            kind,
            to: self
                .ids
                .get(to)
                .cloned()
                .unwrap_or_else(|| PackageId(to.clone())),
        })
    }
}

fn is_os(p: &WirePackage) -> bool {
    p.primary_package_purpose.as_deref() == Some("OPERATING-SYSTEM")
}

fn source(doc: &Document, root: Option<&WirePackage>) -> SourceInfo {
    let Some(root) = root else {
        return SourceInfo {
            supplier: None,
            name: doc.name.clone(),
            kind: "file".to_owned(),
            digest: None,
        };
    };
    let kind = match root.primary_package_purpose.as_deref() {
        Some("CONTAINER") => "image",
        Some("FILE") => "file",
        _ if root.spdx_id.contains("-Image-") => "image",
        _ if root.spdx_id.contains("-File-") => "file",
        _ => "directory",
    };
    SourceInfo {
        supplier: None,
        name: if root.name.is_empty() {
            doc.name.clone()
        } else {
            root.name.clone()
        },
        kind: kind.to_owned(),
        digest: root
            .checksums
            .iter()
            .find_map(|c| digest_of(&c.algorithm, &c.checksum_value)),
    }
}

fn distro(p: &WirePackage) -> Distro {
    Distro {
        id: p.name.clone(),
        version_id: known(p.version_info.as_deref()),
        codename: None,
        pretty_name: p.description.clone(),
    }
}

fn package(p: &WirePackage) -> Option<Package> {
    let version = known(p.version_info.as_deref()).unwrap_or_default();
    let purl = p
        .external_refs
        .iter()
        .filter(|r| r.reference_type == "purl")
        .find_map(|r| r.reference_locator.parse().ok())
        .or_else(|| generic_purl(&p.name, &version))?;
    let (cataloger, locations) = source_info(p.source_info.as_deref());
    let name = if p.name.is_empty() {
        purl.name().to_owned()
    } else {
        p.name.clone()
    };
    let mut out = Package::new(
        kind_of(&purl),
        &name,
        &version,
        purl,
        Location {
            path: String::new(),
            layer: None,
        },
        &cataloger,
    );
    out.id =
        id_suffix(&p.spdx_id).unwrap_or_else(|| PackageId::derive(&out.purl, locations.first()));
    out.locations = locations;
    out.license = known(p.license_declared.as_deref())
        .or_else(|| known(p.license_concluded.as_deref()))
        .and_then(|l| license::normalize(&l));
    out.supplier = actor(p.supplier.as_deref()).or_else(|| actor(p.originator.as_deref()));
    out.download_location = known(p.download_location.as_deref());
    out.homepage = known(p.homepage.as_deref());
    out.checksums = checksums(&p.checksums);
    Some(out)
}

/// The package id assay and syft end package SPDX ids with (`…-<16 hex>`), so ids survive a
/// round trip.
fn id_suffix(spdx_id: &str) -> Option<PackageId> {
    let (_, tail) = spdx_id.rsplit_once('-')?;
    let hex = tail.len() == 16 && tail.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    hex.then(|| PackageId(tail.to_owned()))
}

/// `acquired package info from CATALOGER: /a, /b` (syft's and assay's form).
fn source_info(text: Option<&str>) -> (String, Vec<Location>) {
    let Some(rest) = text.and_then(|t| t.strip_prefix("acquired package info from ")) else {
        return (String::new(), Vec::new());
    };
    let Some((cataloger, paths)) = rest.split_once(": ") else {
        return (rest.trim().to_owned(), Vec::new());
    };
    let locations = paths
        .split(", ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Location {
            path: p.to_owned(),
            layer: None,
        })
        .collect();
    (cataloger.trim().to_owned(), locations)
}

/// `Person: Name (email)` / `Organization: Name (email)`; tools and `NOASSERTION` are no one.
fn actor(text: Option<&str>) -> Option<Party> {
    let text = known(text)?;
    let (kind, rest) = text.split_once(':')?;
    let rest = rest.trim();
    let (name, email) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((name, email)) => (name.trim(), Some(email.trim()).filter(|e| !e.is_empty())),
        None => (rest, None),
    };
    let (name, email) = (name.to_owned(), email.map(str::to_owned));
    if name.is_empty() {
        return None;
    }
    match kind.trim() {
        "Person" => Some(Party::Person { name, email }),
        "Organization" => Some(Party::Organization { name, email }),
        _ => None,
    }
}

fn checksums(list: &[WireChecksum]) -> BTreeMap<String, String> {
    list.iter()
        .filter_map(|c| {
            let key = checksum_key(&c.algorithm)?;
            Some((key.to_owned(), c.checksum_value.trim().to_ascii_lowercase()))
        })
        .collect()
}
