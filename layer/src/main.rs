//! `cargo run -p layer -- build --out <dir>`: the Lambda layer zips, one per architecture whose
//! Rust target is installed or installable, each with a CycloneDX SBOM beside it.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use layer::{build, package, sbom, zip_name, Arch};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "layer", about = "Build the lambda-redact Lambda layer")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build `lambda-redact-<version>-<arch>.zip` and `.cdx.json` into a directory.
    Build {
        /// Where the zips and SBOMs go (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Only this architecture (`x86_64` or `arm64`); default: x86_64, and arm64 where its
        /// Rust target can be installed.
        #[arg(long)]
        arch: Option<String>,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("layer: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    match Args::parse().command {
        Command::Build { out, arch } => {
            let arches = match arch.as_deref() {
                Some(name) => vec![Arch::parse(name)
                    .with_context(|| format!("unknown architecture {name:?} (x86_64, arm64)"))?],
                None => Arch::ALL.to_vec(),
            };
            build_layers(&out, &arches, arch.is_some())
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn build_layers(out: &Path, arches: &[Arch], explicit: bool) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let workspace = workspace_root();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let version = env!("CARGO_PKG_VERSION");
    let mut built = 0;
    for &arch in arches {
        if !build::ensure_target(arch) {
            if explicit || arch == Arch::X86_64 {
                bail!(
                    "the Rust target {} is not installed and cannot be",
                    arch.rust_target()
                );
            }
            eprintln!(
                "layer: skipping {}: its Rust target cannot be installed here",
                arch.lambda_name()
            );
            continue;
        }
        let binary_path = build::build_extension(&workspace, &target_dir, arch)?;
        let binary = std::fs::read(&binary_path)?;
        let info = build::check_binary(&binary, arch)?;
        let zip_path = out.join(zip_name(version, arch));
        package::write_zip(&binary, &zip_path)?;
        let metadata = sbom::metadata(&workspace, arch.rust_target())?;
        let bom = sbom::cyclonedx(&metadata, &serial_number(&binary))?;
        let sbom_path = zip_path.with_extension("cdx.json");
        std::fs::write(&sbom_path, serde_json::to_vec_pretty(&bom)?)?;
        let zip_size = std::fs::metadata(&zip_path)?.len();
        println!(
            "{}: {} bytes zipped ({} unzipped), needs GLIBC_{}; SBOM {}",
            zip_path.display(),
            zip_size,
            binary.len(),
            info.max_glibc
                .map_or("none (static)".to_string(), |(a, b)| format!("{a}.{b}")),
            sbom_path.display()
        );
        built += 1;
    }
    if built == 0 {
        bail!("no layer was built");
    }
    Ok(())
}

/// A stable `urn:uuid` for the SBOM of this exact binary.
fn serial_number(binary: &[u8]) -> String {
    let mut halves = [0u64; 2];
    for (seed, half) in halves.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut hasher);
        binary.hash(&mut hasher);
        *half = hasher.finish();
    }
    let hex = format!("{:016x}{:016x}", halves[0], halves[1]);
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}
