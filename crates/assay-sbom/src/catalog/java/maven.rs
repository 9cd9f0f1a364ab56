//! The part of Maven's model building that names packages (Maven POM reference,
//! maven.apache.org/pom.html: "Inheritance", "Properties", "Dependency Management"):
//!
//! - a POM inherits its parent's `groupId` and `version` when it has none, its properties
//!   (its own win), its `<dependencyManagement>` (its own win), its licenses and organization;
//! - `${name}` is replaced by a property, or by a model value for `project.groupId`,
//!   `project.version`, `project.parent.version` and the like (also spelt `pom.*`), always in
//!   the context of the POM being built, so a parent's `${project.version}` means the child's;
//! - a dependency without a version takes the managed one.
//!
//! A [`PomSet`] finds parents among the POMs of the scanned tree: by `<relativePath>` (default
//! `../pom.xml`), else by `groupId:artifactId` (and version) as a reactor build would. Parents
//! outside the tree (a remote repository) are not fetched; what they would define stays
//! unresolved, and an unresolved version is reported as unknown (empty).
//!
//! Expansion is bounded: nesting depth, result length, and parent-chain length, so cyclic or
//! exponential property definitions end as "unresolved".

use std::collections::{BTreeMap, BTreeSet};

use assay_core::TreePath;

use super::Coordinates;
use super::pom_xml::{DependencyXml, LicenseXml, PomXml};

/// Nested `${...}` expansions followed.
const MAX_DEPTH: u8 = 16;
/// Longest expansion result; longer means unresolved.
const MAX_LEN: usize = 4096;
/// Longest parent chain followed.
const MAX_PARENTS: usize = 32;
/// Property lookups one expansion may make.
const MAX_LOOKUPS: u32 = 1024;

/// An expansion in progress.
#[derive(Debug)]
struct Expansion {
    out: String,
    lookups_left: u32,
}

/// A POM with its ancestors: the effective model for the fields that name packages.
#[derive(Debug)]
pub(super) struct Effective<'a> {
    /// The POM first, then its parent, grandparent, ...
    chain: Vec<&'a PomXml>,
    /// Inherited properties, the nearest definition winning.
    properties: BTreeMap<&'a str, &'a str>,
}

/// A declared dependency, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Dependency {
    /// Its coordinates (version empty when unresolved or a range).
    pub(super) coords: Coordinates,
    /// `compile`, `test`, `provided`, `runtime`, `system` or `import`.
    pub(super) scope: String,
    /// `<optional>true</optional>`.
    pub(super) optional: bool,
    /// A version range (`[1.0,2.0)`) the version was left empty for.
    pub(super) range: Option<String>,
}

impl<'a> Effective<'a> {
    /// The model of `chain[0]`, with `chain[1..]` its ancestors nearest first.
    pub(super) fn new(chain: Vec<&'a PomXml>) -> Self {
        let mut properties = BTreeMap::new();
        for pom in chain.iter().rev() {
            for (k, v) in &pom.properties {
                properties.insert(k.as_str(), v.as_str());
            }
        }
        Self { chain, properties }
    }

    fn own(&self) -> Option<&'a PomXml> {
        self.chain.first().copied()
    }

    /// The effective `groupId`, resolved.
    pub(super) fn group_id(&self) -> Option<String> {
        self.resolve(self.builtin("groupId")?)
    }

    /// The `artifactId`, resolved.
    pub(super) fn artifact_id(&self) -> Option<String> {
        self.resolve(self.builtin("artifactId")?)
    }

    /// The effective `version`, resolved.
    pub(super) fn version(&self) -> Option<String> {
        self.resolve(self.builtin("version")?)
    }

    /// The project's own `<url>`, resolved.
    pub(super) fn url(&self) -> Option<String> {
        self.resolve(self.own()?.url.as_deref()?)
    }

    /// The nearest `<licenses>` in the chain.
    pub(super) fn licenses(&self) -> &'a [LicenseXml] {
        self.chain
            .iter()
            .map(|p| p.licenses.as_slice())
            .find(|l| !l.is_empty())
            .unwrap_or_default()
    }

    /// True when the POM or an ancestor names repositories besides Central.
    pub(super) fn declares_repositories(&self) -> bool {
        self.chain.iter().any(|p| !p.repositories.is_empty())
    }

    /// The nearest `<organization><name>`, resolved.
    pub(super) fn organization(&self) -> Option<String> {
        let raw = self.chain.iter().find_map(|p| p.organization.as_deref())?;
        self.resolve(raw)
    }

    /// The model value `project.<key>` (or `pom.<key>`), raw.
    fn builtin(&self, key: &str) -> Option<&'a str> {
        let own = self.own()?;
        let parent = own.parent.as_ref();
        match key {
            "groupId" => own
                .group_id
                .as_deref()
                .or_else(|| parent?.group_id.as_deref()),
            "artifactId" => own.artifact_id.as_deref(),
            "version" => own
                .version
                .as_deref()
                .or_else(|| parent?.version.as_deref()),
            "packaging" => Some(own.packaging.as_deref().unwrap_or("jar")),
            "name" => own.name.as_deref(),
            "url" => own.url.as_deref(),
            "parent.groupId" => parent?.group_id.as_deref(),
            "parent.artifactId" => parent?.artifact_id.as_deref(),
            "parent.version" => parent?.version.as_deref(),
            _ => None,
        }
    }

    /// What `${key}` stands for, raw.
    fn lookup(&self, key: &str) -> Option<&'a str> {
        let key = key.trim();
        // Model values first; a `project.*` name the model lacks may still be a property.
        key.strip_prefix("project.")
            .or_else(|| key.strip_prefix("pom."))
            .and_then(|model| self.builtin(model))
            .or_else(|| self.properties.get(key).copied())
    }

    /// `raw` with every `${...}` replaced; `None` when any is left unresolved, or the result
    /// is empty, or expanding it takes too much.
    pub(super) fn resolve(&self, raw: &str) -> Option<String> {
        let mut x = Expansion {
            out: String::new(),
            lookups_left: MAX_LOOKUPS,
        };
        if !self.expand(raw, 0, &mut x) {
            return None;
        }
        let out = x.out.trim();
        (!out.is_empty()).then(|| out.to_owned())
    }

    /// Appends `text`, expanded, to `x.out`; false as soon as something cannot be resolved.
    fn expand(&self, text: &str, depth: u8, x: &mut Expansion) -> bool {
        let mut rest = text;
        while let Some((before, after)) = rest.split_once("${") {
            x.out.push_str(before);
            let Some((key, tail)) = after.split_once('}') else {
                return false;
            };
            if x.out.len() > MAX_LEN || x.lookups_left == 0 || depth >= MAX_DEPTH {
                return false;
            }
            x.lookups_left -= 1;
            match self.lookup(key) {
                Some(value) if self.expand(value, depth + 1, x) => rest = tail,
                _ => return false,
            }
        }
        x.out.push_str(rest);
        x.out.len() <= MAX_LEN
    }

    /// `<dependencyManagement>` of the whole chain, by resolved `(groupId, artifactId)`.
    fn managed(&self) -> BTreeMap<(String, String), &'a DependencyXml> {
        let mut managed = BTreeMap::new();
        for pom in self.chain.iter().rev() {
            for dep in &pom.managed {
                if let Some(key) = self.dependency_key(dep) {
                    managed.insert(key, dep);
                }
            }
        }
        managed
    }

    fn dependency_key(&self, dep: &DependencyXml) -> Option<(String, String)> {
        let group = dep
            .group_id
            .as_deref()
            .and_then(|g| self.resolve(g))
            .unwrap_or_default();
        let artifact = self.resolve(dep.artifact_id.as_deref()?)?;
        Some((group, artifact))
    }

    /// The POM's own `<dependencies>`, resolved; ones whose `artifactId` cannot be resolved
    /// are left out.
    pub(super) fn dependencies(&self) -> Vec<Dependency> {
        let Some(own) = self.own() else {
            return Vec::new();
        };
        let managed = self.managed();
        own.dependencies
            .iter()
            .filter_map(|dep| {
                let key = self.dependency_key(dep)?;
                Some(self.dependency(dep, managed.get(&key).copied(), key))
            })
            .collect()
    }

    fn dependency(
        &self,
        dep: &DependencyXml,
        managed: Option<&DependencyXml>,
        (group, artifact): (String, String),
    ) -> Dependency {
        let pick = |f: fn(&DependencyXml) -> Option<&String>| {
            f(dep)
                .or_else(|| managed.and_then(f))
                .and_then(|raw| self.resolve(raw))
        };
        let version = pick(|d| d.version.as_ref()).unwrap_or_default();
        let (version, range) = split_range(version);
        let classifier = pick(|d| d.classifier.as_ref());
        let kind = pick(|d| d.kind.as_ref());
        let mut coords = Coordinates::new(Some(&group), &artifact, &version);
        coords.classifier = classifier
            .or_else(|| (kind.as_deref() == Some("test-jar")).then(|| "tests".to_owned()));
        coords.extension = extension(kind.as_deref()).to_owned();
        Dependency {
            coords,
            scope: pick(|d| d.scope.as_ref()).unwrap_or_else(|| "compile".to_owned()),
            optional: pick(|d| d.optional.as_ref()).is_some_and(|o| o.eq_ignore_ascii_case("true")),
            range,
        }
    }
}

/// A version, unless it is a range (Maven "Version Order Specification", "Version
/// Requirement Specification"): `[1.0]` pins `1.0`; other ranges leave the version unknown.
fn split_range(version: String) -> (String, Option<String>) {
    if !version.starts_with(['[', '(']) {
        return (version, None);
    }
    let exact = version
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .filter(|v| !v.contains(','));
    match exact {
        Some(v) => (v.trim().to_owned(), None),
        None => (String::new(), Some(version)),
    }
}

/// The file extension of a dependency `<type>` (Maven's default artifact handlers).
fn extension(kind: Option<&str>) -> &'static str {
    match kind {
        Some("pom") => "pom",
        Some("war") => "war",
        Some("ear") => "ear",
        Some("hpi") => "hpi",
        Some("jpi") => "jpi",
        Some("rar") => "rar",
        _ => "jar",
    }
}

/// The POMs of one tree, for finding parents.
#[derive(Debug)]
pub(super) struct PomSet {
    poms: Vec<(TreePath, PomXml)>,
    by_path: BTreeMap<TreePath, usize>,
    by_ga: BTreeMap<(String, String), Vec<usize>>,
}

impl PomSet {
    /// Indexes `poms` by path and by their own `groupId:artifactId`.
    pub(super) fn new(poms: Vec<(TreePath, PomXml)>) -> Self {
        let mut by_path = BTreeMap::new();
        let mut by_ga: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (i, (path, pom)) in poms.iter().enumerate() {
            by_path.insert(path.clone(), i);
            if let Some(ga) = own_ga(pom) {
                by_ga.entry(ga).or_default().push(i);
            }
        }
        Self {
            poms,
            by_path,
            by_ga,
        }
    }

    /// The POMs, in the order given.
    pub(super) fn poms(&self) -> &[(TreePath, PomXml)] {
        &self.poms
    }

    /// POM `i` and its ancestors found in the tree, nearest first (cycles cut).
    pub(super) fn chain(&self, i: usize) -> Vec<&PomXml> {
        let mut seen = BTreeSet::from([i]);
        let mut chain: Vec<&PomXml> = self.poms.get(i).map(|(_, p)| p).into_iter().collect();
        let mut cur = i;
        while chain.len() < MAX_PARENTS {
            match self.parent_of(cur) {
                Some(p) if seen.insert(p) => {
                    chain.extend(self.poms.get(p).map(|(_, x)| x));
                    cur = p;
                }
                _ => break,
            }
        }
        chain
    }

    /// The index of POM `i`'s parent: at `<relativePath>` if that POM is the parent, else the
    /// tree's POM with the parent's coordinates.
    fn parent_of(&self, i: usize) -> Option<usize> {
        let (path, pom) = self.poms.get(i)?;
        let parent = pom.parent.as_ref()?;
        let alone = Effective::new(vec![pom]);
        let resolve = |raw: &Option<String>| {
            let raw = raw.as_deref()?;
            Some(alone.resolve(raw).unwrap_or_else(|| raw.to_owned()))
        };
        let group = resolve(&parent.group_id).unwrap_or_default();
        let artifact = resolve(&parent.artifact_id)?;
        let version = resolve(&parent.version).unwrap_or_default();
        let rel = parent.relative_path.as_deref().unwrap_or("../pom.xml");
        let by_path = self.at_relative_path(path, rel).filter(|&p| {
            p != i
                && self
                    .poms
                    .get(p)
                    .and_then(|(_, x)| own_ga(x))
                    .is_some_and(|(g, a)| {
                        a == artifact && (g == group || g.is_empty() || group.is_empty())
                    })
        });
        by_path.or_else(|| self.by_coordinates(i, group, artifact, &version))
    }

    fn at_relative_path(&self, pom_path: &TreePath, rel: &str) -> Option<usize> {
        if rel.trim().is_empty() {
            return None;
        }
        let dir = pom_path.parent()?;
        let joined = TreePath::new(&format!("{}/{}", dir.as_str(), rel.trim())).ok()?;
        self.by_path.get(&joined).copied().or_else(|| {
            let as_dir = joined.join_component("pom.xml")?;
            self.by_path.get(&as_dir).copied()
        })
    }

    fn by_coordinates(
        &self,
        i: usize,
        group: String,
        artifact: String,
        version: &str,
    ) -> Option<usize> {
        let candidates: Vec<usize> = self
            .by_ga
            .get(&(group, artifact))?
            .iter()
            .copied()
            .filter(|&c| c != i)
            .collect();
        let same_version = candidates.iter().copied().find(|&c| {
            self.poms.get(c).is_some_and(|(_, p)| {
                let v = Effective::new(vec![p]);
                p.version.as_deref() == Some(version) || v.version().as_deref() == Some(version)
            })
        });
        let unresolved = version.is_empty() || version.contains("${");
        let only = match candidates.as_slice() {
            [only] if unresolved => Some(*only),
            _ => None,
        };
        same_version.or(only)
    }
}

/// A POM's own `(groupId, artifactId)`, resolved within itself where it can be.
fn own_ga(pom: &PomXml) -> Option<(String, String)> {
    let alone = Effective::new(vec![pom]);
    let raw_group = alone.builtin("groupId").unwrap_or_default();
    let group = alone
        .resolve(raw_group)
        .unwrap_or_else(|| raw_group.to_owned());
    let raw_artifact = alone.builtin("artifactId")?;
    let artifact = alone
        .resolve(raw_artifact)
        .unwrap_or_else(|| raw_artifact.to_owned());
    Some((group, artifact))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::java::pom_xml::parse;

    fn pom(xml: &str) -> PomXml {
        parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn properties_and_model_values() {
        let parent = pom(
            "<project><groupId>g</groupId><artifactId>parent</artifactId><version>2</version>
             <properties><v>1.${project.version}</v><lib.v>${v}</lib.v></properties>
             <dependencyManagement><dependencies>
               <dependency><groupId>${project.groupId}</groupId><artifactId>lib</artifactId><version>${lib.v}</version><scope>test</scope></dependency>
             </dependencies></dependencyManagement></project>",
        );
        let child = pom(
            "<project><parent><groupId>g</groupId><artifactId>parent</artifactId><version>2</version></parent>
             <artifactId>child</artifactId><version>7</version>
             <dependencies>
               <dependency><groupId>g</groupId><artifactId>lib</artifactId></dependency>
               <dependency><groupId>x</groupId><artifactId>${missing}</artifactId></dependency>
               <dependency><groupId>x</groupId><artifactId>ranged</artifactId><version>[1.0,2.0)</version></dependency>
               <dependency><groupId>x</groupId><artifactId>pinned</artifactId><version>[1.5]</version></dependency>
             </dependencies></project>",
        );
        let eff = Effective::new(vec![&child, &parent]);
        assert_eq!(eff.group_id().as_deref(), Some("g"));
        assert_eq!(eff.version().as_deref(), Some("7"));
        let deps = eff.dependencies();
        assert_eq!(deps.len(), 3);
        // The parent's ${project.version} is the child's.
        assert_eq!(deps[0].coords.version, "1.7");
        assert_eq!(deps[0].scope, "test");
        assert_eq!(deps[1].coords.version, "");
        assert_eq!(deps[1].range.as_deref(), Some("[1.0,2.0)"));
        assert_eq!(deps[2].coords.version, "1.5");
    }

    #[test]
    fn cyclic_and_exponential_properties_stay_unresolved() {
        let p = pom(
            "<project><artifactId>a</artifactId><version>${x}</version>
             <properties><x>${y}</x><y>${x}</y>
             <b0>${b1}${b1}</b0><b1>${b2}${b2}</b1><b2>${b3}${b3}</b2><b3>${b4}${b4}</b3>
             <b4>${b5}${b5}</b4><b5>${b6}${b6}</b5><b6>${b7}${b7}</b6><b7>${b8}${b8}</b7>
             <b8>${b9}${b9}</b8><b9>${b10}${b10}</b9><b10>${b11}${b11}</b10><b11>${b12}${b12}</b11>
             <b12>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</b12></properties></project>",
        );
        let eff = Effective::new(vec![&p]);
        assert_eq!(eff.version(), None);
        assert_eq!(eff.resolve("${b0}"), None);
        // Wide rather than long: 20 references per level, each expanding to nothing.
        let wide: String = (0..6)
            .map(|i| format!("<w{i}>{}</w{i}>", format!("${{w{}}}", i + 1).repeat(20)))
            .collect();
        let p = pom(&format!(
            "<project><artifactId>a</artifactId><properties>{wide}<w6></w6></properties></project>"
        ));
        assert_eq!(Effective::new(vec![&p]).resolve("x${w0}"), None);
        assert_eq!(eff.resolve("${unclosed"), None);
        assert_eq!(eff.resolve("plain"), Some("plain".to_owned()));
    }

    #[test]
    fn parents_by_path_and_by_coordinates() {
        let tp = |s: &str| TreePath::new(s).unwrap();
        let parent = pom(
            "<project><groupId>g</groupId><artifactId>p</artifactId><version>${revision}</version><properties><revision>3</revision></properties></project>",
        );
        let by_path = pom(
            "<project><parent><groupId>g</groupId><artifactId>p</artifactId><version>${revision}</version><relativePath>../parent</relativePath></parent><artifactId>c1</artifactId></project>",
        );
        let by_gav = pom(
            "<project><parent><groupId>g</groupId><artifactId>p</artifactId><version>${revision}</version><relativePath>../nowhere</relativePath></parent><artifactId>c2</artifactId></project>",
        );
        let cyclic = pom(
            "<project><parent><groupId>g</groupId><artifactId>cyc</artifactId><version>1</version></parent><groupId>g</groupId><artifactId>cyc</artifactId><version>1</version></project>",
        );
        let set = PomSet::new(vec![
            (tp("parent/pom.xml"), parent),
            (tp("c1/pom.xml"), by_path),
            (tp("c2/pom.xml"), by_gav),
            (tp("cyc/pom.xml"), cyclic),
        ]);
        for i in [1, 2] {
            let chain = set.chain(i);
            assert_eq!(chain.len(), 2);
            assert_eq!(Effective::new(chain).version().as_deref(), Some("3"));
        }
        assert_eq!(set.chain(3).len(), 1);
        assert_eq!(set.poms().len(), 4);
    }
}
