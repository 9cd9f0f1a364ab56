//! GitHub Actions used by workflows and composite actions.
//!
//! - Workflows (`.github/workflows/*.yml|yaml`; GitHub docs, "Workflow syntax"):
//!   `jobs.<id>.steps[*].uses` names an action, `jobs.<id>.uses` a reusable workflow.
//! - Composite actions (`action.yml|yaml`; GitHub docs, "Metadata syntax → runs for composite
//!   actions"): `runs.steps[*].uses`.
//!
//! A reference is `{owner}/{repo}[/{path}]@{ref}` and becomes
//! `pkg:github/<owner>/<repo>@<ref>[#<path>]` (purl spec, `github` type), named
//! `owner/repo[/path]` as syft names it. References to the same repository (`./path`) are part
//! of the scanned source, not dependencies, and `docker://` images are not GitHub packages:
//! both are skipped. A `# v1.2.3` comment after a pinned commit is kept as metadata.
//!
//! The supplier is the owning GitHub account.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde_yaml_ng::Value;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for actions used by steps.
const ACTIONS: &str = "github-actions-usage-cataloger";
/// syft's name for reusable workflows called by jobs.
const WORKFLOWS: &str = "github-action-workflow-usage-cataloger";

/// The GitHub Actions cataloger.
#[derive(Debug, Clone, Copy)]
pub struct GithubActionsCataloger;

impl Cataloger for GithubActionsCataloger {
    fn name(&self) -> &'static str {
        ACTIONS
    }

    fn wants(&self, path: &TreePath) -> bool {
        let name = path.file_name();
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        let in_workflows = path.parent().is_some_and(|d| {
            d.as_str() == ".github/workflows" || d.as_str().ends_with("/.github/workflows")
        });
        yaml && (in_workflows || name == "action.yml" || name == "action.yaml")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            match read_text(tree, entry) {
                Ok(text) => catalog_file(&text, entry, out),
                Err(e) => out.warn(ACTIONS, &entry.path, e),
            }
        }
    }
}

/// A `uses:` value and which cataloger reports it.
struct Use<'v> {
    value: &'v str,
    cataloger: &'static str,
}

fn catalog_file(text: &str, entry: &TreeEntry, out: &mut Found) {
    let doc: Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => return out.warn(ACTIONS, &entry.path, format!("not valid YAML: {e}")),
    };
    if !doc.is_mapping() {
        return out.warn(ACTIONS, &entry.path, "not a workflow or action: no mapping");
    }
    let mut uses = Vec::new();
    if let Some(jobs) = doc.get("jobs").and_then(Value::as_mapping) {
        for job in jobs.values() {
            if let Some(u) = job.get("uses").and_then(Value::as_str) {
                uses.push(Use {
                    value: u,
                    cataloger: WORKFLOWS,
                });
            }
            step_uses(job.get("steps"), &mut uses);
        }
    }
    step_uses(doc.get("runs").and_then(|r| r.get("steps")), &mut uses);
    let comments = version_comments(text);
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for u in uses {
        match Reference::parse(u.value) {
            Ok(Some(r)) => {
                let comment = comments.get(u.value).map(String::as_str);
                match r.package(&location, u.cataloger, comment) {
                    Ok(p) => out.packages.push(p),
                    Err(e) => out.warn(ACTIONS, &entry.path, e),
                }
            }
            Ok(None) => {}
            Err(e) => out.warn(ACTIONS, &entry.path, e),
        }
    }
}

fn step_uses<'v>(steps: Option<&'v Value>, uses: &mut Vec<Use<'v>>) {
    let steps = steps.and_then(Value::as_sequence).map(Vec::as_slice);
    for step in steps.unwrap_or_default() {
        if let Some(u) = step.get("uses").and_then(Value::as_str) {
            uses.push(Use {
                value: u,
                cataloger: ACTIONS,
            });
        }
    }
}

/// `uses: <ref> # <comment>` lines: the comment (`v4.2.2`) by reference. YAML parsers drop
/// comments, so the text is read line by line.
fn version_comments(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        let Some(rest) = line.strip_prefix("uses:") else {
            continue;
        };
        let Some((value, comment)) = rest.split_once(" #") else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let comment = comment.trim();
        if !value.is_empty() && !comment.is_empty() {
            out.insert(value.to_owned(), comment.to_owned());
        }
    }
    out
}

/// `owner/repo[/path]@ref`.
#[derive(Debug)]
struct Reference<'v> {
    owner: &'v str,
    repo: &'v str,
    path: Option<&'v str>,
    git_ref: &'v str,
}

impl<'v> Reference<'v> {
    /// `None` for references that are not GitHub packages (local paths, Docker images).
    fn parse(value: &'v str) -> Result<Option<Self>, String> {
        let value = value.trim();
        if value.starts_with("./") || value.starts_with("../") || value.starts_with("docker://") {
            return Ok(None);
        }
        let bad = || format!("uses: {value:?} is not owner/repo[/path]@ref");
        let (target, git_ref) = value.rsplit_once('@').ok_or_else(bad)?;
        let mut parts = target.splitn(3, '/');
        let owner = parts.next().filter(|o| !o.is_empty()).ok_or_else(bad)?;
        let repo = parts.next().filter(|r| !r.is_empty()).ok_or_else(bad)?;
        let path = parts.next().filter(|p| !p.is_empty());
        if git_ref.is_empty() || value.contains("${{") {
            return Err(bad());
        }
        Ok(Some(Self {
            owner,
            repo,
            path,
            git_ref,
        }))
    }

    fn name(&self) -> String {
        match self.path {
            Some(p) => format!("{}/{}/{p}", self.owner, self.repo),
            None => format!("{}/{}", self.owner, self.repo),
        }
    }

    fn package(
        &self,
        location: &Location,
        cataloger: &str,
        comment: Option<&str>,
    ) -> Result<Package, String> {
        let purl = Purl::new("github", Some(self.owner), self.repo, Some(self.git_ref))
            .and_then(|p| match self.path {
                // Purl has no subpath setter: print, append `#subpath`, parse back.
                Some(sub) => format!("{p}#{}", encode_subpath(sub)).parse(),
                None => Ok(p),
            })
            .map_err(|e| format!("{}: no valid package URL: {e}", self.name()))?;
        let name = self.name();
        let mut p = Package::new(
            PackageKind::Other,
            &name,
            self.git_ref,
            purl,
            location.clone(),
            cataloger,
        );
        p.supplier = Some(Party::Organization {
            name: self.owner.to_owned(),
            email: None,
        });
        p.download_location = Some(format!(
            "git+https://github.com/{}/{}@{}",
            self.owner, self.repo, self.git_ref
        ));
        if let Some(c) = comment {
            p.metadata
                .insert("version_comment".to_owned(), c.to_owned());
        }
        Ok(p)
    }
}

/// Percent-encodes a purl subpath, keeping its `/` separators (purl spec, "subpath").
fn encode_subpath(sub: &str) -> String {
    let mut out = String::with_capacity(sub.len());
    for b in sub.trim_matches('/').bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
