//! A reader for the data subset of Erlang and Elixir term syntax that lock files and OTP
//! application resource files are written in.
//!
//! Erlang (Erlang Reference Manual, "Data Types"; `file:consult/1` reads a file as a sequence of
//! terms each ended by `.`): atoms (`pkg`, `'rabbit'`), strings, binaries (`<<"x">>`), numbers,
//! tuples, lists; `%` starts a comment.
//!
//! Elixir (Elixir syntax reference, "Data types" and "Keyword lists"): atoms (`:hex`,
//! `:"x"`), strings, maps (`%{k => v}`, `%{"k": v}`), keyword entries (`key: value`, read as
//! the tuple `{:key, value}`); `#` starts a comment; trailing commas are allowed.
//!
//! Nothing is evaluated: this reads literal data only, with a nesting limit so that hostile
//! input cannot exhaust the stack.

/// Deeper nesting than this is refused.
const MAX_DEPTH: usize = 128;

/// Which language's spelling to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Erlang terms (`rebar.lock`, `*.app`).
    Erlang,
    /// Elixir terms (`mix.lock`).
    Elixir,
}

/// One literal term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// An atom, without its quotes or colon.
    Atom(String),
    /// A string, charlist or binary's text.
    Str(String),
    /// A number, as written.
    Num(String),
    /// `{a, b}`.
    Tuple(Vec<Term>),
    /// `[a, b]`.
    List(Vec<Term>),
    /// `%{k => v}`.
    Map(Vec<(Term, Term)>),
}

impl Term {
    /// The text of a string or atom.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Atom(s) | Self::Str(s) | Self::Num(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a tuple or list.
    pub fn items(&self) -> Option<&[Term]> {
        match self {
            Self::Tuple(v) | Self::List(v) => Some(v),
            _ => None,
        }
    }

    /// True for the atom `name`.
    pub fn is_atom(&self, name: &str) -> bool {
        matches!(self, Self::Atom(a) if a == name)
    }

    /// In a proplist or keyword list, the value of the `{key, value}` pair whose key is the
    /// atom `key`.
    pub fn lookup(&self, key: &str) -> Option<&Term> {
        self.items()?.iter().find_map(|t| match t {
            Self::Tuple(kv) => match kv.as_slice() {
                [k, v] if k.is_atom(key) => Some(v),
                _ => None,
            },
            _ => None,
        })
    }
}

/// Reads every term in `text`. Erlang terms are each ended by `.`; an Elixir file holds one.
pub fn parse(text: &str, dialect: Dialect) -> Result<Vec<Term>, String> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        dialect,
    };
    let mut out = Vec::new();
    loop {
        p.skip_blank();
        if p.peek().is_none() {
            break;
        }
        out.push(p.value()?);
        p.skip_blank();
        if dialect == Dialect::Erlang {
            p.expect(b'.')?;
        }
    }
    Ok(out)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    dialect: Dialect,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn error(&self, what: &str) -> String {
        let line = self
            .bytes
            .get(..self.pos)
            .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count())
            + 1;
        format!("line {line}: {what}")
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        self.skip_blank();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", b as char)))
        }
    }

    /// Skips whitespace and comments.
    fn skip_blank(&mut self) {
        let comment = match self.dialect {
            Dialect::Erlang => b'%',
            Dialect::Elixir => b'#',
        };
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == comment {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Term, String> {
        self.skip_blank();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("nested deeper than {MAX_DEPTH}")));
        }
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<Term, String> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'{'), _) => self.seq(b'}').map(Term::Tuple),
            (Some(b'['), _) => self.seq(b']').map(Term::List),
            (Some(b'%'), Some(b'{')) if self.dialect == Dialect::Elixir => self.map(),
            (Some(b'<'), Some(b'<')) => self.binary(),
            (Some(b'"'), _) => self.string(b'"').map(Term::Str),
            (Some(b'\''), _) => {
                let s = self.string(b'\'')?;
                Ok(match self.dialect {
                    Dialect::Erlang => Term::Atom(s),
                    Dialect::Elixir => Term::Str(s),
                })
            }
            (Some(b':'), Some(b'"')) if self.dialect == Dialect::Elixir => {
                self.pos += 1;
                self.string(b'"').map(Term::Atom)
            }
            (Some(b':'), Some(c)) if self.dialect == Dialect::Elixir && is_word(c) => {
                self.pos += 1;
                Ok(Term::Atom(self.word()))
            }
            (Some(c), _) if c.is_ascii_digit() || c == b'-' => Ok(self.number()),
            (Some(c), _) if is_word(c) => Ok(Term::Atom(self.word())),
            (Some(c), _) => Err(self.error(&format!("unexpected `{}`", c as char))),
            (None, _) => Err(self.error("unexpected end of input")),
        }
    }

    /// Items up to `close`, the opening bracket being at the cursor. Elixir keyword entries
    /// (`key: value`) become `{key, value}` tuples.
    fn seq(&mut self, close: u8) -> Result<Vec<Term>, String> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            let item = match self.keyword_key()? {
                Some(key) => Term::Tuple(vec![key, self.value()?]),
                None => self.maybe_arrow()?,
            };
            items.push(item);
            self.skip_blank();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return Err(self.error(&format!("expected `,` or `{}`", close as char))),
            }
        }
    }

    /// `%{k => v, "k": v, k: v}`.
    fn map(&mut self) -> Result<Term, String> {
        self.pos += 1;
        let mut entries = Vec::new();
        for item in self.seq(b'}')? {
            match item {
                Term::Tuple(mut kv) if kv.len() == 2 => {
                    let v = kv.pop();
                    let k = kv.pop();
                    if let (Some(k), Some(v)) = (k, v) {
                        entries.push((k, v));
                    }
                }
                _ => return Err(self.error("a map entry is not `key: value` or `key => value`")),
            }
        }
        Ok(Term::Map(entries))
    }

    /// An Elixir keyword key (`word:` or `"text":` followed by a blank), consumed when found.
    fn keyword_key(&mut self) -> Result<Option<Term>, String> {
        if self.dialect != Dialect::Elixir {
            return Ok(None);
        }
        let start = self.pos;
        let key = match self.peek() {
            Some(b'"') => Term::Atom(self.string(b'"')?),
            Some(c) if is_word(c) => Term::Atom(self.word()),
            _ => return Ok(None),
        };
        if self.peek() == Some(b':') && self.peek_at(1).is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
            return Ok(Some(key));
        }
        self.pos = start;
        Ok(None)
    }

    /// A value, or `key => value` (an Elixir map entry with any key) as a `{key, value}` tuple.
    fn maybe_arrow(&mut self) -> Result<Term, String> {
        let first = self.value()?;
        self.skip_blank();
        if self.dialect == Dialect::Elixir
            && self.peek() == Some(b'=')
            && self.peek_at(1) == Some(b'>')
        {
            self.pos += 2;
            return Ok(Term::Tuple(vec![first, self.value()?]));
        }
        Ok(first)
    }

    /// `<<"text">>` or `<<>>` (byte lists inside binaries are not needed by any format here).
    fn binary(&mut self) -> Result<Term, String> {
        self.pos += 2;
        let mut text = String::new();
        loop {
            self.skip_blank();
            match self.peek() {
                Some(b'>') if self.peek_at(1) == Some(b'>') => {
                    self.pos += 2;
                    return Ok(Term::Str(text));
                }
                Some(b'"') => text.push_str(&self.string(b'"')?),
                Some(b',') => self.pos += 1,
                _ => return Err(self.error("a binary holds something other than strings")),
            }
        }
    }

    /// A quoted string or atom, the quote being at the cursor; common escapes are decoded.
    fn string(&mut self, quote: u8) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    let e = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                b if b == quote => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b => out.push(b),
            }
        }
        Err(self.error("unterminated string"))
    }

    fn number(&mut self) -> Term {
        let start = self.pos;
        self.pos += 1;
        while let Some(c) = self.peek() {
            let decimal_point = c == b'.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'#' || decimal_point {
                self.pos += 1;
            } else {
                break;
            }
        }
        Term::Num(self.slice(start))
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| is_word(c) || c == b'.' && self.dotted_word())
        {
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| c == b'?' || c == b'!') {
            self.pos += 1;
        }
        self.slice(start)
    }

    /// Inside an Elixir alias (`Foo.Bar`) a dot joins words; in Erlang it ends the term.
    fn dotted_word(&self) -> bool {
        self.dialect == Dialect::Elixir && self.peek_at(1).is_some_and(is_word)
    }

    fn slice(&self, start: usize) -> String {
        self.bytes
            .get(start..self.pos)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'@'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(s: &str) -> Term {
        Term::Atom(s.to_owned())
    }
    fn s(s: &str) -> Term {
        Term::Str(s.to_owned())
    }

    #[test]
    fn reads_erlang_terms() {
        let t = parse(
            "{\"1.2.0\", [{<<\"a\">>,{pkg,<<\"a\">>,<<\"1.0\">>},0}]}. % c\n[{x, 'Y'}].",
            Dialect::Erlang,
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0],
            Term::Tuple(vec![
                s("1.2.0"),
                Term::List(vec![Term::Tuple(vec![
                    s("a"),
                    Term::Tuple(vec![atom("pkg"), s("a"), s("1.0")]),
                    Term::Num("0".into())
                ])])
            ])
        );
        assert_eq!(t[1].lookup("x"), Some(&atom("Y")));
    }

    #[test]
    fn reads_elixir_terms() {
        let t = parse(
            "%{\n \"a\": {:hex, :a, \"1.0\", [{:b, \"~> 1\", [hex: :b, optional: false]}]}, # c\n}",
            Dialect::Elixir,
        )
        .unwrap();
        let Term::Map(m) = &t[0] else { panic!() };
        assert_eq!(m[0].0, atom("a"));
        let deps = &m[0].1.items().unwrap()[3];
        let opts = &deps.items().unwrap()[0].items().unwrap()[2];
        assert_eq!(opts.lookup("hex"), Some(&atom("b")));
        assert_eq!(opts.lookup("optional"), Some(&atom("false")));
    }

    #[test]
    fn refuses_broken_and_deep_input() {
        assert!(parse("{a, b", Dialect::Erlang).is_err());
        assert!(parse("{<<\"a>>}.", Dialect::Erlang).is_err());
        assert!(parse(&"[".repeat(10_000), Dialect::Elixir).is_err());
        assert!(parse("%{\"a\": }", Dialect::Elixir).is_err());
    }
}
