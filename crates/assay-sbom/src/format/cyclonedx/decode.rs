//! CycloneDX 1.4–1.6 JSON → model.
//!
//! `metadata.component` becomes the source, the first `operating-system` component the distro,
//! `file` components files, and every other component (nested ones included) a package. Ids,
//! locations, cataloger and extra facts are read back from assay's properties
//! (`assay:location:N:path` ...) or syft's (`syft:location:N:path`, `syft:package:foundBy`),
//! and the package id from a `package-id=` in the `bom-ref` when there is one, so documents
//! assay or syft wrote keep their ids. `dependencies` of the source become `Contains` edges,
//! all others `DependsOn`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::format::{
    DecodeError, Decoded, checksum_key, digest_of, generic_purl, kind_of, known, parse_json,
    short_hash,
};
use crate::license;
use crate::model::{
    Distro, FileRecord, Location, Package, PackageId, PackageKind, Party, Relationship,
    RelationshipKind, Sbom, SourceInfo, source_id,
};

const FORMAT: &str = "CycloneDX";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: String,
    spec_version: String,
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<WireComponent>,
    #[serde(default)]
    dependencies: Vec<WireDependency>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    component: Option<WireComponent>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireComponent {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(rename = "type", default)]
    ty: String,
    #[serde(default)]
    name: String,
    version: Option<String>,
    description: Option<String>,
    supplier: Option<WireOrganization>,
    author: Option<String>,
    publisher: Option<String>,
    #[serde(default)]
    authors: Vec<WireContact>,
    #[serde(default)]
    hashes: Vec<WireHash>,
    #[serde(default)]
    licenses: Vec<WireLicenseChoice>,
    purl: Option<String>,
    #[serde(default)]
    external_references: Vec<WireExternalReference>,
    #[serde(default)]
    properties: Vec<WireProperty>,
    #[serde(default)]
    components: Vec<WireComponent>,
}

#[derive(Debug, Deserialize)]
struct WireOrganization {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: Vec<WireContact>,
}

#[derive(Debug, Deserialize)]
struct WireContact {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireHash {
    alg: String,
    content: String,
}

#[derive(Debug, Deserialize)]
struct WireLicenseChoice {
    license: Option<WireLicense>,
    expression: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireLicense {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireExternalReference {
    url: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Debug, Deserialize)]
struct WireProperty {
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    depends_on: Vec<String>,
}

/// Reads a CycloneDX 1.4, 1.5 or 1.6 JSON document.
pub fn decode(bytes: &[u8]) -> Result<Sbom, DecodeError> {
    let bom: Bom = parse_json(FORMAT, bytes)?;
    let supported = matches!(bom.spec_version.as_str(), "1.4" | "1.5" | "1.6");
    if bom.bom_format != "CycloneDX" || !supported {
        return Err(DecodeError::Version {
            format: FORMAT,
            version: format!("{} {}", bom.bom_format, bom.spec_version),
            supported: "CycloneDX 1.4, 1.5, 1.6",
        });
    }
    Ok(read(&bom).into_sbom())
}

fn read(bom: &Bom) -> Decoded {
    let root = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
    let mut all = Vec::new();
    flatten(&bom.components, &mut all);
    let os = all.iter().find(|c| c.ty == "operating-system");
    let mut refs: BTreeMap<&str, PackageId> = BTreeMap::new();
    refs.extend(
        root.and_then(|r| r.bom_ref.as_deref())
            .map(|r| (r, source_id())),
    );
    let (mut packages, mut files) = (Vec::new(), Vec::new());
    for c in all.iter().filter(|c| c.ty != "operating-system") {
        let id = if c.ty == "file" {
            let f = file(c);
            let id = f.id.clone();
            files.push(f);
            id
        } else {
            let Some(p) = package(c) else { continue };
            let id = p.id.clone();
            packages.push(p);
            id
        };
        refs.extend(c.bom_ref.as_deref().map(|r| (r, id)));
    }
    Decoded {
        source: source(root),
        distro: os.map(|c| distro(c)),
        packages,
        files,
        relationships: edges(&bom.dependencies, &refs),
    }
}

/// Every component, nested ones after their parent.
fn flatten<'a>(list: &'a [WireComponent], out: &mut Vec<&'a WireComponent>) {
    for c in list {
        out.push(c);
        flatten(&c.components, out);
    }
}

fn edges(deps: &[WireDependency], refs: &BTreeMap<&str, PackageId>) -> Vec<Relationship> {
    let mut out = Vec::new();
    for d in deps {
        let Some(from) = refs.get(d.reference.as_str()) else {
            continue;
        };
        let kind = if *from == source_id() {
            RelationshipKind::Contains
        } else {
            RelationshipKind::DependsOn
        };
        out.extend(d.depends_on.iter().filter_map(|to| {
            refs.get(to.as_str()).map(|to| Relationship {
                from: from.clone(),
                kind,
                to: to.clone(),
            })
        }));
    }
    out
}

fn source(root: Option<&WireComponent>) -> SourceInfo {
    let Some(root) = root else {
        return SourceInfo {
            supplier: None,
            name: String::new(),
            kind: "file".to_owned(),
            digest: None,
        };
    };
    let props = Properties(&root.properties);
    let kind = props
        .get(&["assay:source:kind"])
        .unwrap_or(match root.ty.as_str() {
            "container" => "image",
            "file" => "file",
            _ => "directory",
        });
    let digest = root
        .hashes
        .iter()
        .find_map(|h| digest_of(&h.alg, &h.content))
        .or_else(|| root.version.as_deref().and_then(|v| v.parse().ok()));
    SourceInfo {
        supplier: None,
        name: root.name.clone(),
        kind: kind.to_owned(),
        digest,
    }
}

fn distro(c: &WireComponent) -> Distro {
    let props = Properties(&c.properties);
    Distro {
        id: c.name.clone(),
        version_id: c.version.clone().filter(|v| !v.is_empty()),
        codename: props
            .get(&["assay:distro:codename", "syft:distro:versionCodename"])
            .map(str::to_owned),
        pretty_name: c.description.clone(),
    }
}

fn file(c: &WireComponent) -> FileRecord {
    let key = c.bom_ref.as_deref().unwrap_or(&c.name);
    let id = key
        .strip_prefix("file-")
        .map_or_else(|| short_hash(key), str::to_owned);
    FileRecord {
        id: PackageId(id),
        path: c.name.clone(),
        checksums: checksums(&c.hashes),
    }
}

fn package(c: &WireComponent) -> Option<Package> {
    let version = c.version.clone().unwrap_or_default();
    let purl = c
        .purl
        .as_deref()
        .and_then(|p| p.parse().ok())
        .or_else(|| generic_purl(&c.name, &version))?;
    let props = Properties(&c.properties);
    let kind = props
        .get(&["assay:package:type", "syft:package:type"])
        .and_then(parse_kind)
        .unwrap_or_else(|| kind_of(&purl));
    let cataloger = props
        .get(&["assay:cataloger", "syft:package:foundBy"])
        .unwrap_or_default();
    let locations = props.locations();
    let name = if c.name.is_empty() {
        purl.name().to_owned()
    } else {
        c.name.clone()
    };
    let mut p = Package::new(
        kind,
        &name,
        &version,
        purl,
        Location {
            path: String::new(),
            layer: None,
        },
        cataloger,
    );
    p.id = package_id(c).unwrap_or_else(|| PackageId::derive(&p.purl, locations.first()));
    p.locations = locations;
    p.metadata = props.metadata();
    p.license = licenses(&c.licenses);
    p.supplier = supplier(c);
    p.homepage = reference(c, &["website"]);
    p.download_location = reference(c, &["distribution", "vcs"]);
    p.checksums = checksums(&c.hashes);
    Some(p)
}

/// The `package-id=` qualifier assay and syft put in `bom-ref`s.
fn package_id(c: &WireComponent) -> Option<PackageId> {
    let (_, rest) = c.bom_ref.as_deref()?.rsplit_once("package-id=")?;
    let id = rest.split('&').next().filter(|s| !s.is_empty())?;
    Some(PackageId(id.to_owned()))
}

fn parse_kind(s: &str) -> Option<PackageKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// Each license choice normalised; several are all required (`AND`), as syft means them.
fn licenses(list: &[WireLicenseChoice]) -> Option<String> {
    let parts: Vec<String> = list
        .iter()
        .filter_map(|l| {
            let text = l.expression.as_deref().or_else(|| {
                l.license
                    .as_ref()
                    .and_then(|x| x.id.as_deref().or(x.name.as_deref()))
            })?;
            license::normalize(text)
        })
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => {
            let wrapped: Vec<String> = many
                .iter()
                .map(|e| {
                    if e.contains(' ') {
                        format!("({e})")
                    } else {
                        e.clone()
                    }
                })
                .collect();
            license::normalize(&wrapped.join(" AND "))
        }
    }
}

/// `supplier` (a person when its contact carries the same name), else the first of
/// `authors`, `author`, `publisher`.
fn supplier(c: &WireComponent) -> Option<Party> {
    if let Some(s) = c.supplier.as_ref().filter(|s| !s.name.trim().is_empty()) {
        let contact = s.contact.first();
        let email = contact.and_then(|x| x.email.clone());
        let name = s.name.trim().to_owned();
        let person = contact.and_then(|x| x.name.as_deref()) == Some(name.as_str());
        return Some(if person {
            Party::Person { name, email }
        } else {
            Party::Organization { name, email }
        });
    }
    let author = c.authors.first().and_then(|a| {
        let name = a.name.clone().or_else(|| a.email.clone())?;
        Some(Party::Person {
            name,
            email: a.email.clone(),
        })
    });
    author
        .or_else(|| c.author.as_deref().and_then(Party::person_from))
        .or_else(|| c.publisher.as_deref().and_then(Party::person_from))
}

fn reference(c: &WireComponent, types: &[&str]) -> Option<String> {
    c.external_references
        .iter()
        .find(|r| types.contains(&r.ty.as_str()))
        .and_then(|r| known(Some(&r.url)))
}

fn checksums(hashes: &[WireHash]) -> BTreeMap<String, String> {
    hashes
        .iter()
        .filter_map(|h| {
            Some((
                checksum_key(&h.alg)?.to_owned(),
                h.content.trim().to_ascii_lowercase(),
            ))
        })
        .collect()
}

/// A component's properties, looked up by any of several names (assay's first, then syft's).
struct Properties<'a>(&'a [WireProperty]);

impl<'a> Properties<'a> {
    fn get(&self, names: &[&str]) -> Option<&'a str> {
        names
            .iter()
            .find_map(|n| self.0.iter().find(|p| p.name == *n))
            .map(|p| p.value.as_str())
    }

    /// `assay:location:N:path` / `:layer` (or syft's `:path` / `:layerID`), in N order.
    fn locations(&self) -> Vec<Location> {
        let mut by_index: BTreeMap<usize, Location> = BTreeMap::new();
        for p in self.0 {
            let rest = p
                .name
                .strip_prefix("assay:location:")
                .or_else(|| p.name.strip_prefix("syft:location:"));
            let Some((index, field)) = rest.and_then(|r| r.split_once(':')) else {
                continue;
            };
            let Ok(index) = index.parse::<usize>() else {
                continue;
            };
            let l = by_index.entry(index).or_insert_with(|| Location {
                path: String::new(),
                layer: None,
            });
            match field {
                "path" => l.path = p.value.clone(),
                "layer" | "layerID" => l.layer = p.value.parse().ok(),
                _ => {}
            }
        }
        by_index
            .into_values()
            .filter(|l| !l.path.is_empty())
            .collect()
    }

    /// `assay:metadata:KEY` → `KEY`.
    fn metadata(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter_map(|p| {
                Some((
                    p.name.strip_prefix("assay:metadata:")?.to_owned(),
                    p.value.clone(),
                ))
            })
            .collect()
    }
}
