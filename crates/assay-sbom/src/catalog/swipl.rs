//! SWI-Prolog packs from `pack.pl` (SWI-Prolog manual, "Packs: community add-ons → pack.pl"):
//! Prolog facts such as `name(hdt).`, `version('0.5.2').`, `author(Name, Email).`,
//! `home(URL).`, `download(URLPattern).` (`*` standing for the version) and `requires(Pack).`.
//!
//! A pack becomes `pkg:swiplpack/<name>@<version>`, the type syft uses. The supplier is the
//! packager (else the maintainer, else the author); `requires` facts become `DependsOn` edges
//! to the packs whose `pack.pl` the tree also holds.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "swipl-pack-cataloger";

/// The pack.pl cataloger.
#[derive(Debug, Clone, Copy)]
pub struct SwiplCataloger;

impl Cataloger for SwiplCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name() == "pack.pl"
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut packs: Vec<(String, PackageId, Vec<String>)> = Vec::new();
        for entry in files {
            let built = read_text(tree, entry).and_then(|t| pack(&facts(&t), entry));
            match built {
                Ok((p, requires)) => {
                    packs.push((p.name.clone(), p.id.clone(), requires));
                    out.packages.push(p);
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
        let by_name: BTreeMap<&str, &PackageId> =
            packs.iter().map(|(n, id, _)| (n.as_str(), id)).collect();
        for (_, from, requires) in &packs {
            for r in requires {
                if let Some(to) = by_name.get(r.as_str()) {
                    out.depends(from, to);
                }
            }
        }
    }
}

/// Every `functor(arg, ...)` fact, functor → each occurrence's arguments (unquoted).
fn facts(text: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let text = strip_comments(text);
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('(') {
        let functor = rest
            .get(..open)
            .and_then(|h| {
                h.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
            })
            .unwrap_or_default()
            .to_owned();
        let after = rest.get(open + 1..).unwrap_or_default();
        let (args, used) = arguments(after);
        rest = after.get(used..).unwrap_or_default();
        if !functor.is_empty() {
            out.entry(functor).or_default().push(args);
        }
    }
    out
}

/// The text without `%` line comments (a `%` inside quotes is kept).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (None, '%') => break,
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            out.push(c);
        }
        out.push('\n');
    }
    out
}

/// Top-level comma-separated arguments up to the closing `)`, quotes removed; and the number
/// of bytes read (the `)` included).
fn arguments(s: &str) -> (Vec<String>, usize) {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => {
                depth += 1;
                current.push(c);
            }
            (None, ')') if depth == 0 => {
                args.push(current.trim().to_owned());
                return (args, i + 1);
            }
            (None, ')' | ']') => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            (None, ',') if depth == 0 => args.push(std::mem::take(&mut current).trim().to_owned()),
            (None, c) => current.push(c),
        }
    }
    (args, s.len())
}

fn first<'f>(facts: &'f BTreeMap<String, Vec<Vec<String>>>, key: &str) -> Option<&'f [String]> {
    facts.get(key)?.first().map(Vec::as_slice)
}

fn pack(
    facts: &BTreeMap<String, Vec<Vec<String>>>,
    entry: &TreeEntry,
) -> Result<(Package, Vec<String>), String> {
    let arg = |k: &str| first(facts, k).and_then(|a| a.first()).map(String::as_str);
    let name = arg("name")
        .filter(|n| !n.is_empty())
        .ok_or("no name(...) fact")?;
    let version = arg("version").unwrap_or_default();
    let purl = Purl::new("swiplpack", None, name, Some(version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, name, version, purl, location, NAME);
    p.supplier = ["packager", "maintainer", "author"]
        .iter()
        .find_map(|k| person(first(facts, k)?));
    p.homepage = arg("home").filter(|h| h.contains("://")).map(str::to_owned);
    p.download_location = arg("download")
        .filter(|d| d.contains("://"))
        .map(|d| d.replace('*', version));
    p.license = arg("license").and_then(crate::license::normalize);
    let requires = facts
        .get("requires")
        .into_iter()
        .flatten()
        .filter_map(|a| a.first())
        .map(|r| {
            r.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or(r)
        })
        .map(str::to_owned)
        .collect();
    Ok((p, requires))
}

/// `author(Name, Email)` or `author('Name <email>')`.
fn person(args: &[String]) -> Option<Party> {
    match args {
        [name, email, ..] => Some(Party::Person {
            name: name.clone(),
            email: Some(email.clone()).filter(|e| e.contains('@')),
        }),
        [one] => Party::person_from(one),
        [] => None,
    }
}
