//! The build information the Go linker embeds in every executable, read the way Go's own
//! `debug/buildinfo.Read` reads it (Go 1.13 through current), and the module list inside it
//! parsed as `runtime/debug.ParseBuildInfo` does.
//!
//! Layout (`debug/buildinfo/buildinfo.go`, `cmd/link/internal/ld/data.go` `Link.buildinfo`):
//!
//! 1. The blob lives in the `.go.buildinfo` section (ELF), `__go_buildinfo` (Mach-O), or else at
//!    the start of the first writable, non-executable data segment (first initialised,
//!    read-write section for PE). Go searches its first 64 KiB for the 16-byte-aligned magic
//!    `\xff Go buildinf:`.
//! 2. A 32-byte header follows the magic: byte 14 is the pointer size, byte 15 the flags
//!    (bit 0: big-endian; bit 1: strings inline).
//! 3. Go 1.18+ (inline): the header is followed by two uvarint-length-prefixed strings, the Go
//!    version and the module info. Before 1.18: two pointers to Go string headers
//!    (`{data pointer, length}`) for `runtime.buildVersion` and `runtime.modinfo`.
//! 4. The module info is framed by 16-byte sentinels (`cmd/go/internal/modload` `infoStart`,
//!    `infoEnd`); inside, tab-separated lines: `path`, `mod`, `dep`, `=>` (replaces the
//!    module on the line before), `build` (`key=value`, either side quoted when it must be).

use object::{Object, ObjectSection, ObjectSegment, SectionFlags, SegmentFlags};

use super::exe::read_at;

/// `debug/buildinfo`'s `buildInfoMagic`.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// The blob is aligned to this many bytes.
const ALIGN: usize = 16;
/// The header: magic, pointer size, flags, two pointers (or padding).
const HEADER: usize = 32;
/// How far into the data Go searches for the magic.
const SEARCH: u64 = 64 * 1024;
/// The longest string believed (version or module info).
const MAX_STRING: u64 = 16 << 20;

/// What a Go executable says about its build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct BuildInfo {
    /// The toolchain, e.g. `go1.22.7` (possibly with ` X:experiment` suffixes).
    pub go_version: String,
    /// The `path` line: the main package's import path.
    pub path: Option<String>,
    /// The `mod` line: the main module.
    pub main: Option<Module>,
    /// The `dep` lines, each with its `=>` replacement.
    pub deps: Vec<Module>,
    /// The `build` lines, in order.
    pub settings: Vec<(String, String)>,
    /// Lines of the module info that are not in the format.
    pub bad_lines: usize,
}

/// A module line: path, version, `h1:` sum, and the module it was replaced by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

/// Why a file that looked like a Go executable could not be read.
pub(super) type Error = String;

/// The build info of `file`, `Ok(None)` when it is not a Go executable.
pub(super) fn read(file: &object::File<'_>) -> Result<Option<BuildInfo>, Error> {
    let Some(start) = data_start(file) else {
        return Ok(None);
    };
    let Some(data) = read_at(file, start, u64::MAX) else {
        return Ok(None);
    };
    let Some(blob) = find_blob(data) else {
        return Ok(None);
    };
    let (version, modinfo) = strings(file, blob)?;
    if version.is_empty() {
        return Ok(None);
    }
    let mut info = parse_modinfo(&unframe(&modinfo));
    info.go_version = String::from_utf8_lossy(&version).into_owned();
    Ok(Some(info))
}

/// The virtual address Go starts its search at (`exe.DataStart` per format).
fn data_start(file: &object::File<'_>) -> Option<u64> {
    let named = file
        .sections()
        .find(|s| matches!(s.name(), Ok(".go.buildinfo" | "__go_buildinfo")));
    if let Some(s) = named {
        return Some(s.address());
    }
    match file.format() {
        object::BinaryFormat::Pe => file.sections().find(pe_data_section).map(|s| s.address()),
        _ => file
            .segments()
            .find(|s| writable_data(s.flags()) && s.file_range().1 > 0)
            .map(|s| s.address()),
    }
}

/// ELF `PT_LOAD` with `PF_W` and without `PF_X`; Mach-O segment with protection `rw-` (initial
/// and maximum).
fn writable_data(flags: SegmentFlags) -> bool {
    const PF_X: u32 = 1;
    const PF_W: u32 = 2;
    const RW: u32 = 3;
    match flags {
        SegmentFlags::Elf { p_flags } => p_flags & (PF_X | PF_W) == PF_W,
        SegmentFlags::MachO {
            initprot, maxprot, ..
        } => initprot == RW && maxprot == RW,
        _ => false,
    }
}

/// PE: initialised data, readable and writable, nothing else but 32-byte alignment.
fn pe_data_section<'a>(s: &impl ObjectSection<'a>) -> bool {
    const INITIALIZED_DATA: u32 = 0x40;
    const READ: u32 = 0x4000_0000;
    const WRITE: u32 = 0x8000_0000;
    const ALIGN_32: u32 = 0x60_0000;
    let SectionFlags::Coff { characteristics } = s.flags() else {
        return false;
    };
    s.address() != 0
        && s.size() != 0
        && characteristics & !ALIGN_32 == INITIALIZED_DATA | READ | WRITE
}

/// The blob: the first 16-byte-aligned magic in the first [`SEARCH`] bytes, with room for its
/// header, and everything after it.
fn find_blob(data: &[u8]) -> Option<&[u8]> {
    let searched = data
        .len()
        .min(usize::try_from(SEARCH).unwrap_or(usize::MAX));
    (0..searched)
        .step_by(ALIGN)
        .filter_map(|i| data.get(i..))
        .find(|rest| rest.starts_with(MAGIC) && rest.len() >= HEADER)
}

/// The version and module info strings the header leads to.
fn strings(file: &object::File<'_>, blob: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let ptr_size = blob.get(14).copied().unwrap_or_default();
    let flags = blob.get(15).copied().unwrap_or_default();
    if flags & 2 != 0 {
        let rest = blob.get(HEADER..).unwrap_or_default();
        let (version, rest) = varint_string(rest).ok_or("the Go version string is cut short")?;
        let (modinfo, _) = varint_string(rest).unwrap_or_default();
        return Ok((version.to_vec(), modinfo.to_vec()));
    }
    let ptr = Pointers::new(ptr_size, flags & 1 != 0)
        .ok_or_else(|| format!("Go build info with pointer size {ptr_size}"))?;
    let version = ptr.read(blob, 16).and_then(|a| go_string(file, ptr, a));
    let modinfo = ptr.read(blob, 16 + usize::from(ptr_size));
    let modinfo = modinfo.and_then(|a| go_string(file, ptr, a));
    Ok((version.unwrap_or_default(), modinfo.unwrap_or_default()))
}

/// `encoding/binary.Uvarint`-prefixed bytes, and what follows them.
fn varint_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    for (i, b) in data.iter().take(10).enumerate() {
        len |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            let start = i + 1;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            return Some((data.get(start..end)?, data.get(end..)?));
        }
    }
    None
}

/// How the pre-1.18 header's pointers are encoded.
#[derive(Debug, Clone, Copy)]
struct Pointers {
    size: usize,
    big_endian: bool,
}

impl Pointers {
    fn new(size: u8, big_endian: bool) -> Option<Self> {
        matches!(size, 4 | 8).then_some(Self {
            size: usize::from(size),
            big_endian,
        })
    }

    /// The pointer at `data[at..]`.
    fn read(self, data: &[u8], at: usize) -> Option<u64> {
        let bytes = data.get(at..at.checked_add(self.size)?)?;
        let mut buf = [0u8; 8];
        if self.big_endian {
            buf.get_mut(8 - self.size..)?.copy_from_slice(bytes);
            Some(u64::from_be_bytes(buf))
        } else {
            buf.get_mut(..self.size)?.copy_from_slice(bytes);
            Some(u64::from_le_bytes(buf))
        }
    }
}

/// The Go string whose header (`{data, len}`) is at `addr` (`debug/buildinfo.readString`).
fn go_string(file: &object::File<'_>, ptr: Pointers, addr: u64) -> Option<Vec<u8>> {
    let header = read_at(file, addr, 2 * ptr.size as u64)?;
    let data_addr = ptr.read(header, 0)?;
    let len = ptr.read(header, ptr.size)?;
    if len > MAX_STRING {
        return None;
    }
    let data = read_at(file, data_addr, len)?;
    (data.len() as u64 == len).then(|| data.to_vec())
}

/// The module info without its 16-byte sentinels; empty when it is not framed (binaries built
/// outside module mode).
fn unframe(modinfo: &[u8]) -> String {
    let n = modinfo.len();
    let framed = n >= 33 && modinfo.get(n - 17) == Some(&b'\n');
    let inner = if framed {
        modinfo.get(16..n - 16).unwrap_or_default()
    } else {
        &[]
    };
    String::from_utf8_lossy(inner).into_owned()
}

/// `runtime/debug.ParseBuildInfo`, leniently: lines it would reject are counted and skipped.
fn parse_modinfo(text: &str) -> BuildInfo {
    let mut info = BuildInfo::default();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let Some((kind, rest)) = line.split_once('\t') else {
            info.bad_lines += 1;
            continue;
        };
        let ok = match kind {
            "go" => true,
            "path" => {
                info.path = Some(rest.to_owned());
                true
            }
            "mod" => module(rest).map(|m| info.main = Some(m)).is_some(),
            "dep" => module(rest).map(|m| info.deps.push(m)).is_some(),
            "=>" => replace(&mut info, rest).is_some(),
            "build" => setting(rest).map(|s| info.settings.push(s)).is_some(),
            _ => false,
        };
        if !ok {
            info.bad_lines += 1;
        }
    }
    info
}

/// `path\tversion[\tsum]`.
fn module(text: &str) -> Option<Module> {
    let cols: Vec<&str> = text.split('\t').collect();
    match cols.as_slice() {
        [path, version] | [path, version, _] if !path.is_empty() => Some(Module {
            path: (*path).to_owned(),
            version: (*version).to_owned(),
            sum: cols.get(2).map(|s| (*s).to_owned()).unwrap_or_default(),
            replace: None,
        }),
        _ => None,
    }
}

/// A `=>` line: replaces the module on the previous line (the last dep, else the main module).
fn replace(info: &mut BuildInfo, text: &str) -> Option<()> {
    let m = module(text)?;
    let last = match info.deps.last_mut() {
        Some(d) => d,
        None => info.main.as_mut()?,
    };
    last.replace = Some(Box::new(m));
    Some(())
}

/// `key=value`, either side possibly a Go-quoted string.
fn setting(text: &str) -> Option<(String, String)> {
    let (key, rest) = if text.starts_with('"') {
        let (key, used) = unquote(text)?;
        (key, text.get(used..)?.strip_prefix('=')?)
    } else {
        let (k, v) = text.split_once('=')?;
        (k.to_owned(), v)
    };
    let value = if rest.starts_with('"') {
        unquote(rest)?.0
    } else {
        rest.to_owned()
    };
    (!key.is_empty()).then_some((key, value))
}

/// A Go double-quoted string at the start of `text`: its value and the bytes it used. Escapes
/// beyond `\"`, `\\`, `\n`, `\t` and `\r` are kept as written.
fn unquote(text: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                e @ ('"' | '\\') => out.push(e),
                e => {
                    out.push('\\');
                    out.push(e);
                }
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_info() {
        let text = "go\tgo1.22.1\npath\texample.com/cmd/app\nmod\texample.com\t(devel)\t\n\
                    dep\tgithub.com/a/b\tv1.2.3\th1:abc=\n\
                    dep\tgithub.com/c/d\tv0.1.0\t\n=>\tgithub.com/e/d\tv0.2.0\th1:xyz=\n\
                    dep\tgolang.org/x/local\tv1.0.0\n=>\t../local\t\t\n\
                    build\t-ldflags=\"-s -w\"\nbuild\tGOOS=linux\nbuild\t\"we=ird\"=\"a\\\"b\"\n\
                    nonsense\n";
        let info = parse_modinfo(text);
        assert_eq!(info.path.as_deref(), Some("example.com/cmd/app"));
        assert_eq!(info.main.as_ref().unwrap().version, "(devel)");
        assert_eq!(info.deps.len(), 3);
        assert_eq!(info.deps[0].sum, "h1:abc=");
        let r = info.deps[1].replace.as_ref().unwrap();
        assert_eq!(
            (r.path.as_str(), r.version.as_str()),
            ("github.com/e/d", "v0.2.0")
        );
        assert_eq!(info.deps[2].replace.as_ref().unwrap().path, "../local");
        assert_eq!(
            info.settings,
            [
                ("-ldflags".to_owned(), "-s -w".to_owned()),
                ("GOOS".to_owned(), "linux".to_owned()),
                ("we=ird".to_owned(), "a\"b".to_owned())
            ]
        );
        assert_eq!(info.bad_lines, 1);
    }

    #[test]
    fn unframes_only_framed_module_info() {
        let framed = format!("{}path\tx\n{}", "0".repeat(16), "1".repeat(16));
        assert_eq!(unframe(framed.as_bytes()), "path\tx\n");
        assert_eq!(unframe(b"path\tx\n"), "");
    }

    #[test]
    fn varint_strings_stop_at_the_end_of_the_data() {
        assert_eq!(
            varint_string(b"\x03abcrest"),
            Some((&b"abc"[..], &b"rest"[..]))
        );
        assert_eq!(varint_string(b"\x05abc"), None);
        assert_eq!(
            varint_string(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
            None
        );
        assert_eq!(varint_string(b""), None);
    }

    #[test]
    fn finds_only_aligned_magic() {
        let mut data = vec![0u8; 64];
        data[3..17].copy_from_slice(MAGIC);
        assert!(find_blob(&data).is_none());
        data[32..46].copy_from_slice(MAGIC);
        assert_eq!(find_blob(&data).map(<[u8]>::len), Some(32));
    }
}
