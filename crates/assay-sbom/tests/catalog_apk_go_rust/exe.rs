//! Executables built by hand: a minimal ELF writer, and on top of it Go executables carrying
//! build info in both layouts and cargo-auditable executables carrying a `.dep-v0` section.

use std::io::Write;

use super::support::noise;

/// ELF program header flags (`PF_R`, `PF_W`, `PF_X`).
pub const R: u32 = 4;
pub const W: u32 = 2;
pub const X: u32 = 1;

const EHDR: usize = 64;
const PHDR: usize = 56;
const SHDR: usize = 64;

/// One section of a hand-made executable, loaded at `addr` by a `PT_LOAD` of its own.
pub struct Section {
    name: &'static str,
    addr: u64,
    flags: u32,
    data: Vec<u8>,
}

pub fn section(name: &'static str, addr: u64, flags: u32, data: Vec<u8>) -> Section {
    Section {
        name,
        addr,
        flags,
        data,
    }
}

fn pad16(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(16), 0);
}

fn put(out: &mut Vec<u8>, fields: &[u64], widths: &[usize]) {
    for (v, w) in fields.iter().zip(widths) {
        out.extend_from_slice(&v.to_le_bytes()[..*w]);
    }
}

/// A minimal little-endian ELF64 x86-64 executable (System V gABI, "ELF Header", "Program
/// Header", "Sections"): header, one `PT_LOAD` per section, the sections' bytes, `.shstrtab`,
/// then the section headers (null, ours, `.shstrtab`).
pub fn elf(sections: &[Section]) -> Vec<u8> {
    let mut out = vec![0u8; EHDR + PHDR * sections.len()];
    pad16(&mut out);
    let mut offsets = Vec::new();
    for s in sections {
        offsets.push(out.len() as u64);
        out.extend_from_slice(&s.data);
        pad16(&mut out);
    }
    let (names, shstrtab) = string_table(sections);
    let shstrtab_off = out.len() as u64;
    out.extend_from_slice(&shstrtab);
    pad16(&mut out);
    let shoff = out.len() as u64;
    out.extend_from_slice(&[0u8; SHDR]);
    for ((s, off), name) in sections.iter().zip(&offsets).zip(&names) {
        let flags = 2 | u64::from(s.flags & W != 0) | if s.flags & X != 0 { 4 } else { 0 };
        let size = s.data.len() as u64;
        section_header(&mut out, &[*name, 1, flags, s.addr, *off, size]);
    }
    let name = *names.last().unwrap();
    section_header(
        &mut out,
        &[name, 3, 0, 0, shstrtab_off, shstrtab.len() as u64],
    );
    let mut head = elf_header(shoff, sections.len() as u64);
    for (s, off) in sections.iter().zip(&offsets) {
        let size = s.data.len() as u64;
        let fields = [1, u64::from(s.flags), *off, s.addr, s.addr, size, size, 16];
        put(&mut head, &fields, &[4, 4, 8, 8, 8, 8, 8, 8]);
    }
    out[..head.len()].copy_from_slice(&head);
    out
}

/// `.shstrtab`'s offsets for each section name, then `.shstrtab`'s own, and the table.
fn string_table(sections: &[Section]) -> (Vec<u64>, Vec<u8>) {
    let mut table = vec![0u8];
    let mut names = Vec::new();
    for name in sections.iter().map(|s| s.name).chain([".shstrtab"]) {
        names.push(table.len() as u64);
        table.extend_from_slice(name.as_bytes());
        table.push(0);
    }
    (names, table)
}

/// `e_ident` (ELFCLASS64, ELFDATA2LSB), `ET_EXEC`, `EM_X86_64`, and the table positions.
fn elf_header(shoff: u64, phnum: u64) -> Vec<u8> {
    let mut h = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    let fields = [2, 62, 1, 0, EHDR as u64, shoff, 0];
    put(&mut h, &fields, &[2, 2, 4, 8, 8, 8, 4]);
    let sizes = [
        EHDR as u64,
        PHDR as u64,
        phnum,
        SHDR as u64,
        phnum + 2,
        phnum + 1,
    ];
    put(&mut h, &sizes, &[2; 6]);
    h
}

/// `sh_name`, `sh_type`, `sh_flags`, `sh_addr`, `sh_offset`, `sh_size`; no link, 16-aligned.
fn section_header(out: &mut Vec<u8>, fields: &[u64; 6]) {
    put(out, fields, &[4, 4, 8, 8, 8, 8]);
    put(out, &[0, 0, 16, 0], &[4, 4, 8, 8]);
}

// ------------------------------------------------------------------------------------- Go

/// `cmd/go/internal/modload`'s `infoStart` and `infoEnd` sentinels.
const INFO_START: &[u8] = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6";
const INFO_END: &[u8] = b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2";

fn framed(modinfo: &str) -> Vec<u8> {
    [INFO_START, modinfo.as_bytes(), INFO_END].concat()
}

fn uvarint(mut n: usize, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A Go 1.18+ executable: the blob (in `section_name`) with inline strings, after text that
/// holds the magic unaligned, as Go's own `debug/buildinfo` code does.
pub fn go_inline_exe(section_name: &'static str, version: &str, modinfo: &str) -> Vec<u8> {
    let mut blob = b"\xff Go buildinf:\x08\x02".to_vec();
    blob.extend_from_slice(&[0u8; 16]);
    let info = framed(modinfo);
    uvarint(version.len(), &mut blob);
    blob.extend_from_slice(version.as_bytes());
    uvarint(info.len(), &mut blob);
    blob.extend_from_slice(&info);
    let mut text = noise(301, 1);
    text.extend_from_slice(b"\xff Go buildinf:");
    elf(&[
        section(".text", 0x401000, R | X, text),
        section(section_name, 0x500000, R | W, blob),
    ])
}

/// A Go 1.13–1.17 executable: the blob points at Go string headers in `.rodata`.
pub fn go_pointer_exe(version: &str, modinfo: &str) -> Vec<u8> {
    let info = framed(modinfo);
    let base = 0x480000u64;
    let vers_data = base + 64;
    let info_data = vers_data + version.len() as u64;
    let mut rodata = Vec::new();
    let headers = [
        vers_data,
        version.len() as u64,
        info_data,
        info.len() as u64,
    ];
    put(&mut rodata, &headers, &[8; 4]);
    rodata.resize(64, 0);
    rodata.extend_from_slice(version.as_bytes());
    rodata.extend_from_slice(&info);
    let mut blob = b"\xff Go buildinf:\x08\x00".to_vec();
    put(&mut blob, &[base, base + 16], &[8, 8]);
    elf(&[
        section(".text", 0x401000, R | X, noise(256, 2)),
        section(".rodata", base, R, rodata),
        section(".go.buildinfo", 0x500000, R | W, blob),
    ])
}

// -------------------------------------------------------------------------- cargo-auditable

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// An executable whose `.dep-v0` section holds `section_data`.
pub fn auditable_exe(section_data: Vec<u8>) -> Vec<u8> {
    elf(&[
        section(".text", 0x401000, R | X, noise(512, 9)),
        section(".dep-v0", 0x0, R, section_data),
    ])
}
