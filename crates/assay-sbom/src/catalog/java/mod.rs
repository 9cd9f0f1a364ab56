//! Java: archives, Maven POMs, Gradle lockfiles and JVM installations.
//!
//! One [`JavaCataloger`] reads four kinds of evidence and reports each under the name syft's
//! matching cataloger uses, so reports line up:
//!
//! - [`archive`] (`java-archive-cataloger`): JAR-family archives (`*.jar`, `*.war`, `*.ear`,
//!   `*.jpi`, `*.hpi`, `*.par`, `*.sar`, `*.nar`, `*.kar`, `*.lpkg`) and `*.zip` files that
//!   wrap them. Inside an archive, `META-INF/maven/<group>/<artifact>/pom.properties` (with its
//!   sibling `pom.xml`) and `META-INF/MANIFEST.MF` name the archive's own package
//!   ([`identity`]); other `pom.properties` files are packages shaded into it; nested archives
//!   (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, ...) are opened in turn, within depth and
//!   expansion limits.
//! - [`pom`] (`java-pom-cataloger`): `pom.xml` files, the project and its declared
//!   dependencies, with properties, parents found in the same tree ([`maven`]) and
//!   `<dependencyManagement>` applied.
//! - [`gradle`] (`java-gradle-lockfile-cataloger`): `gradle.lockfile`.
//! - [`jvm`] (`java-jvm-cataloger`): a JDK's or JRE's `release` file.
//!
//! Maven packages get `pkg:maven/<groupId>/<artifactId>@<version>` purls. Where the group is
//! known they also get Maven Central as supplier and its download URL: Maven resolves
//! coordinates against Central unless told otherwise (the super POM's only repository), so
//! that is where the artifact comes from. Not so for snapshots (Central has none), for a
//! POM's own project (built where it was found), or for dependencies of a POM that declares
//! other `<repositories>` (any of them may serve it). [`Coordinates`] and [`maven_package`]
//! build these packages for every reader.

mod archive;
mod filename;
mod gradle;
mod identity;
mod jvm;
mod manifest;
mod maven;
mod pom;
mod pom_xml;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for the archive cataloger (also this cataloger's name).
const ARCHIVE: &str = "java-archive-cataloger";
/// syft's name for the `pom.xml` cataloger.
const POM: &str = "java-pom-cataloger";
/// syft's name for the Gradle lockfile cataloger.
const GRADLE: &str = "java-gradle-lockfile-cataloger";
/// syft's name for the JVM installation cataloger.
const JVM: &str = "java-jvm-cataloger";

/// Archive extensions syft's archive cataloger globs for (plus `kar`, Apache Karaf's).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    "jar", "war", "ear", "jpi", "hpi", "par", "sar", "nar", "kar", "lpkg",
];

/// Where Maven resolves artifacts by default.
const MAVEN_CENTRAL: &str = "Maven Central";
/// Maven Central's repository root.
const MAVEN_CENTRAL_URL: &str = "https://repo1.maven.org/maven2";

/// The Java cataloger.
#[derive(Debug, Clone, Copy)]
pub struct JavaCataloger;

/// The kinds of evidence, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    /// A JAR-family archive.
    Archive,
    /// A `.zip` that may hold archives.
    Wrapper,
    /// A Maven `pom.xml`.
    Pom,
    /// A Gradle lockfile.
    GradleLock,
    /// A JVM `release` file.
    JvmRelease,
}

impl Evidence {
    fn of(file_name: &str) -> Option<Self> {
        match file_name {
            "pom.xml" => return Some(Self::Pom),
            "release" => return Some(Self::JvmRelease),
            // syft globs `**/gradle.lockfile*`.
            n if n.starts_with("gradle.lockfile") => return Some(Self::GradleLock),
            _ => {}
        }
        let (stem, ext) = file_name.rsplit_once('.')?;
        if stem.is_empty() {
            None
        } else if ext.eq_ignore_ascii_case("zip") {
            Some(Self::Wrapper)
        } else {
            is_archive_extension(ext).then_some(Self::Archive)
        }
    }
}

/// True for `ext` (no dot, any case) of a JAR-family archive.
fn is_archive_extension(ext: &str) -> bool {
    ARCHIVE_EXTENSIONS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(ext))
}

/// True when `name` (a path or file name) ends in a JAR-family extension.
fn is_archive_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && !stem.ends_with('/') && is_archive_extension(ext)
    })
}

impl Cataloger for JavaCataloger {
    fn name(&self) -> &'static str {
        ARCHIVE
    }

    fn wants(&self, path: &TreePath) -> bool {
        Evidence::of(path.file_name()).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut poms = Vec::new();
        for entry in files {
            match Evidence::of(entry.path.file_name()) {
                Some(Evidence::Archive) => archive::catalog(tree, entry, false, out),
                Some(Evidence::Wrapper) => archive::catalog(tree, entry, true, out),
                Some(Evidence::Pom) => poms.push(*entry),
                Some(Evidence::GradleLock) => gradle::catalog(tree, entry, out),
                Some(Evidence::JvmRelease) => jvm::catalog(tree, entry, out),
                None => {}
            }
        }
        pom::catalog(tree, &poms, out);
    }
}

/// A Maven artifact's coordinates, resolved (no `${...}` left).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Coordinates {
    /// `groupId`, when known.
    group: Option<String>,
    /// `artifactId`.
    artifact: String,
    /// `version` (empty when unknown).
    version: String,
    /// `classifier`, e.g. `jdk15`.
    classifier: Option<String>,
    /// File extension of the artifact (`jar`, `war`, `pom`, `hpi`, ...).
    extension: String,
}

impl Coordinates {
    fn new(group: Option<&str>, artifact: &str, version: &str) -> Self {
        Self {
            group: group
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_owned),
            artifact: artifact.trim().to_owned(),
            version: version.trim().to_owned(),
            classifier: None,
            extension: "jar".to_owned(),
        }
    }

    /// `pkg:maven/<group>/<artifact>@<version>?classifier=...` (purl spec, "maven" type).
    fn purl(&self) -> Result<Purl, String> {
        let purl = Purl::new(
            "maven",
            self.group.as_deref(),
            &self.artifact,
            Some(&self.version),
        )
        .map_err(|e| format!("{}: no valid package URL: {e}", self.artifact))?;
        Ok(match &self.classifier {
            Some(c) => purl.with_qualifier("classifier", c),
            None => purl,
        })
    }

    /// The artifact's URL in Maven Central's layout (`maven-repository` layout:
    /// `<group as path>/<artifact>/<version>/<artifact>-<version>[-<classifier>].<ext>`);
    /// `None` without a group or a version, for snapshots (never on Central), or when a part
    /// would not make a clean URL.
    fn central_url(&self) -> Option<String> {
        let group = self.group.as_deref()?;
        let clean = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-+~".contains(&b))
                && !s.contains("..")
        };
        let version = &self.version;
        let parts_ok = clean(group)
            && clean(&self.artifact)
            && clean(version)
            && clean(&self.extension)
            && self.classifier.as_deref().is_none_or(clean);
        if !parts_ok || version.ends_with("-SNAPSHOT") {
            return None;
        }
        let classifier = self
            .classifier
            .as_deref()
            .map(|c| format!("-{c}"))
            .unwrap_or_default();
        Some(format!(
            "{MAVEN_CENTRAL_URL}/{}/{a}/{version}/{a}-{version}{classifier}.{}",
            group.replace('.', "/"),
            self.extension,
            a = self.artifact,
        ))
    }
}

/// A `java-archive` package for `coords` found at `location`: purl, and Maven Central as
/// supplier and download location when the group is known and the version is not a snapshot
/// (Central hosts releases only; see the module docs).
fn maven_package(
    coords: &Coordinates,
    location: Location,
    cataloger: &str,
) -> Result<Package, String> {
    let purl = coords.purl()?;
    let mut pkg = Package::new(
        PackageKind::JavaArchive,
        &coords.artifact,
        &coords.version,
        purl,
        location,
        cataloger,
    );
    if coords.group.is_some() && !coords.version.ends_with("-SNAPSHOT") {
        pkg.supplier = Some(organization(MAVEN_CENTRAL));
        pkg.download_location = coords.central_url();
    }
    Ok(pkg)
}

/// `Party::Organization` named `name`.
fn organization(name: &str) -> Party {
    Party::Organization {
        name: name.trim().to_owned(),
        email: None,
    }
}

/// `url` when it is an absolute http(s) URL.
fn web_url(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_ok = ["http://", "https://"].iter().any(|s| {
        url.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    });
    (scheme_ok && url.len() > 8 && !url.contains(char::is_whitespace) && !url.contains("${"))
        .then(|| url.to_owned())
}

/// Well-known license URLs and the SPDX ids they name.
const LICENSE_URLS: &[(&str, &str)] = &[
    ("apache.org/licenses/license-2.0", "Apache-2.0"),
    ("opensource.org/licenses/apache-2.0", "Apache-2.0"),
    ("opensource.org/licenses/mit", "MIT"),
    ("opensource.org/license/mit", "MIT"),
    ("eclipse.org/legal/epl-v20", "EPL-2.0"),
    ("eclipse.org/legal/epl-2.0", "EPL-2.0"),
    ("eclipse.org/legal/epl-v10", "EPL-1.0"),
    ("eclipse.org/org/documents/epl-v10", "EPL-1.0"),
    ("eclipse.org/org/documents/edl-v10", "BSD-3-Clause"),
    ("opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"),
    ("opensource.org/licenses/bsd-2-clause", "BSD-2-Clause"),
    ("gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only"),
    ("gnu.org/licenses/lgpl-3.0", "LGPL-3.0-only"),
    ("gnu.org/licenses/gpl-2.0", "GPL-2.0-only"),
    ("gnu.org/licenses/gpl-3.0", "GPL-3.0-only"),
    ("mozilla.org/mpl/2.0", "MPL-2.0"),
    ("opensource.org/license/unlicense", "Unlicense"),
    ("unlicense.org", "Unlicense"),
];

/// The SPDX id a well-known license URL names.
fn license_from_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    LICENSE_URLS
        .iter()
        .find(|(prefix, _)| rest.starts_with(prefix))
        .map(|(_, id)| (*id).to_owned())
}

/// License names common in POMs on Maven Central that general normalisation leaves as
/// `LicenseRef-`s, keyed by [`name_key`].
const POM_LICENSE_NAMES: &[(&str, &str)] = &[
    ("the apache software license version 2 0", "Apache-2.0"),
    ("the apache license version 2 0", "Apache-2.0"),
    ("apache software license version 2 0", "Apache-2.0"),
    ("eclipse public license v2 0", "EPL-2.0"),
    ("eclipse public license v 2 0", "EPL-2.0"),
    ("eclipse public license 2 0", "EPL-2.0"),
    ("epl 2 0", "EPL-2.0"),
    ("eclipse public license v1 0", "EPL-1.0"),
    ("eclipse public license v 1 0", "EPL-1.0"),
    ("eclipse public license 1 0", "EPL-1.0"),
    ("epl 1 0", "EPL-1.0"),
    // The Eclipse Distribution License 1.0 is the BSD 3-clause text (SPDX license list).
    ("eclipse distribution license v 1 0", "BSD-3-Clause"),
    ("edl 1 0", "BSD-3-Clause"),
    ("new bsd license", "BSD-3-Clause"),
    ("the new bsd license", "BSD-3-Clause"),
    ("bsd 3 clause license", "BSD-3-Clause"),
    ("the bsd 3 clause license", "BSD-3-Clause"),
    ("mozilla public license version 2 0", "MPL-2.0"),
    ("mozilla public license 2 0", "MPL-2.0"),
    ("mpl 2 0", "MPL-2.0"),
    (
        "gnu general public license version 2 with the gnu classpath exception",
        "GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    ("gpl2 w cpe", "GPL-2.0-only WITH Classpath-exception-2.0"),
];

/// Lowercase words: runs of anything but letters and digits become one space.
fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One declared license: its name (a common POM spelling mapped first), else its URL (a
/// known one mapped to its SPDX id). A name that only normalises to a `LicenseRef-` yields to
/// a well-known URL declared with it.
fn declared_license(name: Option<&str>, url: Option<&str>) -> Option<String> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    let from_url = url.and_then(license_from_url);
    let Some(name) = name else {
        return from_url.or_else(|| crate::license::normalize(url?));
    };
    let key = name_key(name);
    if let Some((_, id)) = POM_LICENSE_NAMES.iter().find(|(k, _)| *k == key) {
        return Some((*id).to_owned());
    }
    match crate::license::normalize(name) {
        Some(expr) if expr.starts_with("LicenseRef-") => from_url.or(Some(expr)),
        other => other.or(from_url),
    }
}

/// Joins normalized expressions with `op` (`OR`, `AND`), parenthesising compound ones.
fn join_licenses(exprs: Vec<String>, op: &str) -> Option<String> {
    let mut unique: Vec<String> = Vec::new();
    for e in exprs {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    if unique.len() <= 1 {
        return unique.pop();
    }
    let joined = unique
        .iter()
        .map(|e| {
            if e.contains(' ') {
                format!("({e})")
            } else {
                e.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&format!(" {op} "));
    crate::license::normalize(&joined).or(Some(joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_by_file_name() {
        assert_eq!(
            Evidence::of("commons-io-2.11.0.jar"),
            Some(Evidence::Archive)
        );
        assert_eq!(Evidence::of("APP.WAR"), Some(Evidence::Archive));
        assert_eq!(Evidence::of("dist.zip"), Some(Evidence::Wrapper));
        assert_eq!(Evidence::of("pom.xml"), Some(Evidence::Pom));
        assert_eq!(Evidence::of("gradle.lockfile"), Some(Evidence::GradleLock));
        assert_eq!(Evidence::of("release"), Some(Evidence::JvmRelease));
        assert_eq!(Evidence::of("jar"), None);
        assert_eq!(Evidence::of(".jar"), None);
        assert_eq!(Evidence::of("notes.txt"), None);
        assert!(is_archive_name("WEB-INF/lib/a.jar"));
        assert!(!is_archive_name("WEB-INF/lib/.jar/"));
    }

    #[test]
    fn central_urls() {
        let mut c = Coordinates::new(Some("org.apache.commons"), "commons-text", "1.10.0");
        assert_eq!(
            c.central_url().as_deref(),
            Some(
                "https://repo1.maven.org/maven2/org/apache/commons/commons-text/1.10.0/commons-text-1.10.0.jar"
            )
        );
        c.classifier = Some("jdk15".to_owned());
        assert!(
            c.central_url()
                .unwrap()
                .ends_with("commons-text-1.10.0-jdk15.jar")
        );
        c.version = "1.0-SNAPSHOT".to_owned();
        assert_eq!(c.central_url(), None);
        c.version = "../../x".to_owned();
        assert_eq!(c.central_url(), None);
        assert_eq!(Coordinates::new(None, "a", "1").central_url(), None);
    }

    #[test]
    fn licenses() {
        assert_eq!(
            declared_license(
                None,
                Some("https://www.apache.org/licenses/LICENSE-2.0.txt")
            )
            .as_deref(),
            Some("Apache-2.0")
        );
        assert_eq!(
            declared_license(Some("MIT License"), None).as_deref(),
            Some("MIT")
        );
        assert_eq!(
            declared_license(Some("The Apache Software License, Version 2.0"), None).as_deref(),
            Some("Apache-2.0")
        );
        assert_eq!(
            declared_license(
                Some("Some License"),
                Some("https://opensource.org/licenses/MIT")
            )
            .as_deref(),
            Some("MIT")
        );
        assert_eq!(
            declared_license(Some("Some License"), None).as_deref(),
            Some("LicenseRef-Some-License")
        );
        assert_eq!(
            join_licenses(vec!["MIT".into(), "Apache-2.0".into(), "MIT".into()], "OR").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(join_licenses(vec![], "OR"), None);
    }
}
