//! OCaml packages from opam files (opam manual, "The opam file format" and "opam"): `<name>.opam`
//! in a project, or `<name>.<version>/opam` in a repository or switch. An opam file is a list
//! of `field: value` items and `section { ... }` blocks; values are strings (`"x"`,
//! `"""x"""`), identifiers, lists `[ ... ]`, option filters `{ ... }` and operators. `#` and
//! `(* *)` are comments.
//!
//! Read: `name` and `version` (else from the file or directory name), `license`, `homepage`,
//! `maintainer`, `url { src, checksum }` and `depends` (the package names in it, filters
//! ignored), which become `DependsOn` edges to the packages whose opam files the tree also
//! holds. A package becomes `pkg:opam/<name>@<version>` (purl spec, `opam` type); the supplier
//! is the first maintainer, else opam.ocaml.org.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "opam-cataloger";

/// The opam cataloger.
#[derive(Debug, Clone, Copy)]
pub struct OcamlCataloger;

impl Cataloger for OcamlCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        let name = path.file_name();
        name == "opam" || name.len() > 5 && name.ends_with(".opam")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut built: Vec<(String, PackageId, Vec<String>)> = Vec::new();
        for entry in files {
            let result = read_text(tree, entry)
                .and_then(|t| tokens(&t))
                .and_then(|t| package(&fields(&t), entry));
            match result {
                Ok((p, deps)) => {
                    built.push((p.name.clone(), p.id.clone(), deps));
                    out.packages.push(p);
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
        let by_name: BTreeMap<&str, &PackageId> =
            built.iter().map(|(n, id, _)| (n.as_str(), id)).collect();
        for (_, from, deps) in &built {
            for d in deps {
                if let Some(to) = by_name.get(d.as_str()) {
                    out.depends(from, to);
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Str(String),
    Word(String),
    Punct(char),
}

/// Splits an opam file into tokens, dropping comments.
fn tokens(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
        } else if c == '#' {
            rest = rest
                .find('\n')
                .and_then(|i| rest.get(i..))
                .unwrap_or_default();
        } else if let Some(r) = rest.strip_prefix("(*") {
            let end = r.find("*)").ok_or("unterminated (* comment")?;
            rest = r.get(end + 2..).unwrap_or_default();
        } else if let Some(r) = rest.strip_prefix("\"\"\"") {
            let end = r.find("\"\"\"").ok_or("unterminated \"\"\" string")?;
            out.push(Tok::Str(r.get(..end).unwrap_or_default().to_owned()));
            rest = r.get(end + 3..).unwrap_or_default();
        } else if let Some(r) = rest.strip_prefix('"') {
            let (s, used) = quoted(r).ok_or("unterminated string")?;
            out.push(Tok::Str(s));
            rest = r.get(used..).unwrap_or_default();
        } else if "[]{}():".contains(c) {
            out.push(Tok::Punct(c));
            rest = rest.get(1..).unwrap_or_default();
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || "[]{}():\"#".contains(c))
                .unwrap_or(rest.len());
            let end = end.max(c.len_utf8());
            out.push(Tok::Word(rest.get(..end).unwrap_or_default().to_owned()));
            rest = rest.get(end..).unwrap_or_default();
        }
    }
    Ok(out)
}

/// A `"..."` string's text (the opening quote already consumed) and the bytes used.
fn quoted(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (escaped, c) {
            (true, c) => {
                out.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, '"') => return Some((out, i + 1)),
            (false, c) => out.push(c),
        }
    }
    None
}

/// Top-level `field: value` items (sections' fields as `section.field`), each value's tokens.
fn fields(toks: &[Tok]) -> BTreeMap<String, Vec<Tok>> {
    let mut out: BTreeMap<String, Vec<Tok>> = BTreeMap::new();
    let mut section: Option<String> = None;
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        let next = toks.get(i + 1);
        match (t, next) {
            (Tok::Word(w), Some(Tok::Punct(':'))) if depth == 0 => {
                let key = section.as_ref().map_or(w.clone(), |s| format!("{s}.{w}"));
                out.entry(key.clone()).or_default();
                current = Some(key);
                i += 2;
                continue;
            }
            (Tok::Word(w), Some(Tok::Punct('{'))) if depth == 0 && section.is_none() => {
                section = Some(w.clone());
                current = None;
                i += 2;
                continue;
            }
            (Tok::Punct('}'), _) if depth == 0 && section.is_some() => {
                section = None;
                current = None;
            }
            (Tok::Punct('[' | '{' | '('), _) => depth += 1,
            (Tok::Punct(']' | '}' | ')'), _) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if let Some(v) = current.as_ref().and_then(|k| out.get_mut(k)) {
            v.push(t.clone());
        }
        i += 1;
    }
    out
}

/// The first string of a field's value.
fn string<'f>(fields: &'f BTreeMap<String, Vec<Tok>>, key: &str) -> Option<&'f str> {
    fields.get(key)?.iter().find_map(|t| match t {
        Tok::Str(s) => Some(s.as_str()),
        _ => None,
    })
}

/// Every string of a field's value that is not inside a `{ filter }`.
fn strings(fields: &BTreeMap<String, Vec<Tok>>, key: &str) -> Vec<String> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for t in fields.get(key).into_iter().flatten() {
        match t {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = depth.saturating_sub(1),
            Tok::Str(s) if depth == 0 => out.push(s.clone()),
            _ => {}
        }
    }
    out
}

/// `<name>.<version>/opam` or `<name>[.<version>].opam`: the name and version the path gives.
fn from_path(path: &TreePath) -> (String, String) {
    let base = match path.file_name().strip_suffix(".opam") {
        Some(stem) => stem,
        None => path.as_str().rsplit('/').nth(1).unwrap_or_default(),
    };
    let split = base
        .char_indices()
        .find(|&(i, c)| c == '.' && base.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit));
    match split {
        Some((i, _)) => (
            base.get(..i).unwrap_or_default().to_owned(),
            base.get(i + 1..).unwrap_or_default().to_owned(),
        ),
        None => (base.to_owned(), String::new()),
    }
}

fn package(
    f: &BTreeMap<String, Vec<Tok>>,
    entry: &TreeEntry,
) -> Result<(Package, Vec<String>), String> {
    let (path_name, path_version) = from_path(&entry.path);
    let name = string(f, "name").unwrap_or(&path_name).to_owned();
    let version = string(f, "version").unwrap_or(&path_version).to_owned();
    if !f.contains_key("opam-version") && string(f, "version").is_none() {
        return Err("no opam-version or version field: not an opam file".to_owned());
    }
    if name.is_empty() {
        return Err(
            "no package name: no `name` field, and the file is neither `<name>.opam` nor \
             `<name>.<version>/opam`"
                .to_owned(),
        );
    }
    let purl = Purl::new("opam", None, &name, Some(&version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, &name, &version, purl, location, NAME);
    let licenses: Vec<String> = strings(f, "license")
        .iter()
        .filter_map(|l| crate::license::normalize(l))
        .collect();
    p.license = super::erlang::all_of(&licenses);
    p.homepage = string(f, "homepage").map(str::to_owned);
    // opam.ocaml.org, the default opam repository, publishes packages naming no maintainer.
    p.supplier = string(f, "maintainer")
        .and_then(Party::person_from)
        .or_else(|| {
            Some(Party::Organization {
                name: "opam.ocaml.org".to_owned(),
                email: None,
            })
        });
    p.download_location = string(f, "url.src").map(str::to_owned);
    for c in strings(f, "url.checksum") {
        if let Some((algo, hex)) = c.split_once('=') {
            p.checksums
                .insert(algo.to_ascii_uppercase(), hex.to_ascii_lowercase());
        }
    }
    Ok((p, strings(f, "depends")))
}
