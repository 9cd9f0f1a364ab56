//! SPDX 2.3 JSON (spdx.github.io/spdx-spec/v2.3, clauses cited as "SPDX §N").
//!
//! [`encode`] writes one document: the scanned source as the described root package
//! (`SPDXRef-DocumentRoot-…`), the OS as an `OPERATING-SYSTEM` package, one package per model
//! package, the recorded files, and the relationships between them. Output is meant to pass
//! `pyspdxtools` validation and the NTIA minimum-elements check (`ntia-checker`), so:
//!
//! - every SPDX id, license expression, URL and checksum is checked or sanitised here, and
//!   anything that would not validate is written as `NOASSERTION` or left out;
//! - every `LicenseRef-…` used gets a `hasExtractedLicensingInfos` entry (SPDX §10);
//! - every package has a `versionInfo` (`NOASSERTION` when unknown) and, where the model knows
//!   none, the ecosystem's registry as supplier (see [`registry_supplier`]).
//!
//! [`decode`] reads SPDX 2.2 and 2.3 JSON back into the model.

mod decode;

use std::collections::{BTreeMap, BTreeSet};

use assay_core::{Algorithm, Purl};
use serde::Serialize;

pub use decode::decode;

use super::{
    DocumentInfo, HashAlg, absolute_url, checksums, id_safe, plausible_email, short_hash,
    source_purl, source_registry,
};
use crate::license;
use crate::model::{
    Distro, FileRecord, Package, PackageId, Party, RelationshipKind, Sbom, SourceInfo, source_id,
};

const NOASSERTION: &str = "NOASSERTION";
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
    packages: Vec<SpdxPackage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<SpdxFile>,
    relationships: Vec<SpdxRelationship>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    license_list_version: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    extracted_text: String,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    version_info: String,
    supplier: String,
    download_location: String,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    license_concluded: &'static str,
    license_declared: String,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxFile {
    file_name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    checksums: Vec<Checksum>,
    license_concluded: &'static str,
    copyright_text: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRelationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// The SPDX 2.3 JSON document for `sbom`: pretty-printed, with a trailing newline.
pub fn encode(sbom: &Sbom, info: &DocumentInfo) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(sbom, info)).unwrap_or_default();
    out.push(b'\n');
    out
}

fn document(sbom: &Sbom, info: &DocumentInfo) -> Document {
    let ids = Ids::new(sbom);
    let mut packages = vec![root_package(sbom, &ids)];
    packages.extend(sbom.distro.as_ref().map(os_package));
    packages.extend(ids.packages(sbom).map(|(p, id)| package(p, id)));
    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: DOCUMENT_ID,
        name: root_name(&sbom.source),
        document_namespace: namespace(&sbom.source, info),
        creation_info: creation_info(info),
        has_extracted_licensing_infos: extracted_licenses(sbom),
        packages,
        files: ids.files(sbom).map(|(f, id)| file(f, id)).collect(),
        relationships: relationships(sbom, &ids),
    }
}

/// A unique, fragment-free URI (SPDX §6.5) on a reserved domain, named after the source.
fn namespace(source: &SourceInfo, info: &DocumentInfo) -> String {
    let name = id_safe(&source.name);
    let name = name.trim_matches(['-', '.']);
    let name = if name.is_empty() { "sbom" } else { name };
    format!("https://assay.invalid/spdxdocs/{name}-{}", info.uuid())
}

fn creation_info(info: &DocumentInfo) -> CreationInfo {
    // SPDX §6.7 wants `M.N`; the spdx crate reports `M.N.P`.
    let list: Vec<&str> = spdx::license_version().split('.').take(2).collect();
    CreationInfo {
        created: info.created(),
        creators: vec![format!("Tool: {}-{}", info.tool_name, info.tool_version)],
        license_list_version: list.join("."),
    }
}

/// SPDX ids for everything the document holds, and which model id maps to which.
#[derive(Debug)]
struct Ids {
    root: String,
    os: Option<String>,
    by_model: BTreeMap<PackageId, String>,
    files: BTreeSet<String>,
}

impl Ids {
    fn new(sbom: &Sbom) -> Self {
        let mut by_model = BTreeMap::new();
        for p in &sbom.packages {
            by_model
                .entry(p.id.clone())
                .or_insert_with(|| package_id(p));
        }
        let mut files = BTreeSet::new();
        for f in sbom.files.iter().filter(|f| has_sha1(f)) {
            if !by_model.contains_key(&f.id) {
                let id = file_id(f);
                by_model.insert(f.id.clone(), id.clone());
                files.insert(id);
            }
        }
        let root = root_id(&sbom.source);
        by_model.insert(source_id(), root.clone());
        let os = sbom.distro.as_ref().map(os_id);
        Self {
            root,
            os,
            by_model,
            files,
        }
    }

    /// The packages to write (first of any duplicate id) with their SPDX ids.
    fn packages<'a>(&'a self, sbom: &'a Sbom) -> impl Iterator<Item = (&'a Package, &'a str)> {
        let mut seen = BTreeSet::new();
        sbom.packages.iter().filter_map(move |p| {
            let id = self.by_model.get(&p.id)?;
            seen.insert(&p.id).then_some((p, id.as_str()))
        })
    }

    /// The files to write (those with a SHA1, SPDX §8.4) with their SPDX ids.
    fn files<'a>(&'a self, sbom: &'a Sbom) -> impl Iterator<Item = (&'a FileRecord, &'a str)> {
        let mut seen = BTreeSet::new();
        sbom.files.iter().filter_map(move |f| {
            let id = self.by_model.get(&f.id)?;
            (self.files.contains(id) && seen.insert(id)).then_some((f, id.as_str()))
        })
    }
}

fn package_id(p: &Package) -> String {
    format!(
        "SPDXRef-Package-{}-{}-{}",
        p.kind.as_str(),
        id_safe(&p.name),
        id_safe(&p.id.0)
    )
}

fn file_id(f: &FileRecord) -> String {
    let path = id_safe(f.path.trim_start_matches('/'));
    format!("SPDXRef-File-{path}-{}", id_safe(&f.id.0))
}

fn root_id(source: &SourceInfo) -> String {
    let kind = match source.kind.as_str() {
        "image" => "Image",
        "directory" => "Directory",
        "file" => "File",
        _ => "Source",
    };
    format!("SPDXRef-DocumentRoot-{kind}-{}", short_hash(&source.name))
}

fn os_id(d: &Distro) -> String {
    let version = d.version_id.as_deref().unwrap_or_default();
    format!(
        "SPDXRef-OperatingSystem-{}-{}",
        id_safe(&d.id),
        id_safe(version)
    )
}

fn has_sha1(f: &FileRecord) -> bool {
    checksums(&f.checksums)
        .iter()
        .any(|(alg, _)| *alg == HashAlg::Sha1)
}

fn root_name(source: &SourceInfo) -> String {
    if source.name.trim().is_empty() {
        source.kind.clone()
    } else {
        source.name.clone()
    }
}

/// The scanned source. Its supplier is the one the user named (`--source-supplier`), else the
/// registry it came from; for archives, directories and files without either assay cannot
/// know it (`NOASSERTION`).
fn root_package(sbom: &Sbom, ids: &Ids) -> SpdxPackage {
    let source = &sbom.source;
    let purpose = match source.kind.as_str() {
        "image" => "CONTAINER",
        "directory" => "SOURCE",
        "file" => "FILE",
        _ => "OTHER",
    };
    let digest = source.digest.as_ref();
    let checksums = digest.map(|d| Checksum {
        algorithm: match d.algorithm() {
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        },
        checksum_value: d.hex().to_owned(),
    });
    SpdxPackage {
        version_info: digest.map_or_else(|| NOASSERTION.to_owned(), ToString::to_string),
        supplier: source
            .supplier
            .as_ref()
            .and_then(actor)
            .or_else(|| source_registry(source).map(|r| organization(&r)))
            .unwrap_or_else(|| NOASSERTION.to_owned()),
        checksums: checksums.into_iter().collect(),
        // A package without files must say so (SPDX §7.8); the recorded files are in it.
        files_analyzed: !ids.files.is_empty(),
        external_refs: source_purl(source).iter().map(purl_ref).collect(),
        primary_package_purpose: purpose,
        ..bare_package(root_name(source), &ids.root)
    }
}

fn os_package(d: &Distro) -> SpdxPackage {
    SpdxPackage {
        version_info: d
            .version_id
            .clone()
            .unwrap_or_else(|| NOASSERTION.to_owned()),
        supplier: organization(vendor(&d.id)),
        description: d.pretty_name.clone(),
        primary_package_purpose: "OPERATING-SYSTEM",
        ..bare_package(d.id.clone(), &os_id(d))
    }
}

/// A package with only a name and id; everything else unknown.
fn bare_package(name: String, id: &str) -> SpdxPackage {
    SpdxPackage {
        name,
        spdx_id: id.to_owned(),
        version_info: NOASSERTION.to_owned(),
        supplier: NOASSERTION.to_owned(),
        download_location: NOASSERTION.to_owned(),
        files_analyzed: false,
        checksums: Vec::new(),
        homepage: None,
        source_info: None,
        license_concluded: NOASSERTION,
        license_declared: NOASSERTION.to_owned(),
        copyright_text: NOASSERTION,
        description: None,
        external_refs: Vec::new(),
        primary_package_purpose: "OTHER",
    }
}

fn package(p: &Package, id: &str) -> SpdxPackage {
    let name = if p.name.is_empty() {
        p.purl.name()
    } else {
        &p.name
    };
    SpdxPackage {
        version_info: if p.version.is_empty() {
            NOASSERTION.to_owned()
        } else {
            p.version.clone()
        },
        supplier: supplier(p),
        download_location: url_or_noassertion(p.download_location.as_deref()),
        checksums: checksums(&p.checksums).into_iter().map(checksum).collect(),
        homepage: p
            .homepage
            .as_deref()
            .and_then(absolute_url)
            .map(str::to_owned),
        source_info: source_info(p),
        license_declared: declared(p).unwrap_or_else(|| NOASSERTION.to_owned()),
        external_refs: vec![purl_ref(&p.purl)],
        primary_package_purpose: "LIBRARY",
        ..bare_package(name.to_owned(), id)
    }
}

fn declared(p: &Package) -> Option<String> {
    p.license.as_deref().and_then(license::normalize)
}

fn url_or_noassertion(url: Option<&str>) -> String {
    url.and_then(absolute_url).unwrap_or(NOASSERTION).to_owned()
}

fn source_info(p: &Package) -> Option<String> {
    if p.cataloger.is_empty() {
        return None;
    }
    let paths: Vec<&str> = p.locations.iter().map(|l| l.path.as_str()).collect();
    Some(if paths.is_empty() {
        format!("acquired package info from {}", p.cataloger)
    } else {
        format!(
            "acquired package info from {}: {}",
            p.cataloger,
            paths.join(", ")
        )
    })
}

fn purl_ref(purl: &Purl) -> ExternalRef {
    ExternalRef {
        reference_category: "PACKAGE-MANAGER",
        reference_type: "purl",
        reference_locator: purl.to_string(),
    }
}

fn checksum((alg, value): (HashAlg, String)) -> Checksum {
    let algorithm = match alg {
        HashAlg::Md5 => "MD5",
        HashAlg::Sha1 => "SHA1",
        HashAlg::Sha256 => "SHA256",
        HashAlg::Sha384 => "SHA384",
        HashAlg::Sha512 => "SHA512",
    };
    Checksum {
        algorithm,
        checksum_value: value,
    }
}

/// SPDX §7.5 supplier: the model's party when known, else the registry fallback, else
/// `NOASSERTION`.
fn supplier(p: &Package) -> String {
    p.supplier
        .as_ref()
        .and_then(actor)
        .or_else(|| registry_supplier(&p.purl).map(organization))
        .unwrap_or_else(|| NOASSERTION.to_owned())
}

/// NTIA's minimum elements require a supplier for every component. When the evidence names
/// none, assay names the channel the package was distributed through — the ecosystem's
/// registry (npm → npmjs, pypi → PyPI, cargo → crates.io, ...) or, for OS packages, the
/// distribution in the purl namespace (`pkg:deb/debian/…` → Debian). Unknown ecosystems stay
/// `NOASSERTION`.
fn registry_supplier(purl: &Purl) -> Option<&str> {
    Some(match purl.ty() {
        "npm" => "npmjs",
        "pypi" => "PyPI",
        "cargo" => "crates.io",
        "gem" => "RubyGems.org",
        "nuget" => "NuGet Gallery",
        "composer" => "Packagist",
        "maven" => "Maven Central",
        "hex" => "Hex.pm",
        "pub" => "pub.dev",
        "cocoapods" => "CocoaPods",
        "conan" => "ConanCenter",
        "hackage" => "Hackage",
        "luarocks" => "LuaRocks",
        "opam" => "opam-repository",
        "golang" => "Go module proxy",
        "github" => "GitHub",
        "ebuild" => "Gentoo",
        "deb" | "rpm" | "apk" | "alpm" => vendor(purl.namespace()?),
        _ => return None,
    })
}

/// The organisation behind a distribution id (`os-release` `ID`, purl namespace).
fn vendor(distro: &str) -> &str {
    match distro {
        "debian" => "Debian",
        "ubuntu" => "Canonical",
        "alpine" => "Alpine Linux",
        "fedora" => "Fedora Project",
        "rhel" | "redhat" => "Red Hat",
        "centos" => "CentOS Project",
        "rocky" => "Rocky Enterprise Software Foundation",
        "almalinux" => "AlmaLinux OS Foundation",
        "opensuse" | "sles" | "suse" => "SUSE",
        "amzn" | "amazon" => "Amazon",
        "arch" => "Arch Linux",
        "wolfi" | "chainguard" => "Chainguard",
        other => other,
    }
}

fn organization(name: &str) -> String {
    format!("Organization: {}", actor_name(name).unwrap_or(NOASSERTION))
}

/// `Person: Name (email)` / `Organization: Name (email)` (SPDX §7.5). Parentheses in names
/// would be read as the e-mail part, so they become brackets.
fn actor(party: &Party) -> Option<String> {
    let (kind, name, email) = match party {
        Party::Person { name, email } => ("Person", name, email),
        Party::Organization { name, email } => ("Organization", name, email),
    };
    let name = actor_name(name)?.replace('(', "[").replace(')', "]");
    Some(match email.as_deref().and_then(plausible_email) {
        Some(e) => format!("{kind}: {name} ({e})"),
        None => format!("{kind}: {name}"),
    })
}

fn actor_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && !name.contains(char::is_control)).then_some(name)
}

/// SPDX §10: every `LicenseRef-` used needs its text. assay keeps the text it normalised from
/// when it has it, else the id's own words.
fn extracted_licenses(sbom: &Sbom) -> Vec<ExtractedLicense> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for p in &sbom.packages {
        let (Some(raw), Some(expr)) = (p.license.as_deref(), declared(p)) else {
            continue;
        };
        for r in license::license_refs(&expr) {
            let text = if expr == r && raw.trim() != expr {
                raw.trim().to_owned()
            } else {
                r.trim_start_matches("LicenseRef-").to_owned()
            };
            found.entry(r.to_owned()).or_insert(text);
        }
    }
    found
        .into_iter()
        .map(|(license_id, extracted_text)| ExtractedLicense {
            name: license_id.trim_start_matches("LicenseRef-").to_owned(),
            license_id,
            extracted_text,
        })
        .collect()
}

fn file(f: &FileRecord, id: &str) -> SpdxFile {
    SpdxFile {
        // SPDX §8.1: relative to the package root, `./` prefixed.
        file_name: format!("./{}", f.path.trim_start_matches('/')),
        spdx_id: id.to_owned(),
        checksums: checksums(&f.checksums).into_iter().map(checksum).collect(),
        license_concluded: NOASSERTION,
        copyright_text: NOASSERTION,
    }
}

/// DESCRIBES first, then every other edge sorted. Edges to unknown elements are dropped, as
/// are packages containing files (they declare `filesAnalyzed: false`, SPDX §7.8); the root
/// contains every file.
fn relationships(sbom: &Sbom, ids: &Ids) -> Vec<SpdxRelationship> {
    let mut edges: BTreeSet<(&str, &'static str, &str)> = BTreeSet::new();
    edges.extend(
        ids.os
            .as_deref()
            .map(|os| (ids.root.as_str(), "CONTAINS", os)),
    );
    edges.extend(
        ids.files
            .iter()
            .map(|f| (ids.root.as_str(), "CONTAINS", f.as_str())),
    );
    for r in &sbom.relationships {
        let (Some(from), Some(to)) = (ids.by_model.get(&r.from), ids.by_model.get(&r.to)) else {
            continue;
        };
        let into_file = ids.files.contains(to) && *from != ids.root;
        if from != to && !into_file {
            edges.insert((from, kind(r.kind), to));
        }
    }
    let describes = (DOCUMENT_ID, "DESCRIBES", ids.root.as_str());
    std::iter::once(describes)
        .chain(edges)
        .map(|(from, ty, to)| SpdxRelationship {
            spdx_element_id: from.to_owned(),
            relationship_type: ty,
            related_spdx_element: to.to_owned(),
        })
        .collect()
}

fn kind(k: RelationshipKind) -> &'static str {
    match k {
        RelationshipKind::Contains => "CONTAINS",
        RelationshipKind::DependsOn => "DEPENDS_ON",
    }
}
