//! Applying VEX statements to findings.
//!
//! A statement applies to a finding when both hold:
//! - **vulnerability**: the statement's name or one of its aliases equals (ASCII
//!   case-insensitively) the finding's id or one of its aliases;
//! - **product**: one of its products matches the finding's package:
//!   - a product that is the scanned image — its `@id` equals the report's target digest, or
//!     it is a `pkg:oci` purl whose version is that digest — matches every package, or, when
//!     it lists subcomponents, the packages matching one of them;
//!   - any other product (and every subcomponent) matches by package URL: equal type,
//!     namespace, name and version after percent-decoding and the purl type's normalisation;
//!     a statement purl without a version matches every version; qualifiers the statement
//!     gives must all be on the package's purl with equal values (extra ones on the package
//!     are fine). Subpaths are ignored.
//!
//! When several statements apply to one finding the latest wins (OpenVEX: statements are a
//! sequence, each overriding the previous). "Latest" compares the statement time (its own,
//! else its document's); a statement without any time is older than every timed one; ties are
//! broken by document order, then statement order — later wins.
//!
//! Every statement that applied to no finding (including one with no products) is reported as
//! a [`STALE_CODE`] warning: a suppression that matches nothing is itself a finding.

use std::collections::{BTreeMap, BTreeSet};

use assay_core::Purl;

use super::{Component, Product, Statement, Timestamp, VexDocument, status_label};
use crate::report::{Finding, Report, ScanWarning, VexDecision};

/// The warning code of a statement that matched no finding.
pub const STALE_CODE: &str = "stale-vex-statement";

/// Where a statement sits: (document index, statement index in `statements`).
type At = (usize, usize);

/// Sets `finding.vex` on every finding some statement applies to (leaving the others as they
/// were) and returns one `stale-vex-statement` warning per statement that applied to nothing,
/// sorted. The warnings are not added to `report.warnings`; the caller decides.
pub fn apply(report: &mut Report, docs: &[VexDocument]) -> Vec<ScanWarning> {
    let by_id = index(docs);
    let digest = report.target.digest.clone();
    let mut used = BTreeSet::new();
    for finding in &mut report.findings {
        let applying = applying(finding, docs, &by_id, digest.as_deref());
        used.extend(applying.iter().copied());
        let latest = applying.into_iter().max_by_key(|&at| precedence(docs, at));
        if let Some((doc, st)) = latest.and_then(|at| lookup(docs, at)) {
            finding.vex = Some(decision(doc, st));
        }
    }
    stale(docs, &used)
}

/// Statement positions by lowercased vulnerability id and alias.
fn index(docs: &[VexDocument]) -> BTreeMap<String, Vec<At>> {
    let mut by_id: BTreeMap<String, Vec<At>> = BTreeMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (s, st) in doc.statements.iter().enumerate() {
            for id in st.ids() {
                by_id
                    .entry(id.to_ascii_lowercase())
                    .or_default()
                    .push((d, s));
            }
        }
    }
    by_id
}

/// The statements that apply to `finding`, each once.
fn applying(
    finding: &Finding,
    docs: &[VexDocument],
    by_id: &BTreeMap<String, Vec<At>>,
    digest: Option<&str>,
) -> BTreeSet<At> {
    let purl = finding.package.purl.parse::<Purl>().ok();
    let candidates = finding
        .ids()
        .filter_map(|id| by_id.get(&id.to_ascii_lowercase()))
        .flatten()
        .copied();
    candidates
        .filter(|&at| {
            lookup(docs, at).is_some_and(|(_, st)| {
                st.products
                    .iter()
                    .any(|p| product_matches(p, purl.as_ref(), digest))
            })
        })
        .collect()
}

fn lookup(docs: &[VexDocument], (d, s): At) -> Option<(&VexDocument, &Statement)> {
    let doc = docs.get(d)?;
    Some((doc, doc.statements.get(s)?))
}

fn precedence(docs: &[VexDocument], at: At) -> (Option<Timestamp>, usize, usize) {
    let time = lookup(docs, at).and_then(|(_, st)| st.timestamp);
    (time, at.0, at.1)
}

fn product_matches(p: &Product, package: Option<&Purl>, digest: Option<&str>) -> bool {
    if is_image(&p.component, digest) {
        return p.subcomponents.is_empty()
            || p.subcomponents
                .iter()
                .any(|c| component_matches(c, package));
    }
    component_matches(&p.component, package)
}

/// The component names the scanned image by its manifest digest.
fn is_image(c: &Component, digest: Option<&str>) -> bool {
    let Some(digest) = digest.filter(|d| !d.is_empty()) else {
        return false;
    };
    c.id.as_deref() == Some(digest)
        || c.purls
            .iter()
            .any(|p| p.ty() == "oci" && p.version() == Some(digest))
}

fn component_matches(c: &Component, package: Option<&Purl>) -> bool {
    package.is_some_and(|pkg| c.purls.iter().any(|p| purl_matches(p, pkg)))
}

/// `stated` covers `package` (see the module docs).
fn purl_matches(stated: &Purl, package: &Purl) -> bool {
    stated.ty() == package.ty()
        && stated.namespace() == package.namespace()
        && stated.name() == package.name()
        && stated
            .version()
            .is_none_or(|v| package.version() == Some(v))
        && stated
            .qualifiers()
            .iter()
            .all(|(k, v)| package.qualifiers().get(k) == Some(v))
}

fn decision(doc: &VexDocument, st: &Statement) -> VexDecision {
    VexDecision {
        status: st.status,
        justification: st.justification.clone(),
        statement: st.impact_statement.clone().or(st.action_statement.clone()),
        document: reference(doc, st),
    }
}

/// `<path>#<index>`.
fn reference(doc: &VexDocument, st: &Statement) -> String {
    format!("{}#{}", doc.path, st.index)
}

fn stale(docs: &[VexDocument], used: &BTreeSet<At>) -> Vec<ScanWarning> {
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for (s, st) in doc.statements.iter().enumerate() {
            if !used.contains(&(d, s)) {
                out.push(stale_warning(doc, st));
            }
        }
    }
    out.sort();
    out
}

fn stale_warning(doc: &VexDocument, st: &Statement) -> ScanWarning {
    let products: Vec<String> = st.products.iter().map(describe).collect();
    let products = if products.is_empty() {
        "no products".to_owned()
    } else {
        products.join(", ")
    };
    ScanWarning {
        code: STALE_CODE.to_owned(),
        message: format!(
            "VEX statement {} ({} for {}, {}) matched no finding; remove it or check its product ids",
            reference(doc, st),
            st.vulnerability,
            products,
            status_label(st.status),
        ),
    }
}

fn describe(p: &Product) -> String {
    if p.subcomponents.is_empty() {
        return p.component.label();
    }
    let subs: Vec<String> = p.subcomponents.iter().map(Component::label).collect();
    format!("{} [{}]", p.component.label(), subs.join(", "))
}
