//! The RPM header structure as the rpm database stores it: a header blob without the
//! 8-byte magic (RPM file format, "Header structure", and rpm's `lib/header.c`, `headerImport`):
//!
//! ```text
//! il: u32 BE    number of index entries
//! dl: u32 BE    length of the data store
//! il × { tag: u32, type: u32, offset: u32, count: u32 }  (all BE)
//! dl bytes      data store
//! ```
//!
//! Strings are NUL-terminated; `STRING_ARRAY` and `I18NSTRING` hold `count` of them in a row;
//! `INT32` holds `count` big-endian integers. Every offset and count is checked against the
//! data store before use.

/// rpm's limit on index entries (`HEADER_TAGS_MAX`).
const MAX_ENTRIES: usize = 0xffff;
/// rpm's limit on the data store (`HEADER_DATA_MAX`).
const MAX_DATA: usize = 0x0fff_ffff;

/// `RPM_INT32_TYPE`.
const INT32: u32 = 4;
/// `RPM_STRING_TYPE`.
const STRING: u32 = 6;
/// `RPM_STRING_ARRAY_TYPE`.
const STRING_ARRAY: u32 = 8;
/// `RPM_I18NSTRING_TYPE`.
const I18NSTRING: u32 = 9;

/// Tag numbers (rpm's `rpmtag.h`).
pub mod tag {
    /// `RPMTAG_NAME`.
    pub const NAME: u32 = 1000;
    /// `RPMTAG_VERSION`.
    pub const VERSION: u32 = 1001;
    /// `RPMTAG_RELEASE`.
    pub const RELEASE: u32 = 1002;
    /// `RPMTAG_EPOCH`.
    pub const EPOCH: u32 = 1003;
    /// `RPMTAG_SIZE`.
    pub const SIZE: u32 = 1009;
    /// `RPMTAG_VENDOR`.
    pub const VENDOR: u32 = 1011;
    /// `RPMTAG_LICENSE`.
    pub const LICENSE: u32 = 1014;
    /// `RPMTAG_PACKAGER`.
    pub const PACKAGER: u32 = 1015;
    /// `RPMTAG_URL`.
    pub const URL: u32 = 1020;
    /// `RPMTAG_ARCH`.
    pub const ARCH: u32 = 1022;
    /// `RPMTAG_OLDFILENAMES`.
    pub const OLDFILENAMES: u32 = 1027;
    /// `RPMTAG_SOURCERPM`.
    pub const SOURCERPM: u32 = 1044;
    /// `RPMTAG_PROVIDENAME`.
    pub const PROVIDENAME: u32 = 1047;
    /// `RPMTAG_REQUIRENAME`.
    pub const REQUIRENAME: u32 = 1049;
    /// `RPMTAG_DIRINDEXES`.
    pub const DIRINDEXES: u32 = 1116;
    /// `RPMTAG_BASENAMES`.
    pub const BASENAMES: u32 = 1117;
    /// `RPMTAG_DIRNAMES`.
    pub const DIRNAMES: u32 = 1118;
}

/// One index entry.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: its index and data store.
#[derive(Debug)]
pub struct Header<'b> {
    entries: Vec<Entry>,
    data: &'b [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

impl<'b> Header<'b> {
    /// Reads a header blob.
    pub fn parse(blob: &'b [u8]) -> Result<Self, String> {
        let il = be32(blob, 0).ok_or("header shorter than 8 bytes")? as usize;
        let dl = be32(blob, 4).ok_or("header shorter than 8 bytes")? as usize;
        if il == 0 || il > MAX_ENTRIES || dl > MAX_DATA {
            return Err(format!(
                "header claims {il} entries and {dl} data bytes: not a header"
            ));
        }
        let data_start = 8 + il * 16;
        let data = blob.get(data_start..data_start + dl).ok_or_else(|| {
            format!(
                "header truncated: {} of {} bytes",
                blob.len(),
                data_start + dl
            )
        })?;
        let entries = (0..il)
            .filter_map(|i| {
                let at = 8 + i * 16;
                Some(Entry {
                    tag: be32(blob, at)?,
                    ty: be32(blob, at + 4)?,
                    offset: be32(blob, at + 8)? as usize,
                    count: be32(blob, at + 12)? as usize,
                })
            })
            .collect();
        Ok(Self { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().find(|e| e.tag == tag).copied()
    }

    /// A string tag (the first string of an array or i18n string).
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        if ![STRING, STRING_ARRAY, I18NSTRING].contains(&e.ty) {
            return None;
        }
        self.strings_at(e.offset, 1).into_iter().next()
    }

    /// A string array tag.
    pub fn strings(&self, tag: u32) -> Vec<String> {
        match self.entry(tag) {
            Some(e) if e.ty == STRING_ARRAY || e.ty == I18NSTRING => {
                self.strings_at(e.offset, e.count)
            }
            _ => Vec::new(),
        }
    }

    /// An INT32 array tag.
    pub fn int32s(&self, tag: u32) -> Vec<u32> {
        let Some(e) = self.entry(tag).filter(|e| e.ty == INT32) else {
            return Vec::new();
        };
        let room = self.data.len().saturating_sub(e.offset) / 4;
        (0..e.count.min(room))
            .filter_map(|i| be32(self.data, e.offset + i * 4))
            .collect()
    }

    /// `count` NUL-terminated strings from `offset` (fewer when the data store ends first).
    fn strings_at(&self, offset: usize, count: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = offset;
        while out.len() < count {
            let Some(rest) = self.data.get(at..) else {
                break;
            };
            let Some(len) = rest.iter().position(|b| *b == 0) else {
                break;
            };
            out.push(String::from_utf8_lossy(rest.get(..len).unwrap_or_default()).into_owned());
            at += len + 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with the given (tag, type, count, data) entries.
    pub(crate) fn build(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (t, ty, count, bytes) in entries {
            while *ty == INT32 && data.len() % 4 != 0 {
                data.push(0);
            }
            for v in [*t, *ty, data.len() as u32, *count] {
                index.extend(v.to_be_bytes());
            }
            data.extend(bytes);
        }
        let mut out = Vec::new();
        out.extend((entries.len() as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn reads_tags_and_refuses_lies() {
        let blob = build(&[
            (tag::NAME, STRING, 1, b"bash\0".to_vec()),
            (tag::BASENAMES, STRING_ARRAY, 2, b"a\0b\0".to_vec()),
            (
                tag::DIRINDEXES,
                INT32,
                2,
                [0u8, 0, 0, 0, 0, 0, 0, 1].to_vec(),
            ),
            (tag::PROVIDENAME, STRING_ARRAY, 1000, b"x\0".to_vec()),
        ]);
        let h = Header::parse(&blob).unwrap();
        assert_eq!(h.string(tag::NAME).as_deref(), Some("bash"));
        assert_eq!(h.strings(tag::BASENAMES), ["a", "b"]);
        assert_eq!(h.int32s(tag::DIRINDEXES), [0, 1]);
        assert_eq!(
            h.strings(tag::PROVIDENAME),
            ["x"],
            "count past the data is cut"
        );
        assert!(h.string(tag::VERSION).is_none());
        assert!(Header::parse(&blob[..blob.len() - 1]).is_err());
        assert!(Header::parse(&[0xff; 8]).is_err());
        assert!(Header::parse(b"").is_err());
    }
}
