//! The layer zip: `extensions/lambda-redact`, mode 0755, reproducible (fixed timestamps).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Where Lambda looks for external extensions in a layer.
pub const ENTRY: &str = "extensions/lambda-redact";

/// Writes the layer zip holding `binary` at [`ENTRY`].
pub fn write_zip(binary: &[u8], zip_path: &Path) -> Result<()> {
    let file = std::fs::File::create(zip_path)
        .with_context(|| format!("cannot create {}", zip_path.display()))?;
    let mut zip = ZipWriter::new(file);
    let stamp = DateTime::default();
    let directory = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .unix_permissions(0o755);
    zip.add_directory("extensions/", directory)?;
    let executable = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(stamp)
        .unix_permissions(0o755);
    zip.start_file(ENTRY, executable)?;
    zip.write_all(binary)?;
    zip.finish()?.flush()?;
    Ok(())
}

/// Reads back the layer zip: the binary at [`ENTRY`] and its unix mode.
pub fn read_entry(zip_path: &Path) -> Result<(Vec<u8>, u32)> {
    let file = std::fs::File::open(zip_path)
        .with_context(|| format!("cannot open {}", zip_path.display()))?;
    let mut archive = zip::ZipArchive::new(file)?;
    let mut entry = archive
        .by_name(ENTRY)
        .with_context(|| format!("no {ENTRY} in the zip"))?;
    let mode = entry.unix_mode().unwrap_or(0);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes)?;
    Ok((bytes, mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_holds_an_executable_extension() {
        let dir = std::env::temp_dir().join(format!("layer-zip-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("layer.zip");
        write_zip(b"\x7fELF fake", &path).unwrap();
        let (bytes, mode) = read_entry(&path).unwrap();
        assert_eq!(bytes, b"\x7fELF fake");
        assert_eq!(mode & 0o777, 0o755);
        // Reproducible: the same input gives the same bytes.
        let first = std::fs::read(&path).unwrap();
        write_zip(b"\x7fELF fake", &path).unwrap();
        assert_eq!(first, std::fs::read(&path).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
