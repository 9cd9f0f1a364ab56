//! `pom.xml` files (`java-pom-cataloger`): each POM's project, and every dependency its
//! `<dependencies>` declares (all scopes, as syft reports them), with a `DependsOn` edge from
//! the project to each. Parents are looked up among the tree's POMs ([`super::maven`]).
//!
//! The project gets no download location and, without an `<organization>`, no supplier: it
//! is built where the POM is. Dependencies of a POM that names `<repositories>` get neither
//! either, as any of those repositories may serve them.
//!
//! Dependencies a POM only inherits from its parent are reported by the parent's own entry
//! when the parent is in the tree, not again for the child. A dependency whose version cannot
//! be resolved (its parent or BOM is not in the tree) is reported with an empty version, as
//! syft does: the dependency is real even when its version is not known here.

use assay_core::{FileTree, TreeEntry, TreePath};

use super::maven::{Dependency, Effective, PomSet};
use super::pom_xml::{self, PomXml};
use super::{
    Coordinates, POM, declared_license, join_licenses, maven_package, organization, web_url,
};
use crate::catalog::{Found, read};
use crate::model::{Location, Package};

/// Reads every POM, then catalogs each with its parents in view.
pub(super) fn catalog(tree: &dyn FileTree, entries: &[&TreeEntry], out: &mut Found) {
    let mut loaded = Vec::new();
    let mut located = Vec::new();
    for entry in entries {
        let parsed = read(tree, entry).and_then(|bytes| pom_xml::parse(&bytes));
        match parsed {
            Ok(pom) => {
                loaded.push((entry.path.clone(), pom));
                located.push(Location::new(&entry.path, entry.layer.as_ref()));
            }
            Err(e) => out.warn(POM, &entry.path, e),
        }
    }
    let set = PomSet::new(loaded);
    for (i, location) in located.into_iter().enumerate() {
        let Some((path, _)) = set.poms().get(i) else {
            continue;
        };
        let model = Effective::new(set.chain(i));
        catalog_one(&model, path, &location, out);
    }
}

/// The project and its dependencies.
fn catalog_one(model: &Effective<'_>, path: &TreePath, location: &Location, out: &mut Found) {
    let project = match project(model, location) {
        Ok(p) => p,
        Err(e) => return out.warn(POM, path, e),
    };
    let project_id = project.as_ref().map(|p| p.id.clone());
    out.packages.extend(project);
    let elsewhere = model.declares_repositories();
    for dep in model.dependencies() {
        match dependency(&dep, location, elsewhere) {
            Ok(pkg) => {
                if let Some(from) = &project_id {
                    out.depends(from, &pkg.id);
                }
                out.packages.push(pkg);
            }
            Err(e) => out.warn(POM, path, e),
        }
    }
}

/// The project itself; `None` when its `artifactId` cannot be resolved.
fn project(model: &Effective<'_>, location: &Location) -> Result<Option<Package>, String> {
    let Some(artifact) = model.artifact_id() else {
        tracing::debug!(path = %location.path, "POM artifactId cannot be resolved");
        return Ok(None);
    };
    let group = model.group_id();
    let coords = Coordinates::new(
        group.as_deref(),
        &artifact,
        &model.version().unwrap_or_default(),
    );
    let mut pkg = maven_package(&coords, location.clone(), POM)?;
    // The project is what this POM builds, not something downloaded.
    pkg.download_location = None;
    pkg.supplier = model.organization().as_deref().map(organization);
    pkg.homepage = model.url().as_deref().and_then(web_url);
    pkg.license = licenses(model);
    Ok(Some(pkg))
}

/// The POM's licenses: "If multiple licenses are listed, it is assumed that the user can
/// select any of them, not that they must accept all" (POM reference, "Licenses").
fn licenses(model: &Effective<'_>) -> Option<String> {
    let exprs = model
        .licenses()
        .iter()
        .filter_map(|l| {
            let name = l.name.as_deref().and_then(|n| model.resolve(n));
            let url = l.url.as_deref().and_then(|u| model.resolve(u));
            declared_license(name.as_deref(), url.as_deref())
        })
        .collect();
    join_licenses(exprs, "OR")
}

/// A declared dependency; `elsewhere` when the POM names other repositories that may serve it.
fn dependency(dep: &Dependency, location: &Location, elsewhere: bool) -> Result<Package, String> {
    let mut pkg = maven_package(&dep.coords, location.clone(), POM)?;
    if elsewhere {
        pkg.supplier = None;
        pkg.download_location = None;
    }
    pkg.metadata.insert("scope".to_owned(), dep.scope.clone());
    if dep.optional {
        pkg.metadata
            .insert("optional".to_owned(), "true".to_owned());
    }
    if let Some(range) = &dep.range {
        pkg.metadata
            .insert("version_range".to_owned(), range.clone());
    }
    Ok(pkg)
}

/// The coordinates and licenses of a POM read alone (one inside an archive).
pub(super) struct StandalonePom {
    /// Resolved coordinates (version empty when unresolved).
    pub(super) coords: Coordinates,
    /// License expression.
    pub(super) license: Option<String>,
    /// `<organization><name>`.
    pub(super) organization: Option<String>,
    /// `<url>`, when absolute.
    pub(super) homepage: Option<String>,
}

/// Reads `pom` without its parents; `None` when its `artifactId` cannot be resolved.
pub(super) fn standalone(pom: &PomXml) -> Option<StandalonePom> {
    let model = Effective::new(vec![pom]);
    let artifact = model.artifact_id()?;
    let group = model.group_id();
    Some(StandalonePom {
        coords: Coordinates::new(
            group.as_deref(),
            &artifact,
            &model.version().unwrap_or_default(),
        ),
        license: licenses(&model),
        organization: model.organization(),
        homepage: model.url().as_deref().and_then(web_url),
    })
}
