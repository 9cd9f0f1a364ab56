//! What an archive is, from what it carries: its own package (the "main" one) and packages
//! shaded into it, following syft's rules (`archive_parser.go`) where they are sound.
//!
//! The main package comes from, in order:
//!
//! 1. the `META-INF/maven/*/*/pom.properties` whose `groupId`/`artifactId` matches the file
//!    name (`<group>.<artifact>`, then exactly `<artifact>`, then an artifactId starting with
//!    the file's name or a file name ending in the artifactId; the first in path order wins);
//!    its sibling `pom.xml` adds licenses, organization and URL;
//! 2. else a `META-INF/maven/**/pom.xml` matching the file name the same way;
//! 3. else `META-INF/MANIFEST.MF`: the file name's name and version (see [`super::filename`]),
//!    else `Name`, `Bundle-Name`, `Short-Name`, `Extension-Name`, `Implementation-Title`, and
//!    `Implementation-Version`, `Specification-Version`, `Plugin-Version`, `Bundle-Version`.
//!    Without a manifest there is no main package (syft's rule: a ZIP named `.jar` proves
//!    nothing).
//!
//! Every other `pom.properties` is a package of its own (shaded or bundled into the archive).
//! Manifests of New Relic instrumentation modules (`Weave-Classes`) describe no package.
//!
//! Without Maven metadata the group is guessed from the manifest: `Group-Id` (Jenkins),
//! `Implementation-Vendor-Id` (Maven's archiver writes the groupId there), or a
//! `Bundle-SymbolicName`/`Automatic-Module-Name` of the form `<group>.<name>`. A guessed group
//! gives a purl namespace but no Maven Central download URL.

use std::collections::BTreeMap;

use super::manifest::Manifest;
use super::pom::{StandalonePom, standalone};
use super::pom_xml::PomXml;
use super::{
    ARCHIVE, Coordinates, declared_license, filename, join_licenses, maven_package, organization,
    web_url,
};
use crate::model::{Location, Package, Party};

/// What was read from one archive.
#[derive(Debug, Default)]
pub(super) struct Contents {
    /// `META-INF/MANIFEST.MF`.
    pub(super) manifest: Option<Manifest>,
    /// `pom.properties` files by directory (`META-INF/maven/<group>/<artifact>`).
    pub(super) properties: BTreeMap<String, PomProperties>,
    /// `pom.xml` files by directory.
    pub(super) poms: BTreeMap<String, PomXml>,
}

/// A `pom.properties` (Java properties format, as Maven's archiver writes it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct PomProperties {
    pub(super) group: String,
    pub(super) artifact: String,
    pub(super) version: String,
}

impl PomProperties {
    /// Parses `key=value` / `key: value` lines; `#` and `!` start comments.
    pub(super) fn parse(text: &str) -> Self {
        let mut props = Self::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with(['#', '!']) {
                continue;
            }
            let Some(at) = line.find(['=', ':']) else {
                continue;
            };
            let (key, value) = line.split_at(at);
            let value = value.get(1..).unwrap_or_default().trim().to_owned();
            match key.trim() {
                "groupId" => props.group = value,
                "artifactId" => props.artifact = value,
                "version" => props.version = value,
                _ => {}
            }
        }
        props
    }

    fn usable(&self) -> bool {
        !self.artifact.is_empty() && !self.version.is_empty()
    }
}

/// One package the archive names.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    coords: Coordinates,
    /// The coordinates come from Maven metadata (not guessed from a manifest).
    from_maven: bool,
    license: Option<String>,
    supplier: Option<Party>,
    homepage: Option<String>,
    /// Path of the `pom.properties` inside the archive.
    pom_properties: Option<String>,
}

impl Facts {
    /// The package, located at the outer file; `virtual_path` names the archive inside it.
    pub(super) fn package(
        &self,
        location: &Location,
        virtual_path: Option<&str>,
    ) -> Result<Package, String> {
        let mut pkg = maven_package(&self.coords, location.clone(), ARCHIVE)?;
        if !self.from_maven {
            pkg.supplier = None;
            pkg.download_location = None;
        }
        if let Some(s) = &self.supplier {
            pkg.supplier = Some(s.clone());
        }
        pkg.license.clone_from(&self.license);
        pkg.homepage.clone_from(&self.homepage);
        if let Some(v) = virtual_path {
            pkg.metadata.insert("virtual_path".to_owned(), v.to_owned());
        }
        if let Some(p) = &self.pom_properties {
            pkg.metadata.insert("pom_properties".to_owned(), p.clone());
        }
        Ok(pkg)
    }
}

/// The archive's own package and the ones bundled into it.
#[derive(Debug, Default)]
pub(super) struct Identified {
    pub(super) main: Option<Facts>,
    pub(super) embedded: Vec<Facts>,
}

/// Identifies the packages of an archive named `file_name` holding `contents`.
pub(super) fn identify(contents: &Contents, file_name: &str) -> Identified {
    let manifest = contents.manifest.as_ref();
    if manifest.is_some_and(|m| m.main("Weave-Classes").is_some()) {
        return Identified::default();
    }
    let (name, version) = filename::name_and_version(file_name);
    let props: Vec<(&String, &PomProperties)> = contents
        .properties
        .iter()
        .filter(|(_, p)| p.usable())
        .collect();
    let main_dir = pick_main(&props, &name);
    let mut main = match main_dir {
        Some((dir, p)) => Some(from_properties(contents, dir, p)),
        None => from_pom_xml(contents, &name).or_else(|| from_manifest(manifest?, &name)),
    };
    if let Some(m) = main.as_mut() {
        complete_main(m, manifest, &version);
    }
    let embedded = props
        .iter()
        .filter(|(dir, _)| main_dir.is_none_or(|(d, _)| d != *dir))
        .map(|(dir, p)| from_properties(contents, dir, p))
        .filter(|e| main.as_ref().is_none_or(|m| !same_artifact(m, e)))
        .collect();
    Identified { main, embedded }
}

/// Fills what the main package's Maven metadata left open from the manifest and file name.
fn complete_main(main: &mut Facts, manifest: Option<&Manifest>, file_version: &str) {
    if main.coords.version.is_empty() {
        main.coords.version = if file_version.is_empty() {
            manifest
                .and_then(manifest_version)
                .unwrap_or_default()
                .to_owned()
        } else {
            file_version.to_owned()
        };
    }
    let Some(m) = manifest else { return };
    if let Some(l) = manifest_license(m) {
        // syft prefers the manifest's license declaration over the embedded POM's.
        main.license = Some(l);
    }
    if main.supplier.is_none() {
        main.supplier = [
            "Bundle-Vendor",
            "Implementation-Vendor",
            "Specification-Vendor",
        ]
        .iter()
        .find_map(|k| m.main(k))
        .map(organization);
    }
    if main.homepage.is_none() {
        main.homepage = ["Bundle-DocURL", "Implementation-URL", "Url"]
            .iter()
            .find_map(|k| web_url(m.main(k)?));
    }
}

/// The `pom.properties` naming the archive itself (see the module docs).
fn pick_main<'p>(
    props: &[(&'p String, &'p PomProperties)],
    name: &str,
) -> Option<(&'p String, &'p PomProperties)> {
    if name.is_empty() {
        return match props {
            [only] => Some(*only),
            _ => None,
        };
    }
    let qualified = |p: &PomProperties| {
        ['.', '-', '_']
            .iter()
            .any(|sep| name == format!("{}{sep}{}", p.group, p.artifact))
    };
    props
        .iter()
        .find(|(_, p)| qualified(p))
        .or_else(|| props.iter().find(|(_, p)| p.artifact == name))
        .or_else(|| {
            props
                .iter()
                .find(|(_, p)| artifact_matches(&p.artifact, name))
        })
        .copied()
}

/// syft's loose match of an artifactId and a file's name.
fn artifact_matches(artifact: &str, name: &str) -> bool {
    !artifact.is_empty()
        && !name.is_empty()
        && (artifact.starts_with(name) || name.ends_with(artifact))
}

fn same_artifact(a: &Facts, b: &Facts) -> bool {
    a.coords.artifact == b.coords.artifact
        && (a.coords.group == b.coords.group || a.coords.group.is_none())
}

fn from_properties(contents: &Contents, dir: &str, p: &PomProperties) -> Facts {
    let pom = contents.poms.get(dir).and_then(standalone);
    let mut coords = Coordinates::new(Some(&p.group), &p.artifact, &p.version);
    if coords.group.is_none() {
        coords.group = pom.as_ref().and_then(|s| s.coords.group.clone());
    }
    let mut facts = with_pom(coords, pom.as_ref());
    facts.pom_properties = Some(format!("{dir}/pom.properties"));
    facts
}

fn from_pom_xml(contents: &Contents, name: &str) -> Option<Facts> {
    let poms: Vec<StandalonePom> = contents.poms.values().filter_map(standalone).collect();
    let pick = poms
        .iter()
        .find(|s| s.coords.artifact == name)
        .or_else(|| {
            poms.iter()
                .find(|s| artifact_matches(&s.coords.artifact, name))
        })?;
    Some(with_pom(pick.coords.clone(), Some(pick)))
}

fn with_pom(coords: Coordinates, pom: Option<&StandalonePom>) -> Facts {
    Facts {
        from_maven: coords.group.is_some(),
        coords,
        license: pom.and_then(|s| s.license.clone()),
        supplier: pom
            .and_then(|s| s.organization.as_deref())
            .map(organization),
        homepage: pom.and_then(|s| s.homepage.clone()),
        pom_properties: None,
    }
}

fn from_manifest(m: &Manifest, file_name: &str) -> Option<Facts> {
    let name = Some(file_name).filter(|n| !n.is_empty()).or_else(|| {
        [
            "Name",
            "Bundle-Name",
            "Short-Name",
            "Extension-Name",
            "Implementation-Title",
        ]
        .iter()
        .find_map(|k| m.main(k))
    })?;
    let group = manifest_group(m, name);
    Some(Facts {
        coords: Coordinates::new(group.as_deref(), name, ""),
        from_maven: false,
        license: None,
        supplier: None,
        homepage: None,
        pom_properties: None,
    })
}

fn manifest_version(m: &Manifest) -> Option<&str> {
    [
        "Implementation-Version",
        "Specification-Version",
        "Plugin-Version",
        "Bundle-Version",
    ]
    .iter()
    .find_map(|k| m.any(k))
}

/// `Bundle-License` (OSGi core spec: `name[;link=url]`, comma-separated; all apply, as far as
/// a scan can tell), else Jenkins' `Plugin-License-Name`/`-Url`.
fn manifest_license(m: &Manifest) -> Option<String> {
    if let Some(raw) = m.main("Bundle-License") {
        let exprs = raw
            .split(',')
            .filter_map(|part| {
                let term = part.split(';').next()?.trim().trim_matches('"');
                if term.contains("://") {
                    declared_license(None, Some(term))
                } else {
                    declared_license(Some(term), None)
                }
            })
            .collect();
        return join_licenses(exprs, "AND");
    }
    declared_license(m.main("Plugin-License-Name"), m.main("Plugin-License-Url"))
}

/// The group a manifest suggests for package `name` (see the module docs).
fn manifest_group(m: &Manifest, name: &str) -> Option<String> {
    let plain = |g: &str| {
        !g.is_empty()
            && g.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    };
    if let Some(g) = m.main("Group-Id").filter(|g| plain(g)) {
        return Some(g.to_owned());
    }
    let dotted = |g: &str| plain(g) && g.contains('.') && !g.starts_with('.') && !g.ends_with('.');
    if let Some(g) = m.main("Implementation-Vendor-Id").filter(|g| dotted(g)) {
        return Some(g.to_owned());
    }
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    ["Bundle-SymbolicName", "Automatic-Module-Name"]
        .iter()
        .filter_map(|k| m.main(k))
        .filter_map(|v| {
            let v = v.split(';').next()?.trim();
            let cut = v.len().checked_sub(name.len() + 1)?;
            let (group, rest) = (v.get(..cut)?, v.get(cut..)?);
            (rest.starts_with('.') && norm(rest.get(1..)?) == norm(name) && dotted(group))
                .then(|| group.to_owned())
        })
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> PomProperties {
        PomProperties::parse(text)
    }

    #[test]
    fn pom_properties_cases() {
        let want = PomProperties {
            group: "org.anchore".into(),
            artifact: "example-java-app-maven".into(),
            version: "0.1.0".into(),
        };
        assert_eq!(
            props("#c\ngroupId=org.anchore\nartifactId= example-java-app-maven\nversion=  0.1.0\n"),
            want
        );
        assert_eq!(
            props("groupId:org.anchore\nartifactId: example-java-app-maven\nversion:   0.1.0"),
            want
        );
        let p = props(
            "groupId:org.anchore\nartifactId: example-java=app-maven\nversion:   0.1.0=something",
        );
        assert_eq!(
            (p.artifact.as_str(), p.version.as_str()),
            ("example-java=app-maven", "0.1.0=something")
        );
        let p = props(
            "groupId=org.anchore\nartifactId= example-java:app-maven\nversion=   0.1.0:something",
        );
        assert_eq!(
            (p.artifact.as_str(), p.version.as_str()),
            ("example-java:app-maven", "0.1.0:something")
        );
    }

    #[test]
    fn manifest_groups() {
        let m = Manifest::parse("Bundle-SymbolicName: com.fasterxml.jackson.core.jackson-core\n");
        assert_eq!(
            manifest_group(&m, "jackson-core").as_deref(),
            Some("com.fasterxml.jackson.core")
        );
        let m = Manifest::parse("Automatic-Module-Name: io.micronaut.micronaut_aop\n");
        assert_eq!(
            manifest_group(&m, "micronaut-aop").as_deref(),
            Some("io.micronaut")
        );
        let m = Manifest::parse("Automatic-Module-Name: org.opensaml.core\n");
        assert_eq!(manifest_group(&m, "opensaml-core"), None);
        let m = Manifest::parse("Group-Id: org.jenkins-ci.plugins\n");
        assert_eq!(
            manifest_group(&m, "gradle").as_deref(),
            Some("org.jenkins-ci.plugins")
        );
    }

    #[test]
    fn main_from_manifest_and_file_name() {
        let contents = Contents {
            manifest: Some(Manifest::parse(
                "Manifest-Version: 1.0\nPlugin-Version: 2.11\nGroup-Id: org.jenkins-ci.plugins\n",
            )),
            ..Contents::default()
        };
        let found = identify(&contents, "gradle.hpi");
        let main = found.main.unwrap();
        assert_eq!(main.coords, {
            let mut c = Coordinates::new(Some("org.jenkins-ci.plugins"), "gradle", "2.11");
            c.extension = "jar".into();
            c
        });
        assert!(!main.from_maven);
        assert!(identify(&Contents::default(), "x-1.0.jar").main.is_none());
        let weave = Contents {
            manifest: Some(Manifest::parse(
                "Implementation-Title: x\nWeave-Classes: a/B\n",
            )),
            ..Contents::default()
        };
        assert!(
            identify(&weave, "spring-instrumentation-4.3.0-1.0.jar")
                .main
                .is_none()
        );
    }
}
