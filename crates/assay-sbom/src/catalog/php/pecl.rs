//! PECL and PEAR packages, from the installer's registry:
//! `php/.registry/.channel.<channel>/<name>.reg`, one file per installed package.
//!
//! Each file is the package's `package.xml` description as a PHP `serialize()` value (PHP
//! manual, "serialize"): an array with `name`, `channel` (absent from the older format, where
//! the directory names it), `version` (`release` and `api`) and `license` (a string, or an array
//! with `_content`). Only the scalar and array forms of the format are read; objects are refused.
//!
//! Packages are `pkg:pecl/<name>@<version>` for the pecl.php.net channel (as syft writes them)
//! and `pkg:pear/<name>@<version>` for the others, supplied by their channel and downloaded
//! from the channel's `/get/<name>-<version>.tgz`, the PEAR channel server layout.

use assay_core::{Purl, TreeEntry};

use super::Found;
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for this cataloger.
pub(super) const NAME: &str = "php-pecl-serialized-cataloger";
/// Arrays nested deeper than this are refused.
const MAX_DEPTH: usize = 32;

/// A PHP value as `serialize()` writes it.
#[derive(Debug, Clone, PartialEq)]
enum PhpValue {
    Null,
    Bool(bool),
    Int(i64),
    /// A float, as written.
    Float(String),
    Str(String),
    Array(Vec<(PhpValue, PhpValue)>),
}

impl PhpValue {
    /// The value under string key `key` of an array.
    fn get(&self, key: &str) -> Option<&PhpValue> {
        let Self::Array(items) = self else {
            return None;
        };
        items
            .iter()
            .find(|(k, _)| matches!(k, Self::Str(s) if s == key))
            .map(|(_, v)| v)
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A cursor over serialized bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("serialized PHP: {what} at byte {}", self.pos))
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = self.bytes.get(self.pos).copied();
        self.pos += 1;
        b.map_or_else(|| self.fail("unexpected end"), Ok)
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        match self.byte()? {
            b if b == want => Ok(()),
            _ => self.fail(&format!("expected {:?}", want as char)),
        }
    }

    /// The text up to (and without) `end`, which is consumed.
    fn until(&mut self, end: u8) -> Result<&'a str, String> {
        let bytes: &'a [u8] = self.bytes;
        let rest = bytes.get(self.pos..).unwrap_or_default();
        let Some(len) = rest.iter().position(|b| *b == end) else {
            return self.fail(&format!("no {:?}", end as char));
        };
        let text = rest.get(..len).unwrap_or_default();
        self.pos += len + 1;
        std::str::from_utf8(text).or_else(|_| self.fail("invalid UTF-8"))
    }

    fn number<T: std::str::FromStr>(&mut self, end: u8) -> Result<T, String> {
        let text = self.until(end)?;
        match text.parse() {
            Ok(n) => Ok(n),
            Err(_) => self.fail(&format!("bad number {text:?}")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<PhpValue, String> {
        if depth > MAX_DEPTH {
            return self.fail("arrays nested too deep");
        }
        let tag = self.byte()?;
        if tag == b'N' {
            self.expect(b';')?;
            return Ok(PhpValue::Null);
        }
        self.expect(b':')?;
        match tag {
            b'b' => Ok(PhpValue::Bool(self.until(b';')? == "1")),
            b'i' => self.number(b';').map(PhpValue::Int),
            b'd' => Ok(PhpValue::Float(self.until(b';')?.to_owned())),
            b's' => self.string().map(PhpValue::Str),
            b'a' => self.array(depth),
            _ => self.fail(&format!("unsupported type {:?}", tag as char)),
        }
    }

    /// `s:<byte length>:"<bytes>";` after the `s:`.
    fn string(&mut self) -> Result<String, String> {
        let len: usize = self.number(b':')?;
        self.expect(b'"')?;
        let end = self.pos.saturating_add(len);
        let Some(body) = self.bytes.get(self.pos..end) else {
            return self.fail("string longer than the input");
        };
        let s = String::from_utf8_lossy(body).into_owned();
        self.pos = end;
        self.expect(b'"')?;
        self.expect(b';')?;
        Ok(s)
    }

    /// `a:<count>:{<key><value>...}` after the `a:`.
    fn array(&mut self, depth: usize) -> Result<PhpValue, String> {
        let count: usize = self.number(b':')?;
        self.expect(b'{')?;
        // Every key and value takes at least two bytes, so a larger count is a lie.
        if count > self.bytes.len().saturating_sub(self.pos) / 4 + 1 {
            return self.fail(&format!("array of {count} entries in a short input"));
        }
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            let k = self.value(depth + 1)?;
            let v = self.value(depth + 1)?;
            items.push((k, v));
        }
        self.expect(b'}')?;
        Ok(PhpValue::Array(items))
    }
}

fn parse(bytes: &[u8]) -> Result<PhpValue, String> {
    let mut r = Reader { bytes, pos: 0 };
    let v = r.value(0)?;
    let rest = bytes.get(r.pos..).unwrap_or_default();
    if !rest.iter().all(u8::is_ascii_whitespace) {
        return r.fail("trailing data");
    }
    Ok(v)
}

/// Reads one `.reg` file.
pub(super) fn catalog_entry(bytes: &[u8], entry: &TreeEntry, out: &mut Found) {
    match parse(bytes).and_then(|v| package(&v, entry)) {
        Ok(p) => out.packages.push(p),
        Err(e) => out.warn(NAME, &entry.path, e),
    }
}

/// The channel from the `.channel.<channel>` directory the file sits in.
fn directory_channel(entry: &TreeEntry) -> Option<String> {
    let parent = entry.path.parent()?;
    let channel = parent.file_name().strip_prefix(".channel.")?;
    (!channel.is_empty()).then(|| channel.to_owned())
}

fn package(v: &PhpValue, entry: &TreeEntry) -> Result<Package, String> {
    let name = v
        .get("name")
        .and_then(PhpValue::as_str)
        .ok_or("no package name")?;
    let version = match v.get("version") {
        Some(PhpValue::Str(s)) => Some(s.as_str()),
        Some(release) => release.get("release").and_then(PhpValue::as_str),
        None => None,
    }
    .ok_or_else(|| format!("{name}: no release version"))?;
    let channel = v
        .get("channel")
        .and_then(PhpValue::as_str)
        .map(str::to_owned)
        .or_else(|| directory_channel(entry))
        .unwrap_or_else(|| "pecl.php.net".to_owned());
    let ty = if channel == "pecl.php.net" {
        "pecl"
    } else {
        "pear"
    };
    let purl = Purl::new(ty, None, name, Some(version))
        .map_err(|e| format!("{name} {version}: no valid package URL: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, name, version, purl, location, NAME);
    let license = match v.get("license") {
        Some(PhpValue::Str(s)) => Some(s.as_str()),
        Some(l) => l.get("_content").and_then(PhpValue::as_str),
        None => None,
    };
    p.license = license.and_then(crate::license::normalize);
    p.download_location = Some(format!("https://{channel}/get/{name}-{version}.tgz"));
    p.metadata.insert("channel".to_owned(), channel.clone());
    p.supplier = Some(Party::Organization {
        name: channel,
        email: None,
    });
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_values() {
        let v = parse(br#"a:3:{s:1:"a";i:-2;i:0;b:1;s:2:"\u";a:1:{d:0.5;N;}}"#).unwrap();
        assert_eq!(v.get("a"), Some(&PhpValue::Int(-2)));
        assert_eq!(
            v.get("\\u"),
            Some(&PhpValue::Array(vec![(
                PhpValue::Float("0.5".to_owned()),
                PhpValue::Null
            )]))
        );
        assert_eq!(
            parse(br#"s:6:"h\"l;o";"#).unwrap(),
            PhpValue::Str(r#"h\"l;o"#.to_owned())
        );
    }

    #[test]
    fn malformed_values_are_errors() {
        for bad in [
            &b""[..],
            b"a:99999999:{}",
            b"s:10:\"short\";",
            b"O:8:\"stdClass\":0:{}",
            b"i:x;",
            b"a:1:{i:0;i:1;",
            b"N;junk",
            &b"a:1:{".repeat(40)[..],
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
