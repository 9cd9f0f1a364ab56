//! The format-neutral SBOM model: packages, where they were found, who supplied them, and how
//! they relate. Encoders turn an [`Sbom`] into SPDX or CycloneDX; decoders turn those back.

use std::collections::BTreeMap;
use std::fmt;

use assay_core::{Digest, Purl, TreePath};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Where a package's evidence was found: a path in the tree and the layer that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Absolute path inside the scanned tree, e.g. `/var/lib/dpkg/status`.
    pub path: String,
    /// Diff ID of the layer the file came from (images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Digest>,
}

impl Location {
    /// A location for `path`, with the layer its tree entry records.
    pub fn new(path: &TreePath, layer: Option<&Digest>) -> Self {
        Self {
            path: path.to_string(),
            layer: layer.cloned(),
        }
    }
}

/// A person or organisation (SPDX `supplier`/`originator`, CycloneDX `supplier`/`authors`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Party {
    /// A natural person.
    Person {
        /// Display name.
        name: String,
        /// E-mail address, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    /// A company, project or distribution.
    Organization {
        /// Display name.
        name: String,
        /// E-mail address, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
}

impl Party {
    /// Parses the common `Name <email>` form (dpkg Maintainer, npm author, Python Author-email).
    pub fn person_from(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let (name, email) = match (text.find('<'), text.rfind('>')) {
            (Some(a), Some(b)) if a < b => (
                text.get(..a).unwrap_or_default().trim(),
                text.get(a + 1..b).map(str::trim),
            ),
            _ => (text, None),
        };
        let name = if name.is_empty() {
            email.unwrap_or_default()
        } else {
            name
        };
        Some(Self::Person {
            name: name.trim_matches('"').to_owned(),
            email: email.filter(|e| !e.is_empty()).map(str::to_owned),
        })
    }
}

/// The kind of package, named as syft names package types so reports line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PackageKind {
    /// Debian package (dpkg).
    Deb,
    /// Alpine package.
    Apk,
    /// RPM package.
    Rpm,
    /// npm package.
    Npm,
    /// Python distribution.
    Python,
    /// Rust crate.
    RustCrate,
    /// Go module.
    GoModule,
    /// Java archive.
    JavaArchive,
    /// Ruby gem.
    Gem,
    /// PHP Composer package.
    PhpComposer,
    /// .NET / NuGet package.
    Dotnet,
    /// Anything else.
    Other,
}

impl PackageKind {
    /// syft's type string (`deb`, `npm`, `python`, `rust-crate`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deb => "deb",
            Self::Apk => "apk",
            Self::Rpm => "rpm",
            Self::Npm => "npm",
            Self::Python => "python",
            Self::RustCrate => "rust-crate",
            Self::GoModule => "go-module",
            Self::JavaArchive => "java-archive",
            Self::Gem => "gem",
            Self::PhpComposer => "php-composer",
            Self::Dotnet => "dotnet",
            Self::Other => "other",
        }
    }

    /// True for operating-system package managers.
    pub fn is_os(self) -> bool {
        matches!(self, Self::Deb | Self::Apk | Self::Rpm)
    }
}

impl fmt::Display for PackageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable identifier for a package within one SBOM: derived from its purl and first
/// location, so the same input always yields the same ids (and SPDX/CycloneDX refs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PackageId(pub String);

impl PackageId {
    /// The id for a package with `purl` found first at `location`.
    pub fn derive(purl: &Purl, location: Option<&Location>) -> Self {
        let mut h = Sha256::new();
        h.update(purl.to_string().as_bytes());
        h.update([0]);
        h.update(
            location
                .map(|l| l.path.as_str())
                .unwrap_or_default()
                .as_bytes(),
        );
        Self(hex::encode(h.finalize().get(..8).unwrap_or_default()))
    }
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Stable id (see [`PackageId::derive`]).
    pub id: PackageId,
    /// Name as the ecosystem spells it.
    pub name: String,
    /// Version as the ecosystem spells it (empty when unknown).
    pub version: String,
    /// Package type.
    pub kind: PackageKind,
    /// Package URL.
    pub purl: Purl,
    /// License expression using SPDX ids where they are known (`LicenseRef-…` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Who supplies it (dpkg Maintainer, npm author, Python Author/Maintainer, registry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Party>,
    /// Where it can be downloaded (SPDX `downloadLocation`), an absolute URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    /// Project home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Checksums of the package artifact (algorithm like `SHA256` → hex), when the evidence has them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checksums: BTreeMap<String, String>,
    /// Where the evidence was found (sorted, first is the primary one).
    pub locations: Vec<Location>,
    /// The cataloger that found it (e.g. `dpkg-db-cataloger`).
    pub cataloger: String,
    /// Extra facts for later stages (e.g. `source` package and `arch` for deb).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl Package {
    /// A package with its id derived from `purl` and `location`; other fields empty.
    pub fn new(
        kind: PackageKind,
        name: &str,
        version: &str,
        purl: Purl,
        location: Location,
        cataloger: &str,
    ) -> Self {
        Self {
            id: PackageId::derive(&purl, Some(&location)),
            name: name.to_owned(),
            version: version.to_owned(),
            kind,
            purl,
            license: None,
            supplier: None,
            download_location: None,
            homepage: None,
            checksums: BTreeMap::new(),
            locations: vec![location],
            cataloger: cataloger.to_owned(),
            metadata: BTreeMap::new(),
        }
    }
}

/// How two elements relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationshipKind {
    /// `from` depends on `to` (from a lockfile or package database).
    DependsOn,
    /// `from` (the source or an artifact file) contains `to`.
    Contains,
}

/// A directed edge between two packages (or the source, id `"source"`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relationship {
    /// The element the edge starts at.
    pub from: PackageId,
    /// The kind.
    pub kind: RelationshipKind,
    /// The element it points to.
    pub to: PackageId,
}

/// The operating system found in the tree (`/etc/os-release`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// `ID`, e.g. `debian`.
    pub id: String,
    /// `VERSION_ID`, e.g. `12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME`, e.g. `bookworm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
}

/// What was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The SOURCE as the user named it.
    pub name: String,
    /// `image`, `directory` or `file`.
    pub kind: String,
    /// The image's manifest digest, when the source is an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    /// Who supplies the scanned artifact (`--source-supplier`), when the user says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Party>,
}

/// A file recorded in the SBOM (release artifacts, or every file with `--files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Stable id.
    pub id: PackageId,
    /// Path in the tree.
    pub path: String,
    /// `SHA1`, `SHA256` → hex.
    pub checksums: BTreeMap<String, String>,
}

/// A problem with one piece of evidence; the rest of the catalog is still produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The cataloger.
    pub cataloger: String,
    /// The file.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// A software bill of materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    /// What was scanned.
    pub source: SourceInfo,
    /// The OS, if one was recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Packages, sorted by (kind, name, version, id), no duplicates.
    pub packages: Vec<Package>,
    /// Files (artifacts or all files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRecord>,
    /// Edges, sorted, no duplicates.
    pub relationships: Vec<Relationship>,
    /// Evidence that could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// The id used for the scanned source itself in relationships.
pub fn source_id() -> PackageId {
    PackageId("source".to_owned())
}
