//! `layer build --out <dir>`, as the README documents it, and what it must produce: per
//! architecture a zip with `extensions/lambda-redact` (0755) whose ELF is for that architecture
//! and needs no glibc newer than Amazon Linux 2's 2.26, under 5 MB, with its SBOM beside it.

use layer::{build, elf, package, zip_name, Arch, GLIBC_FLOOR};
use std::path::PathBuf;
use std::process::Command;

/// Lambda's layer size is not the limit here; this is the project's own target.
const MAX_ZIP_BYTES: u64 = 5_000_000;

#[test]
fn build_produces_layer_zips_that_run_on_every_current_lambda_runtime() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("layer-out");
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_layer"))
        .args(["build", "--out"])
        .arg(&out)
        .status()
        .expect("run layer build");
    assert!(status.success(), "layer build failed");

    let version = env!("CARGO_PKG_VERSION");
    for arch in Arch::ALL {
        let zip = out.join(zip_name(version, arch));
        if arch == Arch::Arm64 && !zip.exists() {
            assert!(
                !build::ensure_target(arch),
                "the arm64 target is installed but no zip was built"
            );
            eprintln!("SKIPPED: arm64 (its Rust target cannot be installed here)");
            continue;
        }
        let size = std::fs::metadata(&zip).expect("the zip").len();
        assert!(size < MAX_ZIP_BYTES, "{}: {size} bytes", zip.display());
        let (binary, mode) =
            package::read_entry(&zip).expect("extensions/lambda-redact in the zip");
        assert_eq!(mode & 0o777, 0o755, "executable");
        let info = elf::inspect(&binary).expect("an ELF binary");
        assert_eq!(info.machine, arch.elf_machine(), "{arch:?}");
        assert!(
            info.sections.iter().any(|s| s == build::AUDIT_SECTION),
            "no embedded dependency list"
        );
        let glibc = info.max_glibc.expect("links glibc dynamically");
        assert!(
            glibc <= GLIBC_FLOOR,
            "{arch:?} needs GLIBC_{}.{}",
            glibc.0,
            glibc.1
        );
        println!(
            "{}: {size} bytes, {} bytes unzipped, needs GLIBC_{}.{}",
            zip.display(),
            binary.len(),
            glibc.0,
            glibc.1
        );

        let sbom: serde_json::Value = serde_json::from_slice(
            &std::fs::read(zip.with_extension("cdx.json")).expect("the SBOM beside the zip"),
        )
        .expect("SBOM JSON");
        assert_eq!(sbom["bomFormat"], "CycloneDX");
        assert!(sbom["components"].as_array().is_some_and(|c| c.len() > 50));
    }
}
