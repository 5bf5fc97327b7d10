//! Building the extension binary for a Lambda architecture with cargo-lambda and zig, and
//! the checks every built binary must pass before it is packed.

use crate::{elf, Arch, GLIBC_FLOOR};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the Rust standard library for `arch` is installed, installing it with rustup if not.
pub fn ensure_target(arch: Arch) -> bool {
    let installed = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .any(|l| l.trim() == arch.rust_target())
    };
    let listed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if listed.as_ref().is_ok_and(|o| installed(&o.stdout)) {
        return true;
    }
    Command::new("rustup")
        .args(["target", "add", arch.rust_target()])
        .status()
        .is_ok_and(|s| s.success())
}

/// The section cargo-auditable embeds the dependency list in.
pub const AUDIT_SECTION: &str = ".dep-v0";

/// Builds `lambda-redact` for `arch` against glibc [`GLIBC_FLOOR`] with `cargo lambda build`
/// (zig as the linker), under `cargo auditable` so that the binary carries its dependency list;
/// returns the binary's path.
pub fn build_extension(workspace: &Path, target_dir: &Path, arch: Arch) -> Result<PathBuf> {
    let lambda_dir = target_dir.join("lambda").join(arch.lambda_name());
    let target = format!("{}.{}.{}", arch.rust_target(), GLIBC_FLOOR.0, GLIBC_FLOOR.1);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace)
        // cargo-lambda does not accept --target-dir (it forwards it to cargo metadata).
        .env("CARGO_TARGET_DIR", target_dir)
        // `cargo auditable <cmd>` runs `cargo <cmd>` with itself as the rustc wrapper.
        .args([
            "auditable",
            "lambda",
            "build",
            "--release",
            "--extension",
            "--locked",
        ])
        .args(["-p", "lambda-redact"])
        .args(["--target", &target, "--lambda-dir"])
        .arg(&lambda_dir)
        .status()
        .context(
            "cannot run `cargo auditable lambda build` (scripts/setup-test-peers installs both)",
        )?;
    if !status.success() {
        bail!("cargo lambda build for {target} failed");
    }
    let binary = lambda_dir.join("extensions").join("lambda-redact");
    if !binary.is_file() {
        bail!("cargo lambda build left no {}", binary.display());
    }
    Ok(binary)
}

/// Checks a built binary: the right architecture, and no glibc symbol newer than the floor.
pub fn check_binary(bytes: &[u8], arch: Arch) -> Result<elf::ElfInfo> {
    let info = elf::inspect(bytes)?;
    if info.machine != arch.elf_machine() {
        bail!(
            "the {} binary has ELF machine {}, expected {}",
            arch.lambda_name(),
            info.machine,
            arch.elf_machine()
        );
    }
    if !info.sections.iter().any(|s| s == AUDIT_SECTION) {
        bail!(
            "the {} binary has no {AUDIT_SECTION} section (cargo auditable)",
            arch.lambda_name()
        );
    }
    if let Some(version) = info.max_glibc {
        if version > GLIBC_FLOOR {
            bail!(
                "the {} binary needs GLIBC_{}.{}; Amazon Linux 2 has {}.{}",
                arch.lambda_name(),
                version.0,
                version.1,
                GLIBC_FLOOR.0,
                GLIBC_FLOOR.1
            );
        }
    }
    Ok(info)
}
