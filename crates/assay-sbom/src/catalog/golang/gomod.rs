//! `go.mod` and `go.sum`, per the Go Modules Reference (go.dev/ref/mod), sections "go.mod
//! files" (lexical elements, grammar, `require`, `exclude`, `replace`) and "go.sum files".
//!
//! A `go.mod` is read the way `golang.org/x/mod/modfile.Parse` reads it: one directive per
//! line or a `verb ( ... )` block of them, `//` comments, quoted strings; an unknown directive
//! or a malformed one makes the whole file unreadable, as it does for the `go` command. Each
//! `require` is a module of the build, after the `replace` that applies to it (a
//! version-specific one before a path-wide one) and unless an `exclude` names that exact
//! version. A `// indirect` comment marks a module the main module does not import itself.
//! The main module (`module`) is the project, not a package.
//!
//! `go.sum` beside it contributes each module's `h1:` hash (its "dirhash" of the module zip).

use std::collections::BTreeMap;

/// What a `go.mod` declares.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct GoMod {
    /// The `module` path.
    pub module: Option<String>,
    pub requires: Vec<Require>,
    excludes: Vec<(String, String)>,
    replaces: Vec<Replace>,
}

/// A `require` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Require {
    pub path: String,
    pub version: String,
    pub indirect: bool,
}

/// A `replace` line: `old [version] => new [version]`; `new` without a version is a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

/// A module of the build, as `go.mod` resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    /// The module path whose code is built (the replacement's, for a module replacement).
    pub path: String,
    /// Its version; empty for a directory replacement.
    pub version: String,
    pub indirect: bool,
    /// `path@version` as required, when a `replace` changed it.
    pub replaces: Option<String>,
    /// The directory it was replaced by, for a directory replacement.
    pub directory: Option<String>,
}

impl GoMod {
    /// Parses a `go.mod`; the error names the first offending line.
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        let mut m = GoMod::default();
        let mut block: Option<(String, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let at = |e: String| format!("line {n}: {e}");
            let (tokens, comment) = lex(raw).map_err(at)?;
            match (block.clone(), tokens.as_slice()) {
                (_, []) => {}
                (Some(_), [close]) if close == ")" => block = None,
                (Some((verb, _)), args) => m.directive(&verb, args, comment).map_err(at)?,
                (None, [verb, open]) if open == "(" => block = Some((verb.clone(), n)),
                (None, [_, open, close]) if open == "(" && close == ")" => {}
                (None, [verb, args @ ..]) => m.directive(verb, args, comment).map_err(at)?,
            }
        }
        match block {
            Some((verb, n)) => Err(format!("line {n}: the {verb} block is never closed")),
            None => Ok(m),
        }
    }

    fn directive(&mut self, verb: &str, args: &[String], comment: &str) -> Result<(), String> {
        match (verb, args) {
            ("module", [path]) => self.module = Some(path.clone()),
            ("require", [path, version]) => self.requires.push(Require {
                path: path.clone(),
                version: version.clone(),
                indirect: indirect(comment),
            }),
            ("exclude", [path, version]) => self.excludes.push((path.clone(), version.clone())),
            ("replace", _) => self.replaces.push(replace(args)?),
            ("go" | "toolchain" | "godebug" | "retract" | "tool" | "ignore", _) => {}
            ("module" | "require" | "exclude", _) => {
                return Err(format!(
                    "usage: {verb} module/path{}",
                    if verb == "module" { "" } else { " v1.2.3" }
                ));
            }
            _ => return Err(format!("unknown directive: {verb}")),
        }
        Ok(())
    }

    /// The modules of the build: each `require` after `exclude` and `replace`.
    pub(super) fn resolve(&self) -> Vec<Resolved> {
        self.requires
            .iter()
            .filter(|r| {
                !self
                    .excludes
                    .iter()
                    .any(|(p, v)| *p == r.path && *v == r.version)
            })
            .map(|r| self.resolve_one(r))
            .collect()
    }

    fn resolve_one(&self, r: &Require) -> Resolved {
        let exact = self
            .replaces
            .iter()
            .find(|x| x.old == r.path && x.old_version.as_deref() == Some(r.version.as_str()));
        let any = || {
            self.replaces
                .iter()
                .find(|x| x.old == r.path && x.old_version.is_none())
        };
        let required = format!("{}@{}", r.path, r.version);
        match exact.or_else(any) {
            None => Resolved {
                path: r.path.clone(),
                version: r.version.clone(),
                indirect: r.indirect,
                replaces: None,
                directory: None,
            },
            Some(x) => match &x.new_version {
                Some(v) => Resolved {
                    path: x.new.clone(),
                    version: v.clone(),
                    indirect: r.indirect,
                    replaces: Some(required),
                    directory: None,
                },
                None => Resolved {
                    path: r.path.clone(),
                    version: String::new(),
                    indirect: r.indirect,
                    replaces: Some(required),
                    directory: Some(x.new.clone()),
                },
            },
        }
    }
}

/// `old [v] => new [v]`.
fn replace(args: &[String]) -> Result<Replace, String> {
    let arrow = args.iter().position(|a| a == "=>");
    let (old, new) = match arrow {
        Some(i) => (
            args.get(..i).unwrap_or_default(),
            args.get(i + 1..).unwrap_or_default(),
        ),
        None => (args, &[][..]),
    };
    let usage = || {
        "usage: replace module/path [v1.2.3] => other/module v1.4 | ../local/directory".to_owned()
    };
    let (old, old_version) = match old {
        [p] => (p.clone(), None),
        [p, v] => (p.clone(), Some(v.clone())),
        _ => return Err(usage()),
    };
    let (new, new_version) = match new {
        [p] => (p.clone(), None),
        [p, v] => (p.clone(), Some(v.clone())),
        _ => return Err(usage()),
    };
    Ok(Replace {
        old,
        old_version,
        new,
        new_version,
    })
}

/// `modfile`'s `isIndirect`: the line's comment is `indirect` or starts `indirect;`.
fn indirect(comment: &str) -> bool {
    let c = comment.trim_start_matches("//").trim();
    c == "indirect" || c.starts_with("indirect;")
}

/// Splits one line into tokens and its `//` comment. Tokens are `(`, `)`, quoted strings
/// (interpreted `"..."`, raw `` `...` ``), and runs of other non-space characters.
fn lex(line: &str) -> Result<(Vec<String>, &str), String> {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if rest.starts_with("//") {
            return Ok((tokens, rest));
        }
        let (token, used) = match rest.chars().next() {
            Some(c @ ('(' | ')')) => (c.to_string(), 1),
            Some('"') => quoted(rest, '"')?,
            Some('`') => quoted(rest, '`')?,
            _ => {
                let end = rest
                    .find(|c: char| {
                        c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '`'
                    })
                    .unwrap_or(rest.len());
                let end = rest.find("//").filter(|&c| c < end).unwrap_or(end);
                (rest.get(..end).unwrap_or_default().to_owned(), end)
            }
        };
        tokens.push(token);
        rest = rest.get(used..).unwrap_or_default().trim_start();
    }
    Ok((tokens, ""))
}

/// A quoted string at the start of `text`: its value and the bytes it used. Interpreted
/// strings decode `\"` and `\\`; module paths and versions need no other escape.
fn quoted(text: &str, quote: char) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((out, i + c.len_utf8())),
            '\\' if quote == '"' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err("unterminated quoted string".to_owned())
}

/// `go.sum`: `module version[/go.mod] h1:hash` lines. Returns the hash of each module's
/// content (`/go.mod` lines hash only its go.mod) and the number of lines not in that form.
pub(super) fn parse_sum(text: &str) -> (BTreeMap<(String, String), String>, usize) {
    let mut hashes = BTreeMap::new();
    let mut bad = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [path, version, hash] if hash.contains(':') && version.starts_with('v') => {
                if !version.ends_with("/go.mod") {
                    hashes.insert(
                        ((*path).to_owned(), (*version).to_owned()),
                        (*hash).to_owned(),
                    );
                }
            }
            _ => bad += 1,
        }
    }
    (hashes, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_tokens_strings_and_comments() {
        let (t, c) = lex("  require \"github.com/a/b\" v1.0.0 // indirect").unwrap();
        assert_eq!(t, ["require", "github.com/a/b", "v1.0.0"]);
        assert!(indirect(c));
        let (t, c) = lex("replace (").unwrap();
        assert_eq!(
            (t.as_slice(), c),
            (&["replace".to_owned(), "(".to_owned()][..], "")
        );
        let (t, _) = lex("x//y").unwrap();
        assert_eq!(t, ["x"]);
        assert!(lex("module \"unterminated").is_err());
        assert!(!indirect("// github.com/bogus/package v10.10.10"));
        assert!(indirect("// indirect; because"));
    }

    #[test]
    fn applies_replace_and_exclude() {
        let m = GoMod::parse(
            "module (\n  example.com/m\n)\ngo 1.22\nrequire (\n a.com/x v1.0.0\n b.com/y v1.0.0 // indirect\n c.com/z v0.1.0\n d.com/w v2.0.0\n)\n\
             require e.com/v v1.1.1\n\
             replace a.com/x v1.0.0 => a.com/x v1.0.1\nreplace a.com/x => a.com/fork v9.0.0\n\
             replace b.com/y => ../y\nexclude c.com/z v0.1.0\nexclude d.com/w v1.0.0\nretract v0.0.1\n",
        )
        .unwrap();
        assert_eq!(m.module.as_deref(), Some("example.com/m"));
        let got: Vec<_> = m
            .resolve()
            .into_iter()
            .map(|r| (r.path, r.version, r.indirect, r.directory))
            .collect();
        assert_eq!(
            got,
            [
                ("a.com/x".to_owned(), "v1.0.1".to_owned(), false, None),
                (
                    "b.com/y".to_owned(),
                    String::new(),
                    true,
                    Some("../y".to_owned())
                ),
                ("d.com/w".to_owned(), "v2.0.0".to_owned(), false, None),
                ("e.com/v".to_owned(), "v1.1.1".to_owned(), false, None),
            ]
        );
    }

    #[test]
    fn rejects_what_the_go_command_rejects() {
        for (bad, why) in [
            ("ruire (\n a v1\n)\n", "unknown directive: ruire"),
            ("require a\n", "usage: require"),
            ("require (\n a v1\n", "never closed"),
            ("replace a => b c d\n", "usage: replace"),
        ] {
            let e = GoMod::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn reads_go_sum_hashes() {
        let (h, bad) =
            parse_sum("a.com/x v1.0.0 h1:abc=\na.com/x v1.0.0/go.mod h1:def=\ngarbage\n");
        assert_eq!(h.len(), 1);
        assert_eq!(h[&("a.com/x".to_owned(), "v1.0.0".to_owned())], "h1:abc=");
        assert_eq!(bad, 1);
    }
}
