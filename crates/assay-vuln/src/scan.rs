//! Matching an SBOM's packages against the database.
//!
//! Each package becomes a [`Query`] from its purl alone (no CPEs, no name guessing): the purl
//! type selects the OSV ecosystem, the purl's namespace and name give the package name.
//! Debian and Alpine packages are looked up by their *source* package (the purl `upstream`
//! qualifier, as syft and assay write it) in the release named by the `distro` qualifier or,
//! failing that, the SBOM's distro (`/etc/os-release`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use assay_core::Purl;
use assay_sbom::Sbom;
use assay_sbom::model::{Distro, Package};

use crate::db::{Database, DbError, Match};
use crate::matcher::Installed;
use crate::model::{Advisory, Affected, Event};
use crate::report::{Finding, FixState, FoundPackage, Report, ScanWarning, Target};
use crate::severity;
use crate::version::Scheme;

/// What to look up for one package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Query {
    /// OSV ecosystem (`PyPI`, `Debian:12`, `Alpine:v3.21`).
    pub ecosystem: String,
    /// Name in that ecosystem (source package for OS packages).
    pub name: String,
    /// Version to compare (source version for Debian).
    pub version: String,
}

/// The query for a package, or `None` when its ecosystem has no advisory feed.
pub fn query_for(purl: &Purl, distro: Option<&Distro>) -> Option<Query> {
    let version = purl.version().filter(|v| !v.is_empty())?;
    let joined = |sep: &str| match purl.namespace() {
        Some(ns) if !ns.is_empty() => format!("{ns}{sep}{}", purl.name()),
        _ => purl.name().to_owned(),
    };
    let (ecosystem, name) = match purl.ty() {
        "pypi" => (
            "PyPI".to_owned(),
            crate::feed::osv::canonical_name("PyPI", purl.name()),
        ),
        "npm" => ("npm".to_owned(), joined("/")),
        "cargo" => ("crates.io".to_owned(), purl.name().to_owned()),
        "golang" => return go_query(&joined("/"), version),
        "maven" => ("Maven".to_owned(), joined(":")),
        "gem" => ("RubyGems".to_owned(), purl.name().to_owned()),
        "nuget" => ("NuGet".to_owned(), purl.name().to_owned()),
        "composer" => ("Packagist".to_owned(), joined("/")),
        "pub" => ("Pub".to_owned(), purl.name().to_owned()),
        "hex" => ("Hex".to_owned(), purl.name().to_owned()),
        "swift" => ("SwiftURL".to_owned(), joined("/")),
        "deb" | "apk" => return os_query(purl, version, distro),
        _ => return None,
    };
    Some(Query {
        ecosystem,
        name,
        version: version.to_owned(),
    })
}

/// Go's toolchain is the `stdlib` module with versions like `go1.21.3`.
fn go_query(name: &str, version: &str) -> Option<Query> {
    if version == "(devel)" {
        return None;
    }
    let version = match name {
        "stdlib" => version.strip_prefix("go").unwrap_or(version),
        _ => version,
    };
    Some(Query {
        ecosystem: "Go".to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
    })
}

fn os_query(purl: &Purl, version: &str, distro: Option<&Distro>) -> Option<Query> {
    let q = purl.qualifiers();
    let (id, release) = match q.get("distro").and_then(|d| d.split_once('-')) {
        Some((id, rel)) => (id.to_owned(), rel.to_owned()),
        None => {
            let d = distro?;
            (d.id.clone(), d.version_id.clone()?)
        }
    };
    let ecosystem = os_ecosystem(&id, &release)?;
    let (name, src_version) = match q.get("upstream").filter(|u| !u.is_empty()) {
        Some(up) => match up.split_once('@') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (up.clone(), None),
        },
        None => (purl.name().to_owned(), None),
    };
    let version = src_version.unwrap_or_else(|| version.to_owned());
    Some(Query {
        ecosystem,
        name,
        version,
    })
}

/// OSV's names for OS releases: `Debian:12`, `Ubuntu:22.04`, `Alpine:v3.21`.
fn os_ecosystem(id: &str, release: &str) -> Option<String> {
    match id {
        "debian" => Some(format!("Debian:{}", release.split('.').next()?)),
        "ubuntu" => Some(format!("Ubuntu:{release}")),
        "alpine" => {
            let mut parts = release.split('.');
            Some(format!("Alpine:v{}.{}", parts.next()?, parts.next()?))
        }
        _ => None,
    }
}

/// Scans every package of `sbom`.
pub fn scan(db: &Database, sbom: &Sbom, target: Target) -> Result<Report, DbError> {
    let _snapshot = db.snapshot()?;
    let mut state = State::new(db)?;
    for pkg in &sbom.packages {
        state.package(pkg, sbom.distro.as_ref())?;
    }
    Ok(state.finish(target, sbom.packages.len()))
}

/// An advisory's header, its source and its severity, computed once per scan.
struct Header {
    adv: Advisory,
    source: String,
    severity: crate::report::Severity,
}

struct State<'a> {
    db: &'a Database,
    covered: BTreeSet<String>,
    headers: HashMap<i64, Header>,
    sources: HashMap<i64, String>,
    findings: Vec<Finding>,
    warnings: BTreeSet<ScanWarning>,
    uncovered: BTreeMap<String, usize>,
}

impl<'a> State<'a> {
    fn new(db: &'a Database) -> Result<Self, DbError> {
        Ok(State {
            db,
            covered: db.ecosystems()?,
            headers: HashMap::new(),
            sources: HashMap::new(),
            findings: Vec::new(),
            warnings: BTreeSet::new(),
            uncovered: BTreeMap::new(),
        })
    }

    fn package(&mut self, pkg: &Package, distro: Option<&Distro>) -> Result<(), DbError> {
        let Some(q) = query_for(&pkg.purl, distro) else {
            return Ok(());
        };
        if !self.covered.contains(&q.ecosystem) {
            *self.uncovered.entry(q.ecosystem).or_default() += 1;
            return Ok(());
        }
        let mut installed = Installed::new(&q.version);
        let headers = &self.headers;
        let have = |row: i64| headers.contains_key(&row);
        let matches = self
            .db
            .matching(&q.ecosystem, &q.name, &mut installed, &have)?;
        let Some(package) =
            (!matches.is_empty()).then(|| std::sync::Arc::new(found_package(pkg, &q)))
        else {
            return Ok(());
        };
        for m in &matches {
            let finding = self.finding(package.clone(), m, &mut installed)?;
            self.findings.push(finding);
        }
        Ok(())
    }

    fn finding(
        &mut self,
        package: std::sync::Arc<FoundPackage>,
        m: &Match,
        installed: &mut Installed<'_>,
    ) -> Result<Finding, DbError> {
        let affected = &m.affected;
        if !self.headers.contains_key(&m.advisory) {
            let adv = match &m.header {
                Some(h) => self.db.parse_header(m.advisory, h)?,
                None => self.db.advisory(m.advisory)?.0,
            };
            let source = self.source_name(m.source)?;
            let severity = severity::assess(&adv.severity, None);
            self.headers.insert(
                m.advisory,
                Header {
                    adv,
                    source,
                    severity,
                },
            );
        }
        let Some(Header {
            adv,
            source,
            severity,
        }) = self.headers.get(&m.advisory)
        else {
            return Err(DbError::Missing(self.db.path().to_path_buf()));
        };
        // A per-package label (Debian urgency) only matters when there is no CVSS vector.
        let severity = match &affected.severity {
            Some(label) if severity.score.is_none() => severity::assess(&adv.severity, Some(label)),
            _ => severity.clone(),
        };
        let (fixed_versions, fix_state) = fixes(affected, installed);
        Ok(Finding {
            id: adv.id.clone(),
            aliases: adv.aliases.clone(),
            summary: adv.summary.clone(),
            url: adv.url.clone(),
            package,
            fixed_versions,
            fix_state,
            severity,
            source: source.clone(),
            vex: None,
        })
    }

    fn source_name(&mut self, id: i64) -> Result<String, DbError> {
        if let Some(name) = self.sources.get(&id) {
            return Ok(name.clone());
        }
        let name = self.db.source_name(id)?;
        self.sources.insert(id, name.clone());
        Ok(name)
    }

    fn finish(mut self, target: Target, scanned: usize) -> Report {
        for (eco, n) in &self.uncovered {
            self.warnings.insert(ScanWarning {
                code: "ecosystem-not-covered".into(),
                message: format!(
                    "the database has no advisories for {eco}: {n} package(s) were not checked"
                ),
            });
        }
        Report {
            target,
            packages_scanned: scanned,
            findings: merge(self.findings),
            warnings: self.warnings.into_iter().collect(),
        }
    }
}

fn found_package(pkg: &Package, q: &Query) -> FoundPackage {
    FoundPackage {
        name: pkg.name.clone(),
        version: pkg.version.clone(),
        kind: pkg.kind.as_str().to_owned(),
        purl: pkg.purl.to_string(),
        locations: pkg.locations.iter().map(|l| l.path.clone()).collect(),
        ecosystem: q.ecosystem.clone(),
        matched_name: q.name.clone(),
        matched_version: q.version.clone(),
    }
}

/// Fixed versions above the installed one, lowest (the nearest upgrade) first; all of them,
/// in feed order, when versions do not parse.
fn fixes(affected: &Affected, installed: &mut Installed<'_>) -> (Vec<String>, FixState) {
    let all = affected.fixed_versions();
    if all.is_empty() {
        let open = affected.ranges.iter().any(|r| {
            !r.events.is_empty() && r.events.iter().all(|e| matches!(e, Event::Introduced(_)))
        });
        let state = if open {
            FixState::Unfixed
        } else {
            FixState::Unknown
        };
        return (all, state);
    }
    let Some(scheme) = Scheme::for_ecosystem(&affected.ecosystem) else {
        return (all, FixState::Fixed);
    };
    let (Ok(current), Ok(mut parsed)) = (
        installed.get(scheme),
        all.iter()
            .map(|f| scheme.parse(f).map(|p| (p, f)))
            .collect::<Result<Vec<_>, _>>(),
    ) else {
        return (all, FixState::Fixed);
    };
    parsed.sort();
    let above: Vec<String> = parsed
        .iter()
        .filter(|(p, _)| p > current)
        .map(|(_, f)| (*f).clone())
        .collect();
    let shown = if above.is_empty() { all } else { above };
    (shown, FixState::Fixed)
}

/// One finding per (package, flaw): records of several sources or of aliased ids for the
/// same package are merged, keeping the first id in sort order and the union of aliases.
fn merge(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (&a.package.purl, &a.package.locations, &a.id).cmp(&(
            &b.package.purl,
            &b.package.locations,
            &b.id,
        ))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // Ids (and aliases) of the current package's findings, pointing into `out`.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings {
        if out.last().is_some_and(|o| !same_package(o, &f)) {
            seen.clear();
        }
        let hit = f.ids().find_map(|id| seen.get(id).copied());
        let index = match hit.and_then(|i| out.get_mut(i).map(|o| (i, o))) {
            Some((i, existing)) => {
                absorb(existing, f);
                i
            }
            None => {
                out.push(f);
                out.len() - 1
            }
        };
        if let Some(o) = out.get(index) {
            for id in o.ids() {
                seen.insert(id.to_owned(), index);
            }
        }
    }
    out
}

fn same_package(a: &Finding, b: &Finding) -> bool {
    a.package.purl == b.package.purl && a.package.locations == b.package.locations
}

fn absorb(into: &mut Finding, other: Finding) {
    for id in other.ids() {
        if id != into.id && !into.aliases.iter().any(|a| a == id) {
            into.aliases.push(id.to_owned());
        }
    }
    into.aliases.sort();
    for v in other.fixed_versions {
        if !into.fixed_versions.contains(&v) {
            into.fixed_versions.push(v);
        }
    }
    if other.severity.level > into.severity.level {
        into.severity = other.severity;
    }
    if into.summary.is_none() {
        into.summary = other.summary;
    }
}
