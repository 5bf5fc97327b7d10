//! Just enough ELF reading to check a layer binary: its architecture and the highest glibc
//! symbol version it needs (the `GLIBC_2.x` names in its dynamic string table).

use anyhow::{bail, Context, Result};

/// `e_machine` of x86-64 binaries.
pub const EM_X86_64: u16 = 62;
/// `e_machine` of AArch64 binaries.
pub const EM_AARCH64: u16 = 183;

const SHT_STRTAB: u32 = 3;

/// What a binary needs from the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfInfo {
    /// `e_machine`.
    pub machine: u16,
    /// The highest `GLIBC_x.y` version named; `None` for a static binary.
    pub max_glibc: Option<(u32, u32)>,
    /// Section names, e.g. `.dep-v0` where cargo-auditable embedded the dependency list.
    pub sections: Vec<String>,
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16> {
    let b = bytes.get(at..at + 2).context("truncated ELF")?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32> {
    let b = bytes.get(at..at + 4).context("truncated ELF")?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> Result<u64> {
    let b = bytes.get(at..at + 8).context("truncated ELF")?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_le_bytes(a))
}

/// Reads a 64-bit little-endian ELF file.
pub fn inspect(bytes: &[u8]) -> Result<ElfInfo> {
    if bytes.get(..4) != Some(b"\x7fELF") {
        bail!("not an ELF file");
    }
    if bytes.get(4) != Some(&2) || bytes.get(5) != Some(&1) {
        bail!("not a 64-bit little-endian ELF file");
    }
    let machine = u16_at(bytes, 18)?;
    let section_headers = usize::try_from(u64_at(bytes, 0x28)?)?;
    let entry_size = usize::from(u16_at(bytes, 0x3A)?);
    let count = usize::from(u16_at(bytes, 0x3C)?);
    let names_index = usize::from(u16_at(bytes, 0x3E)?);
    let section = |i: usize| -> Result<(u32, u32, usize, usize)> {
        let at = section_headers + i * entry_size;
        Ok((
            u32_at(bytes, at)?,
            u32_at(bytes, at + 4)?,
            usize::try_from(u64_at(bytes, at + 0x18)?)?,
            usize::try_from(u64_at(bytes, at + 0x20)?)?,
        ))
    };
    let (_, _, names_offset, names_size) = section(names_index)?;
    let names = bytes
        .get(names_offset..names_offset + names_size)
        .context("truncated section names")?;
    let mut max_glibc = None;
    let mut sections = Vec::with_capacity(count);
    for i in 0..count {
        let (name, kind, offset, size) = section(i)?;
        let name = names
            .get(name as usize..)
            .and_then(|n| n.split(|b| *b == 0).next())
            .unwrap_or_default();
        sections.push(String::from_utf8_lossy(name).into_owned());
        if kind != SHT_STRTAB || name != b".dynstr" {
            continue;
        }
        let table = bytes
            .get(offset..offset + size)
            .context("truncated .dynstr")?;
        for text in table.split(|b| *b == 0) {
            if let Some(version) = std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.strip_prefix("GLIBC_"))
                .and_then(parse_version)
            {
                max_glibc = max_glibc.max(Some(version));
            }
        }
    }
    Ok(ElfInfo {
        machine,
        max_glibc,
        sections,
    })
}

/// `2.26` -> `(2, 26)`; `2.2.5` -> `(2, 2)` (the third part never matters for our floor).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("2.26"), Some((2, 26)));
        assert_eq!(parse_version("2.2.5"), Some((2, 2)));
        assert_eq!(parse_version("PRIVATE"), None);
    }

    #[test]
    fn the_test_binary_itself_is_readable() {
        // This test runs as an x86-64 or AArch64 Linux ELF that links glibc dynamically.
        let exe = std::env::current_exe().unwrap();
        let info = inspect(&std::fs::read(exe).unwrap()).unwrap();
        assert!(info.machine == EM_X86_64 || info.machine == EM_AARCH64);
        assert!(info.max_glibc.is_some_and(|v| v >= (2, 2)));
        assert!(info.sections.iter().any(|s| s == ".text"));
        assert!(inspect(b"#!/bin/sh\n").is_err());
    }
}
