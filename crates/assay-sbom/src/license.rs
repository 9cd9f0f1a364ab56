//! License normalisation: whatever a package declared, turned into an SPDX license expression
//! that SPDX and CycloneDX tools accept (SPDX 2.3 Annex D, "SPDX License Expressions").
//!
//! [`normalize`] tries, in order:
//!
//! 1. the text as an SPDX expression (operators in any case, deprecated GNU ids such as
//!    `GPL-2.0+` rewritten to `GPL-2.0-or-later`);
//! 2. the whole text as one common non-SPDX name (`MIT License`, `Apache 2.0`, `GPLv2+`,
//!    `GNU General Public License v3 (GPLv3)`, `PSF`, `MIT/X11`, `Expat`, ...);
//! 3. a list of such names joined by `/`, `,`, `;`, ` or `, ` and ` (a mild fix for
//!    `MIT/Apache-2.0` and `GPL-2+, LGPL-2.1+`);
//! 4. otherwise `LicenseRef-<sanitised text>`, which is always a valid expression (SPDX
//!    documents then have to carry it in `hasExtractedLicensingInfos`).

use spdx::{Expression, ParseMode};

/// What [`normalize`] reads as an expression: strict SPDX syntax, but deprecated ids (still on
/// the license list) are allowed so that canonicalisation can replace them.
const READ: ParseMode = ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// Names people write that no prefix rule gets right; matched case-insensitively, whole.
const ALIASES: &[(&str, &str)] = &[
    ("apache software license", "Apache-2.0"),
    // Deprecated ids (SPDX license list, "deprecated") that have an exact modern form.
    ("bsd-2-clause-freebsd", "BSD-2-Clause"),
    ("bsd-2-clause-netbsd", "BSD-2-Clause"),
    ("bzip2-1.0.5", "bzip2-1.0.6"),
    ("standardml-nj", "SMLNJ"),
    (
        "gpl-2.0-with-autoconf-exception",
        "GPL-2.0-only WITH Autoconf-exception-2.0",
    ),
    (
        "gpl-2.0-with-bison-exception",
        "GPL-2.0-only WITH Bison-exception-2.2",
    ),
    (
        "gpl-2.0-with-classpath-exception",
        "GPL-2.0-only WITH Classpath-exception-2.0",
    ),
    (
        "gpl-2.0-with-font-exception",
        "GPL-2.0-only WITH Font-exception-2.0",
    ),
    (
        "gpl-2.0-with-gcc-exception",
        "GPL-2.0-only WITH GCC-exception-2.0",
    ),
    (
        "gpl-3.0-with-autoconf-exception",
        "GPL-3.0-only WITH Autoconf-exception-3.0",
    ),
    (
        "gpl-3.0-with-gcc-exception",
        "GPL-3.0-only WITH GCC-exception-3.1",
    ),
    ("apache software", "Apache-2.0"),
    ("expat", "MIT"),
    ("mit/x11", "MIT"),
    ("mit-x11", "MIT"),
    ("psf", "PSF-2.0"),
    ("psfl", "PSF-2.0"),
    ("python software foundation", "PSF-2.0"),
    ("python software foundation license", "PSF-2.0"),
    ("public domain", "LicenseRef-Public-Domain"),
    ("public-domain", "LicenseRef-Public-Domain"),
];

/// Words an imprecise name may be followed by without changing its meaning.
const FILLER: &[&str] = &["license", "licence", "licensed", "software", "version", "v"];

/// The SPDX license expression for `raw`, or `None` when nothing is declared
/// (empty, `UNKNOWN`, `NOASSERTION`, `NONE`, or no usable character at all).
pub fn normalize(raw: &str) -> Option<String> {
    let text = raw.trim();
    let sentinel = ["UNKNOWN", "NOASSERTION", "NONE"]
        .iter()
        .any(|s| text.eq_ignore_ascii_case(s));
    if text.is_empty() || sentinel {
        return None;
    }
    expression(text)
        .or_else(|| single(text))
        .or_else(|| with_exception(text))
        .or_else(|| list(text))
        .or_else(|| license_ref(text))
}

/// Debian's `GPL-3+ with GCC exception` style: a license and a named exception, written as
/// SPDX's `<license> WITH <exception>` when both are recognised (SPDX spec, Annex D.4).
fn with_exception(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let (base, exception) = lower.split_once(" with ")?;
    let base = single(text.get(..base.len())?)?;
    let name = exception
        .trim()
        .trim_end_matches("exception")
        .trim()
        .trim_end_matches('-');
    let gpl3 = base.starts_with("GPL-3") || base.starts_with("LGPL-3");
    let id = match name {
        "gcc" | "gcc runtime library" | "gcc-runtime" if gpl3 => "GCC-exception-3.1",
        "gcc" if base.starts_with("GPL-2") => "GCC-exception-2.0",
        "classpath" => "Classpath-exception-2.0",
        "autoconf" if gpl3 => "Autoconf-exception-3.0",
        "autoconf" => "Autoconf-exception-2.0",
        "font" => "Font-exception-2.0",
        _ => return None,
    };
    let expr = format!("{base} WITH {id}");
    is_valid(&expr).then_some(expr)
}

/// Whether `expr` is an expression [`normalize`] could have produced: strict SPDX syntax with
/// current (not deprecated) ids, no references into other documents, and no `NOASSERTION` or
/// `NONE` inside it.
pub fn is_valid(expr: &str) -> bool {
    let keyword = expr
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .any(|t| t == "NOASSERTION" || t == "NONE");
    Expression::parse_mode(expr, ParseMode::STRICT).is_ok()
        && !keyword
        && !expr.contains("DocumentRef-")
        && !expr.contains("AdditionRef-")
}

/// The `LicenseRef-…` ids used in an expression, in order of appearance.
pub fn license_refs(expr: &str) -> impl Iterator<Item = &str> {
    expr.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|t| t.starts_with("LicenseRef-"))
}

/// `text` if it already is an SPDX expression, in canonical form (operators upper-case,
/// deprecated GNU ids as `-only` / `-or-later`).
fn expression(text: &str) -> Option<String> {
    Expression::parse_mode(text, READ).ok()?;
    let canonical = match Expression::canonicalize(text) {
        Ok(Some(c)) => c,
        Ok(None) => text.to_owned(),
        Err(_) => return None,
    };
    is_valid(&canonical).then_some(canonical)
}

/// One license written any common way.
fn single(term: &str) -> Option<String> {
    let term = term.trim();
    let core = core_name(term);
    let dashed: String = core.split_whitespace().collect::<Vec<_>>().join("-");
    exact_id(term)
        .or_else(|| exact_id(&dashed))
        .or_else(|| alias(term).or_else(|| alias(core)))
        .or_else(|| gnu(core))
        .or_else(|| imprecise(term))
}

/// `term` without a leading `the `, a trailing `(ABBREV)` and a trailing `license`.
fn core_name(term: &str) -> &str {
    let mut t = term.trim();
    if let Some(open) = t.rfind('(')
        && t.ends_with(')')
        && open > 0
    {
        t = t.get(..open).unwrap_or(t).trim_end();
    }
    t = strip_prefix_ci(t, "the ").unwrap_or(t);
    for suffix in [" license", " licence"] {
        t = strip_suffix_ci(t, suffix).unwrap_or(t);
    }
    t.trim()
}

/// A license-list id spelt in any case, with an optional `+`.
fn exact_id(term: &str) -> Option<String> {
    let (base, plus) = match term.strip_suffix('+') {
        Some(b) => (b, "+"),
        None => (term, ""),
    };
    let found = spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(base))?;
    expression(&format!("{}{plus}", found.name))
}

fn alias(term: &str) -> Option<String> {
    let (_, expr) = ALIASES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(term))?;
    is_valid(expr).then(|| (*expr).to_owned())
}

/// GNU licenses in their many spellings: `GPLv2+`, `GPL-2`, `LGPL 2.1 or later`,
/// `GNU Lesser General Public License v3`, `AGPL-3.0-only`.
fn gnu(term: &str) -> Option<String> {
    let lower = term.to_ascii_lowercase();
    let lower = lower.strip_prefix("gnu ").unwrap_or(&lower);
    let families = [
        ("affero general public", "AGPL"),
        ("lesser general public", "LGPL"),
        ("library general public", "LGPL"),
        ("general public", "GPL"),
        ("agpl", "AGPL"),
        ("lgpl", "LGPL"),
        ("gpl", "GPL"),
    ];
    let (rest, family) = families
        .iter()
        .find_map(|(p, f)| lower.strip_prefix(p).map(|r| (r, *f)))?;
    let rest = rest.trim_start_matches(" license");
    let rest = rest.trim_start_matches([' ', ',', '-']);
    let rest = rest.strip_prefix("version").unwrap_or(rest);
    let rest = rest.trim_start_matches([' ', 'v']);
    let digits = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (version, suffix) = rest.split_at(digits);
    let or_later = match suffix.trim() {
        "" | "-only" | "only" => false,
        "+" | "-or-later" | "or later" | "or-later" | "or any later version" => true,
        _ => return None,
    };
    let version = match version {
        "1" | "2" | "3" => format!("{version}.0"),
        v if v.contains('.') => v.to_owned(),
        _ => return None,
    };
    let id = spdx::gnu_license_id(&format!("{family}-{version}"), or_later)?;
    expression(id.name)
}

/// spdx's prefix table (`apache` → Apache-2.0, `mit` → MIT, `bsd` → BSD-2-Clause), accepted
/// only when what follows the prefix is filler or the version the id already names. A bare
/// GNU family name without a version is not guessed.
fn imprecise(term: &str) -> Option<String> {
    let (id, len) = spdx::imprecise_license_id(term)?;
    if id.is_gnu() && !term.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = term.get(len..)?.to_ascii_lowercase();
    let fits = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .all(|w| w.bytes().all(|b| b.is_ascii_digit()) && id.name.contains(w));
    fits.then(|| expression(id.name)).flatten()
}

/// Terms joined by `/`, `,`, `;` (read as OR), ` or ` and ` and `, each one license.
fn list(text: &str) -> Option<String> {
    if text.contains(['(', ')']) {
        return None;
    }
    let mut out = String::new();
    for (op, term) in split_terms(text) {
        out.push_str(op);
        out.push_str(&single(term)?);
    }
    is_valid(&out).then_some(out)
}

/// Splits at the separators `list` knows; each term comes with the operator before it.
fn split_terms(text: &str) -> Vec<(&'static str, &str)> {
    let lower = text.to_ascii_lowercase();
    let seps: [(&str, &str); 5] = [
        ("/", " OR "),
        (",", " OR "),
        (";", " OR "),
        (" or ", " OR "),
        (" and ", " AND "),
    ];
    let mut out = Vec::new();
    let (mut start, mut op) = (0, "");
    while let Some((at, sep, next_op)) = seps
        .iter()
        .filter_map(|(s, o)| lower.get(start..)?.find(s).map(|i| (start + i, *s, *o)))
        .min_by_key(|(i, _, _)| *i)
    {
        out.push((op, text.get(start..at).unwrap_or_default().trim()));
        (start, op) = (at + sep.len(), next_op);
    }
    out.push((op, text.get(start..).unwrap_or_default().trim()));
    out
}

/// `LicenseRef-` and the text with `+` spelt `-plus` (so `X+` and `X` stay apart) and every
/// other run of characters outside `[A-Za-z0-9.]` made one `-`; `None` when nothing but
/// separators is left.
fn license_ref(text: &str) -> Option<String> {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            id.push(c);
        } else if c == '+' {
            id.push_str(if id.ends_with('-') { "plus-" } else { "-plus-" });
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-');
    let id = id.strip_prefix("LicenseRef-").unwrap_or(id);
    (!id.is_empty()).then(|| format!("LicenseRef-{id}"))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            ("   ", None),
            ("UNKNOWN", None),
            ("NOASSERTION", None),
            ("none", None),
            ("???", None),
            ("MIT", Some("MIT")),
            ("  MIT  ", Some("MIT")),
            ("mit", Some("MIT")),
            ("MIT License", Some("MIT")),
            ("The MIT License (MIT)", Some("MIT")),
            ("MIT/X11", Some("MIT")),
            ("Expat", Some("MIT")),
            ("Apache-2.0", Some("Apache-2.0")),
            ("Apache 2.0", Some("Apache-2.0")),
            ("Apache License 2.0", Some("Apache-2.0")),
            ("Apache License, Version 2.0", Some("Apache-2.0")),
            ("Apache Software License", Some("Apache-2.0")),
            ("Apache License 1.1", Some("LicenseRef-Apache-License-1.1")),
            ("BSD", Some("BSD-2-Clause")),
            ("BSD License", Some("BSD-2-Clause")),
            (
                "GPL-3+ with GCC exception",
                Some("GPL-3.0-or-later WITH GCC-exception-3.1"),
            ),
            (
                "GPL-2+ with Autoconf exception",
                Some("GPL-2.0-or-later WITH Autoconf-exception-2.0"),
            ),
            (
                "GPL-2 with classpath exception",
                Some("GPL-2.0-only WITH Classpath-exception-2.0"),
            ),
            ("bsd-3-clause", Some("BSD-3-Clause")),
            ("BSD 3-Clause License", Some("BSD-3-Clause")),
            ("ISC License (ISCL)", Some("ISC")),
            ("PSF", Some("PSF-2.0")),
            ("Python Software Foundation License", Some("PSF-2.0")),
            ("GPLv2+", Some("GPL-2.0-or-later")),
            ("GPL-2", Some("GPL-2.0-only")),
            ("GPL-2+", Some("GPL-2.0-or-later")),
            ("GPL-2.0", Some("GPL-2.0-only")),
            ("GPL-2.0+", Some("GPL-2.0-or-later")),
            ("GPL-3.0-or-later", Some("GPL-3.0-or-later")),
            ("LGPL-2.1+", Some("LGPL-2.1-or-later")),
            ("lgpl-2.1", Some("LGPL-2.1-only")),
            ("gnu gpl v2", Some("GPL-2.0-only")),
            (
                "GNU General Public License v3 or later (GPLv3+)",
                Some("GPL-3.0-or-later"),
            ),
            (
                "GNU Lesser General Public License v2 or later (LGPLv2+)",
                Some("LGPL-2.0-or-later"),
            ),
            ("GPL", Some("LicenseRef-GPL")),
            ("MIT OR Apache-2.0", Some("MIT OR Apache-2.0")),
            ("mit or apache-2.0", Some("MIT OR Apache-2.0")),
            ("MIT/Apache-2.0", Some("MIT OR Apache-2.0")),
            ("MIT, Apache 2.0", Some("MIT OR Apache-2.0")),
            (
                "GPL-2+ and LGPL-2.1+",
                Some("GPL-2.0-or-later AND LGPL-2.1-or-later"),
            ),
            (
                "(MIT OR Apache-2.0) AND Unicode-3.0",
                Some("(MIT OR Apache-2.0) AND Unicode-3.0"),
            ),
            (
                "Apache-2.0 WITH LLVM-exception",
                Some("Apache-2.0 WITH LLVM-exception"),
            ),
            ("LicenseRef-Foo", Some("LicenseRef-Foo")),
            (
                "DocumentRef-x:LicenseRef-y",
                Some("LicenseRef-DocumentRef-x-LicenseRef-y"),
            ),
            (
                "GPL-2+ with weird (stuff)",
                Some("LicenseRef-GPL-2-plus-with-weird-stuff"),
            ),
            (
                "Licence publique générale",
                Some("LicenseRef-Licence-publique-g-n-rale"),
            ),
            ("mitigation", Some("LicenseRef-mitigation")),
            ("public-domain", Some("LicenseRef-Public-Domain")),
            ("MIT AND", Some("LicenseRef-MIT-AND")),
            ("MIT OR NOASSERTION", Some("LicenseRef-MIT-OR-NOASSERTION")),
            ("eCos-2.0", Some("LicenseRef-eCos-2.0")),
            ("BSD-2-Clause-FreeBSD", Some("BSD-2-Clause")),
            (
                "GPL-2.0-with-GCC-exception",
                Some("GPL-2.0-only WITH GCC-exception-2.0"),
            ),
            (
                "MIT OR GPL-2.0-with-classpath-exception",
                Some("MIT OR GPL-2.0-only WITH Classpath-exception-2.0"),
            ),
            ("AGPL-3.0", Some("AGPL-3.0-only")),
            ("wxWindows", Some("LicenseRef-wxWindows")),
            ("GFDL-NIV-1.3+", Some("LicenseRef-GFDL-NIV-1.3-plus")),
            ("GFDL-NIV-1.3", Some("LicenseRef-GFDL-NIV-1.3")),
            ("ISC+IBM", Some("LicenseRef-ISC-plus-IBM")),
            ("LGPLv2.1+", Some("LGPL-2.1-or-later")),
            (
                "LGPLv3+_or_GPLv2+",
                Some("LicenseRef-LGPLv3-plus-or-GPLv2-plus"),
            ),
            ("CC0", Some("CC0-1.0")),
            ("BSD3", Some("BSD-3-Clause")),
            ("curl", Some("curl")),
            ("MIT-old", Some("LicenseRef-MIT-old")),
            ("REGCOMP,", Some("LicenseRef-REGCOMP")),
            (
                "GFDL-1.3+-no-invariant",
                Some("LicenseRef-GFDL-1.3-plus-no-invariant"),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw).as_deref(), *want, "{raw:?}");
        }
    }

    #[test]
    fn output_is_always_a_valid_expression_and_idempotent() {
        let inputs = [
            "GPL-2+ with weird (stuff)",
            "MIT License",
            "a/b/c",
            "((",
            "Artistic",
            "BSD-tcp_wrappers",
            "GPL-1+ or Artistic",
        ];
        for raw in inputs {
            let Some(out) = normalize(raw) else { continue };
            assert!(is_valid(&out), "{raw:?} -> {out:?}");
            assert_eq!(normalize(&out).as_deref(), Some(out.as_str()), "{raw:?}");
        }
    }

    #[test]
    fn license_refs_are_listed() {
        let refs: Vec<&str> = license_refs("(LicenseRef-a OR MIT) AND LicenseRef-b").collect();
        assert_eq!(refs, ["LicenseRef-a", "LicenseRef-b"]);
        assert_eq!(license_refs("").count(), 0);
    }
}
