//! Just enough Lua to read a rockspec: a rockspec is a Lua 5.1 chunk of assignments (LuaRocks
//! wiki, "Rockspec format"), often using local variables and `..` concatenation to build its
//! fields. This evaluates top-level `[local] name = expr` statements whose expressions are
//! literals (strings, numbers, booleans, `nil`, table constructors), variables, `..`,
//! comparisons and `and`/`or`/`not` (Lua 5.1 Reference Manual §2.5); anything else (calls,
//! indexing, arithmetic) evaluates to [`Value::Unknown`] and nothing is ever executed.
//! Statements the reader does not understand are skipped token by token.

use std::collections::BTreeMap;

/// Deeper expression nesting than this is refused.
const MAX_DEPTH: usize = 100;

/// A Lua value, as far as this reader can know it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `nil`.
    Nil,
    /// `true` / `false`.
    Bool(bool),
    /// A string, or a number kept as written.
    Str(String),
    /// A table: positional items and `key = value` fields, in order.
    Table(Vec<(Option<String>, Value)>),
    /// Something this reader does not evaluate.
    Unknown,
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A table's field `key`.
    pub fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Table(items) => items
                .iter()
                .rev()
                .find(|(k, _)| k.as_deref() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A table's positional items.
    pub fn items(&self) -> Vec<&Value> {
        match self {
            Self::Table(items) => items
                .iter()
                .filter(|(k, _)| k.is_none())
                .map(|(_, v)| v)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn truthy(&self) -> Option<bool> {
        match self {
            Self::Nil | Self::Bool(false) => Some(false),
            Self::Unknown => None,
            _ => Some(true),
        }
    }
}

/// A token.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(String),
    /// Punctuation and operators (`=`, `..`, `==`, `{`, ...).
    Op(&'static str),
}

/// The global variables a chunk assigns (locals are visible to later statements only).
pub fn globals(text: &str) -> Result<BTreeMap<String, Value>, String> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        vars: BTreeMap::new(),
    };
    let mut globals = BTreeMap::new();
    while p.pos < toks.len() {
        p.statement(&mut globals)?;
    }
    Ok(globals)
}

// ------------------------------------------------------------------------------------ lexer

const OPS: &[&str] = &[
    "...", "..", "==", "~=", "<=", ">=", "=", "{", "}", "(", ")", "[", "]", ",", ";", ".", ":",
    "<", ">", "+", "-", "*", "/", "%", "^", "#",
];

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while let Some(&c) = b.get(i) {
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b.get(i..i + 2) == Some(b"--") {
            i = skip_comment(b, i + 2)?;
        } else if c == b'"' || c == b'\'' {
            let (s, next) = short_string(b, i)?;
            out.push(Tok::Str(s));
            i = next;
        } else if c == b'[' && long_bracket_level(b, i).is_some() {
            let (s, next) = long_string(b, i)?;
            out.push(Tok::Str(s));
            i = next;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
            out.push(Tok::Name(slice(b, start, i)));
        } else if c.is_ascii_digit() {
            let start = i;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
            {
                i += 1;
            }
            out.push(Tok::Num(slice(b, start, i)));
        } else {
            let op = OPS
                .iter()
                .find(|op| b.get(i..i + op.len()) == Some(op.as_bytes()))
                .ok_or_else(|| format!("byte {i}: unexpected character {:?}", c as char))?;
            out.push(Tok::Op(op));
            i += op.len();
        }
    }
    Ok(out)
}

fn slice(b: &[u8], start: usize, end: usize) -> String {
    String::from_utf8_lossy(b.get(start..end).unwrap_or_default()).into_owned()
}

/// `--` comment starting at `i` (just past the dashes): a long `--[[ ]]` or to end of line.
fn skip_comment(b: &[u8], i: usize) -> Result<usize, String> {
    if long_bracket_level(b, i).is_some() {
        return long_string(b, i).map(|(_, next)| next);
    }
    let mut i = i;
    while b.get(i).is_some_and(|c| *c != b'\n') {
        i += 1;
    }
    Ok(i)
}

/// The level of a long bracket `[==[` at `i` (the number of `=`), if one opens there.
fn long_bracket_level(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut level = 0;
    while b.get(i + 1 + level) == Some(&b'=') {
        level += 1;
    }
    (b.get(i + 1 + level) == Some(&b'[')).then_some(level)
}

fn long_string(b: &[u8], i: usize) -> Result<(String, usize), String> {
    let level = long_bracket_level(b, i).unwrap_or_default();
    let start = i + level + 2;
    let close = format!("]{}]", "=".repeat(level));
    let rest = b.get(start..).unwrap_or_default();
    let end = rest
        .windows(close.len())
        .position(|w| w == close.as_bytes())
        .ok_or_else(|| format!("byte {i}: unterminated long string"))?;
    let text = slice(b, start, start + end);
    let text = text.strip_prefix('\n').map(str::to_owned).unwrap_or(text);
    Ok((text, start + end + close.len()))
}

fn short_string(b: &[u8], i: usize) -> Result<(String, usize), String> {
    let quote = b.get(i).copied().unwrap_or(b'"');
    let mut out = Vec::new();
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        j += 1;
        match c {
            b'\\' => {
                let e = b.get(j).copied().unwrap_or(b'\\');
                j += 1;
                out.push(match e {
                    b'n' => b'\n',
                    b't' => b'\t',
                    other => other,
                });
            }
            b'\n' => break,
            c if c == quote => return Ok((String::from_utf8_lossy(&out).into_owned(), j)),
            c => out.push(c),
        }
    }
    Err(format!("byte {i}: unterminated string"))
}

// ----------------------------------------------------------------------------------- parser

struct Parser<'t> {
    toks: &'t [Tok],
    pos: usize,
    depth: usize,
    /// Every variable assigned so far, local or global.
    vars: BTreeMap<String, Value>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let hit = self.peek_op(op);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn eat_name(&mut self, name: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Name(n)) if n == name);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// `[local] name = expr`; anything else skips one token.
    fn statement(&mut self, globals: &mut BTreeMap<String, Value>) -> Result<(), String> {
        let local = self.eat_name("local");
        let after_dot = matches!(
            self.pos.checked_sub(1).and_then(|i| self.toks.get(i)),
            Some(Tok::Op("." | ":"))
        );
        let target = match (self.peek(), self.toks.get(self.pos + 1)) {
            (Some(Tok::Name(n)), Some(Tok::Op("="))) if !after_dot => n.clone(),
            _ => {
                self.pos += 1;
                return Ok(());
            }
        };
        self.pos += 2;
        let v = self.expr()?;
        if !local {
            globals.insert(target.clone(), v.clone());
        }
        self.vars.insert(target, v);
        Ok(())
    }

    fn expr(&mut self) -> Result<Value, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("expression nested deeper than {MAX_DEPTH}"));
        }
        let v = self.or_expr();
        self.depth -= 1;
        v
    }

    fn or_expr(&mut self) -> Result<Value, String> {
        let mut left = self.and_expr()?;
        while self.eat_name("or") {
            let right = self.and_expr()?;
            left = match left.truthy() {
                Some(true) => left,
                Some(false) => right,
                None => Value::Unknown,
            };
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Value, String> {
        let mut left = self.compare()?;
        while self.eat_name("and") {
            let right = self.compare()?;
            left = match left.truthy() {
                Some(true) => right,
                Some(false) => left,
                None => Value::Unknown,
            };
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<Value, String> {
        let left = self.concat()?;
        for op in ["==", "~=", "<=", ">=", "<", ">"] {
            if self.eat_op(op) {
                let right = self.concat()?;
                return Ok(match (op, &left, &right) {
                    (_, Value::Unknown, _) | (_, _, Value::Unknown) => Value::Unknown,
                    ("==", l, r) => Value::Bool(l == r),
                    ("~=", l, r) => Value::Bool(l != r),
                    _ => Value::Unknown,
                });
            }
        }
        Ok(left)
    }

    /// `a .. b` (right-associative, but string concatenation is associative anyway).
    fn concat(&mut self) -> Result<Value, String> {
        let mut left = self.arith()?;
        while self.eat_op("..") {
            let right = self.arith()?;
            left = match (left, right) {
                (Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
                _ => Value::Unknown,
            };
        }
        Ok(left)
    }

    /// Arithmetic is not evaluated: `a + b` is unknown.
    fn arith(&mut self) -> Result<Value, String> {
        let mut left = self.unary()?;
        while ["+", "-", "*", "/", "%", "^"]
            .iter()
            .any(|op| self.peek_op(op))
        {
            self.pos += 1;
            self.unary()?;
            left = Value::Unknown;
        }
        Ok(left)
    }

    /// `not`, `-` and `#` prefixes (read in a loop, so a long run of them cannot recurse).
    fn unary(&mut self) -> Result<Value, String> {
        let mut nots = 0usize;
        let mut numeric = false;
        loop {
            if self.eat_name("not") {
                nots += 1;
            } else if self.eat_op("-") || self.eat_op("#") {
                numeric = true;
            } else {
                break;
            }
        }
        let v = self.primary()?;
        if numeric {
            return Ok(Value::Unknown);
        }
        if nots == 0 {
            return Ok(v);
        }
        Ok(v.truthy()
            .map_or(Value::Unknown, |t| Value::Bool(t == nots.is_multiple_of(2))))
    }

    fn primary(&mut self) -> Result<Value, String> {
        let tok = self.peek().cloned().ok_or("unexpected end of input")?;
        self.pos += 1;
        let v = match tok {
            Tok::Str(s) | Tok::Num(s) => Value::Str(s),
            Tok::Name(n) => match n.as_str() {
                "nil" => Value::Nil,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => self.vars.get(&n).cloned().unwrap_or(Value::Unknown),
            },
            Tok::Op("{") => self.table()?,
            Tok::Op("(") => {
                let v = self.expr()?;
                self.eat_op(")");
                v
            }
            Tok::Op(op) => return Err(format!("unexpected `{op}` in an expression")),
        };
        self.suffixes(v)
    }

    /// Indexing and calls after a primary: `a.b`, `a[b]`, `f(x)`, `f"x"`, `o:m()` — unknown.
    fn suffixes(&mut self, v: Value) -> Result<Value, String> {
        let mut v = v;
        loop {
            if self.eat_op(".") || self.eat_op(":") {
                self.pos += 1;
            } else if self.eat_op("[") || self.eat_op("(") {
                self.pos -= 1;
                self.skip_group()?;
            } else if matches!(self.peek(), Some(Tok::Str(_))) && v == Value::Unknown {
                self.pos += 1;
            } else {
                return Ok(v);
            }
            v = Value::Unknown;
        }
    }

    /// Skips a bracketed group starting at the cursor (`(`, `[` or `{`), nesting included.
    fn skip_group(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        while let Some(t) = self.toks.get(self.pos) {
            self.pos += 1;
            match t {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err("unbalanced brackets".to_owned())
    }

    /// A table constructor, the `{` consumed: `{a, b; k = v, ["k"] = v}`.
    fn table(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            if self.eat_op("}") {
                return Ok(Value::Table(items));
            }
            let key = match (self.peek(), self.toks.get(self.pos + 1)) {
                (Some(Tok::Name(n)), Some(Tok::Op("="))) => {
                    let k = n.clone();
                    self.pos += 2;
                    Some(k)
                }
                (Some(Tok::Op("[")), _) => {
                    self.pos += 1;
                    let k = self.expr()?;
                    if !(self.eat_op("]") && self.eat_op("=")) {
                        return Err("malformed `[key] = value` field".to_owned());
                    }
                    Some(k.as_str().unwrap_or_default().to_owned())
                }
                _ => None,
            };
            let v = self.expr()?;
            items.push((key, v));
            if !(self.eat_op(",") || self.eat_op(";") || self.peek_op("}")) {
                return Err("expected `,` or `}` in a table".to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_locals_and_concatenation() {
        let g = globals(
            "local n = \"x\" -- c\nlocal v = '1.0'\npackage = n\nversion = v..\"-\"..'1'\n\
             source = { url = [[git://h/]]..n, branch = (v == \"dev\") and \"main\" or nil }\n\
             deps = { \"lua >= 5.1\", [\"k\"] = f(1), --[[ c ]] }",
        )
        .unwrap();
        assert_eq!(g["package"], Value::Str("x".into()));
        assert_eq!(g["version"], Value::Str("1.0-1".into()));
        assert_eq!(
            g["source"].field("url").and_then(Value::as_str),
            Some("git://h/x")
        );
        assert_eq!(g["source"].field("branch"), Some(&Value::Nil));
        assert_eq!(g["deps"].items().len(), 1);
        assert!(!g.contains_key("n"));
    }

    #[test]
    fn refuses_broken_input() {
        assert!(globals("package = \"x").is_err());
        assert!(globals("t = {").is_err());
        assert!(globals(&format!("x = {}", "(".repeat(5000))).is_err());
        assert!(globals("").unwrap().is_empty());
    }
}
