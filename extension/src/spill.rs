//! Batches that could not be delivered in time wait in `/tmp` (bounded, mode 0600) until the
//! next opportunity to redrive them.
//!
//! One file per spilled batch, holding its NDJSON lines, named by a sequence number so that
//! the oldest is redriven first. A file is written under a temporary name and renamed, so a
//! redrive never reads half a batch.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub(crate) struct Spill {
    dir: PathBuf,
    max_bytes: u64,
    used: u64,
    next_seq: u64,
}

impl Spill {
    /// Opens (creating, mode 0700) the spill directory, counting what is already there.
    pub(crate) fn open(dir: &Path, max_bytes: u64) -> Result<Spill> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create the spill directory {}", dir.display()))?;
        let mut spill = Spill {
            dir: dir.to_path_buf(),
            max_bytes,
            used: 0,
            next_seq: 0,
        };
        for (seq, path) in spill.files()? {
            spill.used += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            spill.next_seq = spill.next_seq.max(seq + 1);
        }
        Ok(spill)
    }

    /// Spilled files, oldest first.
    fn files(&self) -> Result<Vec<(u64, PathBuf)>> {
        let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&self.dir)?
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let path = entry.path();
                let seq = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".ndjson")?
                    .parse()
                    .ok()?;
                Some((seq, path))
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// Writes records to a new spill file and returns its path. Fails when the bound would
    /// be exceeded.
    pub(crate) fn write(&mut self, records: &[Vec<u8>]) -> Result<PathBuf> {
        let size: u64 = records.iter().map(|r| r.len() as u64).sum();
        if self.used + size > self.max_bytes {
            bail!(
                "spill directory full ({} of {} bytes used)",
                self.used,
                self.max_bytes
            );
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let path = self.dir.join(format!("{seq:020}.ndjson"));
        let temporary = self.dir.join(format!("{seq:020}.tmp"));
        let mut file = std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .mode(0o600)
            .open(&temporary)?;
        let written = records
            .iter()
            .try_for_each(|r| file.write_all(r))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(err) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(err.into());
        }
        self.used += size;
        Ok(path)
    }

    /// The oldest spilled batch that is not one of `held`: its path and contents.
    pub(crate) fn oldest(&self, held: &[PathBuf]) -> Option<(PathBuf, Vec<u8>)> {
        let (_, path) = self
            .files()
            .ok()?
            .into_iter()
            .find(|(_, path)| !held.contains(path))?;
        let text = std::fs::read(&path).ok()?;
        Some((path, text))
    }

    /// Forgets a spilled batch once it is delivered (or re-spilled).
    pub(crate) fn remove(&mut self, path: &Path) {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if std::fs::remove_file(path).is_ok() {
            self.used = self.used.saturating_sub(size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn spills_are_private_bounded_and_redriven_oldest_first() {
        let dir =
            std::env::temp_dir().join(format!("lambda-redact-spill-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut spill = Spill::open(&dir, 100).unwrap();
        assert!(spill.oldest(&[]).is_none());
        let first = spill.write(&[b"a\n".to_vec(), b"b\n".to_vec()]).unwrap();
        spill.write(&[b"c\n".to_vec()]).unwrap();
        assert!(spill.write(&[vec![b'x'; 97]]).is_err(), "over the bound");

        // A batch whose call still waits for its answer is not redriven meanwhile.
        assert_eq!(
            spill.oldest(std::slice::from_ref(&first)).unwrap().1,
            b"c\n"
        );
        let (path, text) = spill.oldest(&[]).unwrap();
        assert_eq!(path, first);
        assert_eq!(text, b"a\nb\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        spill.remove(&path);
        // A new process finds what is left, and continues the numbering after it.
        let mut reopened = Spill::open(&dir, 100).unwrap();
        assert_eq!(reopened.oldest(&[]).unwrap().1, b"c\n");
        reopened.write(&[b"d\n".to_vec()]).unwrap();
        let (path, _) = reopened.oldest(&[]).unwrap();
        reopened.remove(&path);
        assert_eq!(reopened.oldest(&[]).unwrap().1, b"d\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
