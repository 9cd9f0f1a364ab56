//! JVM installations (`java-jvm-cataloger`): the `release` file at the root of a JDK or JRE
//! (OpenJDK `make/ReleaseFile.gmk`: `KEY="value"` lines such as `JAVA_VERSION`,
//! `JAVA_RUNTIME_VERSION`, `IMPLEMENTOR`, `IMAGE_TYPE`, `SOURCE_REPO`).
//!
//! Any file named `release` is looked at, as syft does; one without `JAVA_VERSION` or
//! `JAVA_RUNTIME_VERSION` is not a JVM's and is passed over without a warning. The package is
//! named and versioned the way syft names it, so reports line up: vendor `oracle` and product
//! `jdk`/`jre` for Oracle builds, `azul`/`zulu` for Zulu, `oracle`/`openjdk` otherwise; the
//! version is `JAVA_RUNTIME_VERSION`, else `FULL_VERSION` (when its major version agrees),
//! else `JAVA_VERSION`.

use std::collections::BTreeMap;

use assay_core::{EntryKind, FileTree, Purl, TreeEntry};

use super::{JVM, organization};
use crate::catalog::{Found, read_text};
use crate::model::{Location, Package, PackageKind};

/// Larger `release` files are not a JVM's (syft reads at most 500 KB).
const MAX_RELEASE_BYTES: u64 = 512 << 10;

/// Reads one `release` file.
pub(super) fn catalog(tree: &dyn FileTree, entry: &TreeEntry, out: &mut Found) {
    if matches!(entry.kind, EntryKind::File { size } if size > MAX_RELEASE_BYTES) {
        return;
    }
    let text = match read_text(tree, entry) {
        Ok(t) => t,
        Err(e) => return out.warn(JVM, &entry.path, e),
    };
    let release = parse(&text);
    let Some(version) = version(&release) else {
        return;
    };
    let has_javac = entry
        .path
        .parent()
        .and_then(|dir| dir.join_component("bin")?.join_component("javac"))
        .is_some_and(|javac| tree.entry(&javac).is_some());
    let get = |k: &str| release.get(k).map(String::as_str).unwrap_or_default();
    let (vendor, product) = vendor_product(
        get("IMPLEMENTOR"),
        entry.path.as_str(),
        get("IMAGE_TYPE"),
        has_javac,
    );
    match package(&release, vendor, product, &version, entry) {
        Ok(pkg) => out.packages.push(pkg),
        Err(e) => out.warn(JVM, &entry.path, e),
    }
}

fn package(
    release: &BTreeMap<String, String>,
    vendor: &str,
    product: &str,
    version: &str,
    entry: &TreeEntry,
) -> Result<Package, String> {
    let repo = ["SOURCE_REPO", "BUILD_SOURCE_REPO"]
        .iter()
        .find_map(|k| release.get(*k).filter(|v| !v.is_empty()));
    let mut purl = Purl::new("generic", Some(vendor), product, Some(version))
        .map_err(|e| format!("no valid package URL: {e}"))?;
    if let Some(repo) = repo {
        purl = purl.with_qualifier("repository_url", repo);
    }
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut pkg = Package::new(PackageKind::Other, product, version, purl, location, JVM);
    let implementor = release.get("IMPLEMENTOR").filter(|i| !i.is_empty());
    pkg.supplier = implementor
        .map(String::as_str)
        .or(match vendor {
            "azul" => Some("Azul Systems"),
            "sun" => Some("Sun Microsystems"),
            "oracle" if product != "openjdk" => Some("Oracle"),
            _ => None,
        })
        .map(organization);
    for (key, meta) in [
        ("JAVA_VERSION", "java_version"),
        ("IMAGE_TYPE", "image_type"),
    ] {
        if let Some(v) = release.get(key).filter(|v| !v.is_empty()) {
            pkg.metadata.insert(meta.to_owned(), v.clone());
        }
    }
    Ok(pkg)
}

/// `KEY="value"` lines (quotes optional).
fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            Some((
                key.trim().to_owned(),
                value.trim().trim_matches('"').to_owned(),
            ))
        })
        .collect()
}

/// The version syft picks (see the module docs); `None` for a file that is not a JVM's.
fn version(release: &BTreeMap<String, String>) -> Option<String> {
    let get = |k: &str| release.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let java = get("JAVA_VERSION");
    if let Some(runtime) = get("JAVA_RUNTIME_VERSION") {
        return Some(runtime.to_owned());
    }
    let major = |v: &str| v.split('.').next().unwrap_or_default().to_owned();
    if let (Some(full), Some(java)) = (get("FULL_VERSION"), java)
        && major(full) == major(java)
    {
        return Some(full.to_owned());
    }
    java.map(str::to_owned)
}

/// `(vendor, product)` as syft names them.
fn vendor_product(
    implementor: &str,
    path: &str,
    image_type: &str,
    has_javac: bool,
) -> (&'static str, &'static str) {
    let implementor = implementor.to_ascii_lowercase().replace(' ', "");
    let jdk_or_jre = if has_javac || !image_type.to_ascii_lowercase().contains("jre") {
        "jdk"
    } else {
        "jre"
    };
    if implementor.contains("azul") || path.contains("zulu") {
        ("azul", "zulu")
    } else if implementor.contains("sun") {
        ("sun", jdk_or_jre)
    } else if implementor.contains("oracle") || path.contains("oracle") {
        ("oracle", jdk_or_jre)
    } else {
        ("oracle", "openjdk")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let r = parse("JAVA_VERSION=\"1.8.0_411\"\nJAVA_RUNTIME_VERSION=\"1.8.0_411-b25\"\n");
        assert_eq!(version(&r).as_deref(), Some("1.8.0_411-b25"));
        let r = parse("JAVA_VERSION=\"1.8.0_422\"\nFULL_VERSION=\"1.8.0_422-b05\"\n");
        assert_eq!(version(&r).as_deref(), Some("1.8.0_422-b05"));
        let r = parse("JAVA_VERSION=\"17.0.1\"\nFULL_VERSION=\"8.0.1\"\n");
        assert_eq!(version(&r).as_deref(), Some("17.0.1"));
        assert_eq!(version(&parse("NAME=\"Debian\"\n")), None);
    }

    #[test]
    fn vendors() {
        assert_eq!(
            vendor_product(
                "Eclipse Adoptium",
                "/opt/java/openjdk/release",
                "JDK",
                false
            ),
            ("oracle", "openjdk")
        );
        assert_eq!(
            vendor_product("", "usr/lib/jvm/jdk-1.8-oracle-x64/release", "", true),
            ("oracle", "jdk")
        );
        assert_eq!(
            vendor_product("Oracle Corporation", "x", "JRE", false),
            ("oracle", "jre")
        );
        assert_eq!(
            vendor_product("Azul Systems, Inc.", "x", "JDK", false),
            ("azul", "zulu")
        );
    }
}
