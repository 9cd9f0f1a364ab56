//! `gradle.lockfile` (`java-gradle-lockfile-cataloger`), Gradle's dependency locking format
//! (docs.gradle.org, "Locking dependency versions"): one `group:artifact:version=conf1,conf2`
//! line per locked module, `#` comments, and an `empty=conf,...` line for configurations that
//! lock nothing. The lockfile pins versions but records no graph, so there are no edges.

use assay_core::{FileTree, TreeEntry};

use super::{Coordinates, GRADLE, maven_package};
use crate::catalog::{Found, read_text};
use crate::model::Location;

/// Reads one lockfile.
pub(super) fn catalog(tree: &dyn FileTree, entry: &TreeEntry, out: &mut Found) {
    let text = match read_text(tree, entry) {
        Ok(t) => t,
        Err(e) => return out.warn(GRADLE, &entry.path, e),
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let Some((coords, configurations)) = parse_line(line) else {
            bad.push(n + 1);
            continue;
        };
        match maven_package(&coords, location.clone(), GRADLE) {
            Ok(mut pkg) => {
                if !configurations.is_empty() {
                    pkg.metadata
                        .insert("configurations".to_owned(), configurations.to_owned());
                }
                out.packages.push(pkg);
            }
            Err(e) => out.warn(GRADLE, &entry.path, e),
        }
    }
    if let Some(first) = bad.first() {
        out.warn(
            GRADLE,
            &entry.path,
            format!(
                "{} line(s) are not `group:artifact:version=configurations` (first: line {first})",
                bad.len()
            ),
        );
    }
}

/// `group:artifact:version=configurations` → coordinates and the configurations.
fn parse_line(line: &str) -> Option<(Coordinates, &str)> {
    let (gav, configurations) = line.split_once('=').unwrap_or((line, ""));
    let mut parts = gav.split(':');
    let (group, artifact, version) = (parts.next()?, parts.next()?, parts.next()?);
    let clean = |s: &str| !s.trim().is_empty() && !s.contains(char::is_whitespace);
    if parts.next().is_some() || ![group, artifact, version].into_iter().all(clean) {
        return None;
    }
    Some((
        Coordinates::new(Some(group), artifact, version),
        configurations.trim(),
    ))
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn lines() {
        let (c, conf) = parse_line("junit:junit:4.12=testCompileClasspath").unwrap();
        assert_eq!(
            (
                c.group.as_deref(),
                c.artifact.as_str(),
                c.version.as_str(),
                conf
            ),
            (Some("junit"), "junit", "4.12", "testCompileClasspath")
        );
        assert!(parse_line("junit:junit=x").is_none());
        assert!(parse_line("a:b:c:d=x").is_none());
        assert!(parse_line("a::c=x").is_none());
    }
}
