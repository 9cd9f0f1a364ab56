//! syft's own JSON format (`syft -o syft-json`, schema 16.x) → model, so SBOMs made by syft can
//! be scanned like any other.
//!
//! `artifacts` become packages (ids kept), `artifactRelationships` of type `dependency-of`
//! become `DependsOn` edges (syft points them from the dependency to its dependent, so they
//! are reversed), `source` and `distro` carry over. Suppliers come from the metadata fields
//! syft records per ecosystem (`maintainer`, `author`, `authorEmail`).

use serde::Deserialize;
use serde_json::Value;

use crate::format::{DecodeError, Decoded, generic_purl, kind_of, known, parse_json};
use crate::license;
use crate::model::{
    Distro, Location, Package, PackageId, Party, Relationship, RelationshipKind, Sbom, SourceInfo,
};

const FORMAT: &str = "syft-json";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    artifacts: Vec<Artifact>,
    #[serde(default)]
    artifact_relationships: Vec<WireRelationship>,
    source: Option<WireSource>,
    distro: Option<WireDistro>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    id: String,
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    found_by: String,
    #[serde(default)]
    locations: Vec<WireLocation>,
    #[serde(default)]
    licenses: Vec<WireLicense>,
    #[serde(default)]
    purl: String,
    #[serde(default)]
    metadata: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLocation {
    path: String,
    #[serde(default, rename = "layerID")]
    layer_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLicense {
    #[serde(default)]
    value: String,
    #[serde(default)]
    spdx_expression: String,
}

#[derive(Debug, Deserialize)]
struct WireRelationship {
    parent: String,
    child: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Debug, Deserialize)]
struct WireSource {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    ty: String,
    #[serde(default)]
    metadata: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDistro {
    #[serde(default)]
    id: String,
    #[serde(default, rename = "versionID")]
    version_id: Option<String>,
    #[serde(default)]
    version_codename: Option<String>,
    #[serde(default)]
    pretty_name: Option<String>,
}

/// Decodes a syft JSON document.
pub fn decode(bytes: &[u8]) -> Result<Sbom, DecodeError> {
    let doc: Document = parse_json(FORMAT, bytes)?;
    let packages = doc.artifacts.iter().filter_map(package).collect();
    let relationships = doc
        .artifact_relationships
        .iter()
        .filter_map(relationship)
        .collect();
    Ok(Decoded {
        source: source(doc.source.as_ref()),
        distro: doc.distro.filter(|d| !d.id.is_empty()).map(|d| Distro {
            id: d.id,
            version_id: d.version_id,
            codename: d.version_codename,
            pretty_name: d.pretty_name,
        }),
        packages,
        files: Vec::new(),
        relationships,
    }
    .into_sbom())
}

fn package(a: &Artifact) -> Option<Package> {
    let purl = a
        .purl
        .parse()
        .ok()
        .or_else(|| generic_purl(&a.name, &a.version))?;
    let locations: Vec<Location> = a
        .locations
        .iter()
        .map(|l| Location {
            path: l.path.clone(),
            layer: l.layer_id.as_deref().and_then(|d| d.parse().ok()),
        })
        .collect();
    let first = locations.first().cloned().unwrap_or(Location {
        path: String::new(),
        layer: None,
    });
    let mut p = Package::new(
        kind_of(&purl),
        &a.name,
        &a.version,
        purl,
        first,
        &a.found_by,
    );
    p.id = PackageId(a.id.clone());
    p.locations = locations;
    p.license = license_of(&a.licenses);
    p.supplier = supplier(&a.metadata);
    Some(p)
}

/// One expression from syft's license list: SPDX expressions where syft found them.
fn license_of(licenses: &[WireLicense]) -> Option<String> {
    let mut parts: Vec<String> = licenses
        .iter()
        .filter_map(|l| {
            known(Some(if l.spdx_expression.is_empty() {
                &l.value
            } else {
                &l.spdx_expression
            }))
        })
        .filter_map(|s| license::normalize(&s))
        .collect();
    parts.sort();
    parts.dedup();
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(
            parts
                .iter()
                .map(|p| {
                    if p.contains(' ') {
                        format!("({p})")
                    } else {
                        p.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

fn supplier(metadata: &Value) -> Option<Party> {
    let text = |k: &str| {
        metadata
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    match (text("maintainer").or(text("author")), text("authorEmail")) {
        (Some(name), Some(email)) if !name.contains('<') => {
            Party::person_from(&format!("{name} <{email}>"))
        }
        (Some(name), _) => Party::person_from(name),
        (None, Some(email)) => Party::person_from(email),
        (None, None) => None,
    }
}

fn relationship(r: &WireRelationship) -> Option<Relationship> {
    // syft: `dependency-of` runs from the dependency (parent) to the package needing it (child).
    (r.ty == "dependency-of").then(|| Relationship {
        from: PackageId(r.child.clone()),
        kind: RelationshipKind::DependsOn,
        to: PackageId(r.parent.clone()),
    })
}

fn source(s: Option<&WireSource>) -> SourceInfo {
    let kind = match s.map(|s| s.ty.as_str()) {
        Some("image") => "image",
        Some("file") => "file",
        _ => "directory",
    };
    let digest = s
        .and_then(|s| s.metadata.get("manifestDigest"))
        .and_then(Value::as_str)
        .and_then(|d| d.parse().ok());
    SourceInfo {
        name: s.map(|s| s.name.clone()).unwrap_or_default(),
        kind: kind.to_owned(),
        digest,
        supplier: None,
    }
}
