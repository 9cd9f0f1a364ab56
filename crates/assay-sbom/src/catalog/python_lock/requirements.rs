//! Exact pins from requirement files and `setup.py`.
//!
//! `requirements*.txt` follows pip's "Requirements File Format": one requirement per line,
//! `\` joins a line with the next, `#` after whitespace starts a comment, lines starting with
//! `-` are options (`-r`/`-c` includes, `-e` editables, `--index-url`, ...) and are not
//! followed. A requirement is PEP 508 — `name[extras] <specifiers> ; <markers>` — followed by
//! per-requirement options such as `--hash=sha256:...`. Only a single `==` or `===` specifier
//! says what gets installed, so only those lines are packages; markers and extras are kept as
//! metadata.
//!
//! `setup.py` is never run: its string literals that are themselves an exact pin
//! (`"name==1.0"`, optionally with a marker), and the words of a `"""..."""` literal that is
//! `.split()`, are read as requirements.

use super::{Locked, Origin};

/// The pinned requirements of a requirements file.
pub(super) fn requirements_txt(text: &str) -> Vec<Locked> {
    logical_lines(text)
        .iter()
        .filter_map(|line| requirement_line(line))
        .collect()
}

/// Physical lines joined where one ends with a backslash.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        match line.strip_suffix('\\') {
            Some(head) => current.push_str(head),
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The line without a `#` comment (at the start, or after white space: `a#b` is a URL
/// fragment).
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return line.get(..i).unwrap_or(line);
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// One requirement line, if it pins an exact version.
fn requirement_line(line: &str) -> Option<Locked> {
    let line = strip_comment(line).trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    // Per-requirement options start at the first white space followed by `-`.
    let opts_at = line
        .char_indices()
        .zip(line.chars().skip(1))
        .find(|((_, c), next)| c.is_whitespace() && *next == '-')
        .map_or(line.len(), |((i, _), _)| i);
    let (req, opts) = (line.get(..opts_at)?, line.get(opts_at..)?);
    let hashes: Vec<&str> = opts
        .split_whitespace()
        .filter_map(|o| o.strip_prefix("--hash="))
        .collect();
    let locked = pinned(req)?;
    Some(locked.with("hashes", Some(hashes.join(","))))
}

/// `name[extras] == version ; markers`, if that is what `req` is.
fn pinned(req: &str) -> Option<Locked> {
    let (spec, markers) = match req.split_once(';') {
        Some((s, m)) => (s, Some(m.trim().to_owned())),
        None => (req, None),
    };
    let spec = spec.trim();
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
        .unwrap_or(spec.len());
    let name = spec.get(..name_end)?;
    let mut rest = spec.get(name_end..)?.trim_start();
    let mut extras = None;
    if let Some(inner) = rest.strip_prefix('[') {
        let (list, after) = inner.split_once(']')?;
        let list: Vec<&str> = list.split(',').map(str::trim).collect();
        extras = Some(list.join(","));
        rest = after.trim_start();
    }
    let rest = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))?
        .trim_start();
    let version_end = rest
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(rest.len());
    let version = rest.get(..version_end)?;
    let multiple = rest.get(version_end..)?.trim_start().starts_with(',');
    if !valid_name(name) || !valid_version(version) || multiple {
        return None;
    }
    let locked = Locked::new(name, version, Origin::PyPI);
    Some(locked.with("markers", markers).with("extras", extras))
}

/// PEP 508 names: ASCII letters and digits, with `.`, `_` and `-` inside.
fn valid_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    edge(name.chars().next()) && edge(name.chars().last())
}

/// A PEP 440 version (or legacy one) without wildcards: `==1.*` is a range.
fn valid_version(version: &str) -> bool {
    version
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+!_-".contains(c))
}

/// The exact pins among the string literals of a `setup.py`.
pub(super) fn setup_py(text: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    for (literal, split) in python_strings(text) {
        if split {
            out.extend(literal.split_whitespace().filter_map(pinned));
        } else if literal.contains("==") {
            out.extend(pinned(literal));
        }
    }
    out
}

/// The string literals of Python source (prefixes such as `r` or `b` are ignored), each with
/// whether it is a triple-quoted literal immediately `.split()`.
fn python_strings(text: &str) -> Vec<(&str, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'#' => {
                i = bytes
                    .get(i..)
                    .and_then(|r| r.iter().position(|b| *b == b'\n'))
                    .map_or(bytes.len(), |n| i + n);
            }
            b'\'' | b'"' => {
                let (body, end) = python_literal(bytes, i, c);
                let split = text.get(end..).is_some_and(|r| r.starts_with(".split()"));
                let triple = bytes.get(i..i + 3) == Some(&[c, c, c][..]);
                if let Some(body) = text.get(body.0..body.1) {
                    out.push((body, triple && split));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The body span of the literal opening at `start` with quote `q`, and where it ends. An
/// unterminated literal runs to the end of the line (or of the text, when triple-quoted).
fn python_literal(bytes: &[u8], start: usize, q: u8) -> ((usize, usize), usize) {
    let triple = bytes.get(start..start + 3) == Some(&[q, q, q][..]);
    let open = if triple { 3 } else { 1 };
    let mut j = start + open;
    while let Some(&b) = bytes.get(j) {
        if b == b'\\' {
            j += 2;
        } else if !triple && b == b'\n' {
            return ((start + open, j), j);
        } else if b == q && (!triple || bytes.get(j..j + 3) == Some(&[q, q, q][..])) {
            return ((start + open, j), j + open);
        } else {
            j += 1;
        }
    }
    ((start + open, bytes.len()), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins(locked: &[Locked]) -> Vec<(&str, &str)> {
        locked
            .iter()
            .map(|l| (l.name.as_str(), l.version.as_str()))
            .collect()
    }

    #[test]
    fn requirement_lines() {
        let text = "a==1 # c\nb[x, y] === 2.0 ; python_version < '3.8'\nc>=1\n\
                    d==1.*\ne==1,<2\n-r other.txt\n  f == 3 \\\n  --hash=sha256:00 \\\n  --hash=sha256:11\n\
                    ==4\ng @ https://x/g.whl#egg=g\n#h==5\n";
        let got = requirements_txt(text);
        assert_eq!(pins(&got), [("a", "1"), ("b", "2.0"), ("f", "3")]);
        assert_eq!(got[1].metadata["extras"], "x,y");
        assert_eq!(got[1].metadata["markers"], "python_version < '3.8'");
        assert_eq!(got[2].metadata["hashes"], "sha256:00,sha256:11");
        assert!(requirements_txt("").is_empty());
        assert_eq!(pins(&requirements_txt("x==1 \\")), [("x", "1")]);
    }

    #[test]
    fn setup_py_literals() {
        let text = "REQ = [\"a==1\", 'b == 2;python_version<\"3\"', \"c>=1\", '%s==%s' % x]\n\
                    # \"d==4\"\nx = \"\"\"\ne==5\nf==6\n\"\"\".split()\ny = '''g==7'''\nz = \"unterminated\n";
        assert_eq!(
            pins(&setup_py(text)),
            [("a", "1"), ("b", "2"), ("e", "5"), ("f", "6"), ("g", "7")]
        );
        assert!(setup_py("'''").is_empty());
        assert!(setup_py("\"\\").is_empty());
    }
}
