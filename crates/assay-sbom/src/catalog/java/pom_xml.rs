//! The parts of a Maven POM (`pom.xml`, POM 4.0.0, maven.apache.org/pom.html) that name
//! packages: coordinates, `<parent>`, `<properties>`, `<dependencies>`,
//! `<dependencyManagement>`, `<licenses>`, `<organization>`, `<url>`, `<repositories>`.
//!
//! Values are kept raw (`${...}` unexpanded); [`super::maven`] resolves them. Elements are
//! matched by local name, so POMs with and without the POM namespace read alike. Only
//! `<project>`'s direct children count: profiles' properties and dependencies apply only when
//! the profile is active, which a scan cannot know.

use std::collections::BTreeMap;

use roxmltree::{Document, Node, ParsingOptions};

/// Larger POMs are refused (the largest real ones are a few hundred KiB).
pub(super) const MAX_POM_BYTES: usize = 16 << 20;
/// XML nodes one POM may have.
const MAX_NODES: u32 = 2_000_000;

/// A POM, raw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct PomXml {
    pub(super) group_id: Option<String>,
    pub(super) artifact_id: Option<String>,
    pub(super) version: Option<String>,
    pub(super) packaging: Option<String>,
    pub(super) name: Option<String>,
    pub(super) url: Option<String>,
    /// `<organization><name>`.
    pub(super) organization: Option<String>,
    pub(super) parent: Option<ParentXml>,
    pub(super) properties: BTreeMap<String, String>,
    pub(super) dependencies: Vec<DependencyXml>,
    /// `<dependencyManagement><dependencies>`.
    pub(super) managed: Vec<DependencyXml>,
    pub(super) licenses: Vec<LicenseXml>,
    /// `<repositories><repository><url>`.
    pub(super) repositories: Vec<String>,
}

/// `<parent>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ParentXml {
    pub(super) group_id: Option<String>,
    pub(super) artifact_id: Option<String>,
    pub(super) version: Option<String>,
    /// `None` when absent (Maven's default `../pom.xml`), `Some("")` for `<relativePath/>`.
    pub(super) relative_path: Option<String>,
}

/// One `<dependency>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct DependencyXml {
    pub(super) group_id: Option<String>,
    pub(super) artifact_id: Option<String>,
    pub(super) version: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) classifier: Option<String>,
    /// `<type>` (`jar` when absent).
    pub(super) kind: Option<String>,
    pub(super) optional: Option<String>,
}

/// One `<license>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct LicenseXml {
    pub(super) name: Option<String>,
    pub(super) url: Option<String>,
}

/// Parses POM bytes: UTF-8, else ISO-8859-1 (POMs often declare or silently use it).
pub(super) fn parse(bytes: &[u8]) -> Result<PomXml, String> {
    if bytes.len() > MAX_POM_BYTES {
        return Err(format!(
            "{} bytes is larger than the {MAX_POM_BYTES}-byte limit for POMs",
            bytes.len()
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc =
        Document::parse_with_options(text, options).map_err(|e| format!("not a valid POM: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "project" {
        return Err(format!(
            "not a POM: the root element is <{}>, not <project>",
            root.tag_name().name()
        ));
    }
    Ok(project(root))
}

fn project(root: Node<'_, '_>) -> PomXml {
    PomXml {
        group_id: field(root, "groupId"),
        artifact_id: field(root, "artifactId"),
        version: field(root, "version"),
        packaging: field(root, "packaging"),
        name: field(root, "name"),
        url: field(root, "url"),
        organization: child(root, "organization").and_then(|o| field(o, "name")),
        parent: child(root, "parent").map(parent),
        properties: child(root, "properties")
            .map(properties)
            .unwrap_or_default(),
        dependencies: child(root, "dependencies")
            .map(dependencies)
            .unwrap_or_default(),
        managed: child(root, "dependencyManagement")
            .and_then(|m| child(m, "dependencies"))
            .map(dependencies)
            .unwrap_or_default(),
        licenses: child(root, "licenses")
            .map(|l| children(l, "license").map(license).collect())
            .unwrap_or_default(),
        repositories: child(root, "repositories")
            .map(|r| {
                children(r, "repository")
                    .filter_map(|r| field(r, "url"))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn parent(node: Node<'_, '_>) -> ParentXml {
    ParentXml {
        group_id: field(node, "groupId"),
        artifact_id: field(node, "artifactId"),
        version: field(node, "version"),
        relative_path: child(node, "relativePath").map(|n| text(n).unwrap_or_default()),
    }
}

fn properties(node: Node<'_, '_>) -> BTreeMap<String, String> {
    node.children()
        .filter(Node::is_element)
        .map(|p| (p.tag_name().name().to_owned(), text(p).unwrap_or_default()))
        .collect()
}

fn dependencies(node: Node<'_, '_>) -> Vec<DependencyXml> {
    children(node, "dependency")
        .map(|d| DependencyXml {
            group_id: field(d, "groupId"),
            artifact_id: field(d, "artifactId"),
            version: field(d, "version"),
            scope: field(d, "scope"),
            classifier: field(d, "classifier"),
            kind: field(d, "type"),
            optional: field(d, "optional"),
        })
        .collect()
}

fn license(node: Node<'_, '_>) -> LicenseXml {
    LicenseXml {
        name: field(node, "name"),
        url: field(node, "url"),
    }
}

/// Direct children named `name`.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// The trimmed text of the first child element `name`, when not empty.
fn field(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(text)
}

/// The element's own text (CDATA included), trimmed; `None` when empty.
fn text(node: Node<'_, '_>) -> Option<String> {
    let s: String = node
        .children()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect();
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_that_name_packages() {
        let pom = parse(
            br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>my.org</groupId><artifactId>p</artifactId><version>1</version><relativePath/></parent>
  <artifactId>child</artifactId>
  <properties><a.version>2</a.version><empty/></properties>
  <dependencies>
    <dependency><groupId>g</groupId><artifactId>a</artifactId><version>${a.version}</version><scope>test</scope></dependency>
  </dependencies>
  <dependencyManagement><dependencies>
    <dependency><groupId>g</groupId><artifactId>b</artifactId><version><![CDATA[3]]></version></dependency>
  </dependencies></dependencyManagement>
  <licenses><license><name>MIT</name></license></licenses>
  <profiles><profile><properties><a.version>9</a.version></properties></profile></profiles>
</project>"#,
        )
        .unwrap();
        assert_eq!(pom.artifact_id.as_deref(), Some("child"));
        assert_eq!(pom.group_id, None);
        let parent = pom.parent.unwrap();
        assert_eq!(parent.relative_path.as_deref(), Some(""));
        assert_eq!(pom.properties["a.version"], "2");
        assert_eq!(pom.properties["empty"], "");
        assert_eq!(pom.dependencies[0].version.as_deref(), Some("${a.version}"));
        assert_eq!(pom.dependencies[0].scope.as_deref(), Some("test"));
        assert_eq!(pom.managed[0].version.as_deref(), Some("3"));
        assert_eq!(pom.licenses[0].name.as_deref(), Some("MIT"));
    }

    #[test]
    fn refuses_what_is_not_a_pom() {
        assert!(parse(b"<this is not a valid pom xml>").is_err());
        assert!(parse(b"<settings/>").unwrap_err().contains("<settings>"));
        assert!(parse(b"\x00\x01binary").is_err());
        let dtd = b"<!DOCTYPE project [<!ENTITY a \"aaaa\">]><project>&a;</project>";
        assert!(parse(dtd).is_err());
    }

    #[test]
    fn latin1_without_declaration() {
        let pom = parse(b"<project><name>Caf\xe9</name></project>").unwrap();
        assert_eq!(pom.name.as_deref(), Some("Caf\u{e9}"));
    }
}
