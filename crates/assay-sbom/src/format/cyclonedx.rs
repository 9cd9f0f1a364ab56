//! CycloneDX 1.5 and 1.6 JSON (cyclonedx.org/docs/1.6/json, clauses cited by JSON path).
//!
//! [`encode`] writes `metadata.component` for the scanned source, an `operating-system`
//! component for the distribution, one `library` component per model package and one `file`
//! component per recorded file, then `dependencies` with an entry for every component: the
//! source depends on what it contains, packages on their `DependsOn` edges, the rest on
//! nothing. Only fields both 1.5 and 1.6 define are written, so the two outputs differ only in
//! `$schema` and `specVersion`.
//!
//! Package `bom-ref`s are `<purl>?package-id=<id>` (`&package-id=` when the purl has
//! qualifiers), as syft writes them, so they are unique and stable.
//!
//! [`decode`] reads CycloneDX 1.4–1.6 JSON back into the model.

mod decode;

use std::collections::{BTreeMap, BTreeSet};

use assay_core::Algorithm;
use serde::Serialize;

pub use decode::decode;

use super::{
    DocumentInfo, HashAlg, absolute_url, checksums, plausible_email, short_hash, source_purl,
};
use crate::license;
use crate::model::{
    Distro, FileRecord, Package, PackageId, Party, RelationshipKind, Sbom, SourceInfo, source_id,
};

/// The CycloneDX specification version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CdxVersion {
    /// CycloneDX 1.5.
    V1_5,
    /// CycloneDX 1.6.
    #[default]
    V1_6,
}

impl CdxVersion {
    /// `1.5` or `1.6`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_5 => "1.5",
            Self::V1_6 => "1.6",
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: String,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
}

#[derive(Debug, Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    component: Component,
}

#[derive(Debug, Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Component {
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Supplier>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Debug, Serialize)]
struct Supplier {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contact: Vec<Contact>,
}

#[derive(Debug, Serialize)]
struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

#[derive(Debug, Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum LicenseChoice {
    License { license: License },
    Expression { expression: String },
}

#[derive(Debug, Serialize)]
struct License {
    name: String,
}

#[derive(Debug, Serialize)]
struct ExternalReference {
    url: String,
    #[serde(rename = "type")]
    ty: &'static str,
}

#[derive(Debug, Serialize)]
struct Property {
    name: String,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

/// The CycloneDX `version` JSON document for `sbom`: pretty-printed, trailing newline.
pub fn encode(sbom: &Sbom, info: &DocumentInfo, version: CdxVersion) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&bom(sbom, info, version)).unwrap_or_default();
    out.push(b'\n');
    out
}

fn bom(sbom: &Sbom, info: &DocumentInfo, version: CdxVersion) -> Bom {
    let refs = Refs::new(sbom);
    let mut components: Vec<Component> = Vec::new();
    components.extend(sbom.distro.as_ref().map(os_component));
    components.extend(refs.packages(sbom).map(|(p, r)| component(p, r)));
    components.extend(refs.files(sbom).map(|(f, r)| file_component(f, r)));
    Bom {
        schema: format!(
            "http://cyclonedx.org/schema/bom-{}.schema.json",
            version.as_str()
        ),
        bom_format: "CycloneDX",
        spec_version: version.as_str(),
        serial_number: format!("urn:uuid:{}", info.uuid()),
        version: 1,
        metadata: metadata(sbom, info, &refs.root),
        components,
        dependencies: dependencies(sbom, &refs),
    }
}

fn metadata(sbom: &Sbom, info: &DocumentInfo, root: &str) -> Metadata {
    let tool = Component {
        version: Some(info.tool_version.clone()),
        ..bare("application", info.tool_name.clone())
    };
    Metadata {
        timestamp: info.created(),
        tools: Tools {
            components: vec![tool],
        },
        component: root_component(&sbom.source, root),
    }
}

/// `bom-ref`s for everything the document holds, and which model id maps to which.
#[derive(Debug)]
struct Refs {
    root: String,
    os: Option<String>,
    by_model: BTreeMap<PackageId, String>,
    files: BTreeSet<String>,
}

impl Refs {
    fn new(sbom: &Sbom) -> Self {
        let mut by_model = BTreeMap::new();
        for p in &sbom.packages {
            by_model
                .entry(p.id.clone())
                .or_insert_with(|| package_ref(p));
        }
        let mut files = BTreeSet::new();
        for f in &sbom.files {
            if !by_model.contains_key(&f.id) {
                let r = format!("file-{}", f.id.0);
                by_model.insert(f.id.clone(), r.clone());
                files.insert(r);
            }
        }
        let root = format!("source-{}", short_hash(&sbom.source.name));
        by_model.insert(source_id(), root.clone());
        let os = sbom.distro.as_ref().map(os_ref);
        Self {
            root,
            os,
            by_model,
            files,
        }
    }

    /// The packages to write (first of any duplicate id) with their refs.
    fn packages<'a>(&'a self, sbom: &'a Sbom) -> impl Iterator<Item = (&'a Package, &'a str)> {
        let mut seen = BTreeSet::new();
        sbom.packages.iter().filter_map(move |p| {
            let r = self.by_model.get(&p.id)?;
            seen.insert(&p.id).then_some((p, r.as_str()))
        })
    }

    /// The files to write (first of any duplicate id) with their refs.
    fn files<'a>(&'a self, sbom: &'a Sbom) -> impl Iterator<Item = (&'a FileRecord, &'a str)> {
        let mut seen = BTreeSet::new();
        sbom.files.iter().filter_map(move |f| {
            let r = self.by_model.get(&f.id)?;
            (self.files.contains(r) && seen.insert(r)).then_some((f, r.as_str()))
        })
    }
}

fn package_ref(p: &Package) -> String {
    let purl = p.purl.to_string();
    let sep = if p.purl.qualifiers().is_empty() {
        '?'
    } else {
        '&'
    };
    format!("{purl}{sep}package-id={}", p.id.0)
}

fn os_ref(d: &Distro) -> String {
    match &d.version_id {
        Some(v) => format!("os:{}@{v}", d.id),
        None => format!("os:{}", d.id),
    }
}

/// A component with only a type and name.
fn bare(ty: &'static str, name: String) -> Component {
    Component {
        bom_ref: None,
        ty,
        supplier: None,
        name,
        version: None,
        description: None,
        hashes: Vec::new(),
        licenses: Vec::new(),
        purl: None,
        external_references: Vec::new(),
        properties: Vec::new(),
    }
}

fn root_component(source: &SourceInfo, root: &str) -> Component {
    let ty = match source.kind.as_str() {
        "image" => "container",
        _ => "file",
    };
    let name = if source.name.trim().is_empty() {
        source.kind.clone()
    } else {
        source.name.clone()
    };
    let digest = source.digest.as_ref();
    let hashes = digest.map(|d| Hash {
        alg: match d.algorithm() {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
        },
        content: d.hex().to_owned(),
    });
    Component {
        bom_ref: Some(root.to_owned()),
        version: digest.map(ToString::to_string),
        hashes: hashes.into_iter().collect(),
        purl: source_purl(source).map(|p| p.to_string()),
        properties: vec![property("assay:source:kind", &source.kind)],
        supplier: source.supplier.as_ref().and_then(supplier),
        ..bare(ty, name)
    }
}

fn os_component(d: &Distro) -> Component {
    let properties = d
        .codename
        .iter()
        .map(|c| property("assay:distro:codename", c))
        .collect();
    Component {
        bom_ref: Some(os_ref(d)),
        version: d.version_id.clone(),
        description: d.pretty_name.clone(),
        properties,
        ..bare("operating-system", d.id.clone())
    }
}

fn component(p: &Package, bom_ref: &str) -> Component {
    let name = if p.name.is_empty() {
        p.purl.name()
    } else {
        &p.name
    };
    Component {
        bom_ref: Some(bom_ref.to_owned()),
        supplier: p.supplier.as_ref().and_then(supplier),
        version: Some(p.version.clone()).filter(|v| !v.is_empty()),
        hashes: checksums(&p.checksums).into_iter().map(hash).collect(),
        licenses: licenses(p),
        purl: Some(p.purl.to_string()),
        external_references: external_references(p),
        properties: properties(p),
        ..bare("library", name.to_owned())
    }
}

fn file_component(f: &FileRecord, bom_ref: &str) -> Component {
    Component {
        bom_ref: Some(bom_ref.to_owned()),
        hashes: checksums(&f.checksums).into_iter().map(hash).collect(),
        ..bare("file", f.path.clone())
    }
}

/// `supplier` (an organizationalEntity): a person supplier is named with themselves as the
/// contact.
fn supplier(party: &Party) -> Option<Supplier> {
    let (person, name, email) = match party {
        Party::Person { name, email } => (true, name, email),
        Party::Organization { name, email } => (false, name, email),
    };
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let email = email
        .as_deref()
        .and_then(plausible_email)
        .map(str::to_owned);
    let contact = (person || email.is_some()).then(|| Contact {
        name: person.then(|| name.to_owned()),
        email,
    });
    Some(Supplier {
        name: name.to_owned(),
        contact: contact.into_iter().collect(),
    })
}

/// The normalised expression as `expression` — also for a single SPDX id, because the
/// CycloneDX schemas enumerate the ids of one license-list version and reject newer ones in
/// `license.id` — except a lone `LicenseRef-`, which goes to `license.name` with the declared
/// text.
fn licenses(p: &Package) -> Vec<LicenseChoice> {
    let Some(raw) = p.license.as_deref() else {
        return Vec::new();
    };
    let Some(expr) = license::normalize(raw) else {
        return Vec::new();
    };
    let choice = if expr.starts_with("LicenseRef-") && !expr.contains(' ') {
        LicenseChoice::License {
            license: License {
                name: raw.trim().to_owned(),
            },
        }
    } else {
        LicenseChoice::Expression { expression: expr }
    };
    vec![choice]
}

fn hash((alg, content): (HashAlg, String)) -> Hash {
    let alg = match alg {
        HashAlg::Md5 => "MD5",
        HashAlg::Sha1 => "SHA-1",
        HashAlg::Sha256 => "SHA-256",
        HashAlg::Sha384 => "SHA-384",
        HashAlg::Sha512 => "SHA-512",
    };
    Hash { alg, content }
}

/// `website` for the home page; the download location as `vcs` for version-control URLs,
/// else `distribution`. Only URLs that validate are kept.
fn external_references(p: &Package) -> Vec<ExternalReference> {
    let mut out = Vec::new();
    if let Some(url) = p.homepage.as_deref().and_then(absolute_url) {
        out.push(ExternalReference {
            url: url.to_owned(),
            ty: "website",
        });
    }
    if let Some(url) = p.download_location.as_deref().and_then(absolute_url) {
        let vcs = ["git", "svn", "hg+", "bzr+"]
            .iter()
            .any(|s| url.starts_with(s));
        out.push(ExternalReference {
            url: url.to_owned(),
            ty: if vcs { "vcs" } else { "distribution" },
        });
    }
    out
}

/// `assay:cataloger`, `assay:package:type`, `assay:location:N:path` / `:layer`, then
/// `assay:metadata:KEY` for the model's extra facts (sorted by key).
fn properties(p: &Package) -> Vec<Property> {
    let mut out = vec![
        property("assay:cataloger", &p.cataloger),
        property("assay:package:type", p.kind.as_str()),
    ];
    for (i, l) in p.locations.iter().enumerate() {
        out.push(property(&format!("assay:location:{i}:path"), &l.path));
        if let Some(layer) = &l.layer {
            out.push(property(
                &format!("assay:location:{i}:layer"),
                &layer.to_string(),
            ));
        }
    }
    for (k, v) in &p.metadata {
        out.push(property(&format!("assay:metadata:{k}"), v));
    }
    out.retain(|p| !p.value.is_empty());
    out
}

fn property(name: &str, value: &str) -> Property {
    Property {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// One entry per component (sorted by ref): the source depends on what it contains and on the
/// OS; packages on their `DependsOn` targets; everything else on nothing.
fn dependencies(sbom: &Sbom, refs: &Refs) -> Vec<Dependency> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    graph.entry(&refs.root).or_default();
    for r in refs.by_model.values() {
        graph.entry(r).or_default();
    }
    if let Some(os) = &refs.os {
        graph.entry(os).or_default();
        graph.entry(&refs.root).or_default().insert(os);
    }
    for r in &sbom.relationships {
        let (Some(from), Some(to)) = (refs.by_model.get(&r.from), refs.by_model.get(&r.to)) else {
            continue;
        };
        let wanted = match r.kind {
            RelationshipKind::DependsOn => true,
            RelationshipKind::Contains => *from == refs.root,
        };
        if wanted && from != to {
            graph.entry(from).or_default().insert(to);
        }
    }
    graph
        .into_iter()
        .map(|(r, deps)| Dependency {
            reference: r.to_owned(),
            depends_on: deps.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}
