//! Builds the lambda-redact Lambda layer: the extension binary per architecture (cargo-lambda
//! with zig, against Amazon Linux 2's glibc 2.26), packed as `extensions/lambda-redact` in a zip,
//! with a CycloneDX SBOM beside it; and checks what it built (ELF architecture, glibc needs).

pub mod build;
pub mod elf;
pub mod package;
pub mod sbom;

/// A Lambda architecture the layer is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    /// `x86_64` in Lambda.
    X86_64,
    /// `arm64` in Lambda (Graviton).
    Arm64,
}

/// The oldest glibc of the Lambda runtimes we support (Amazon Linux 2); Amazon Linux 2023 has 2.34.
pub const GLIBC_FLOOR: (u32, u32) = (2, 26);

impl Arch {
    /// Both, x86_64 first.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Arm64];

    /// Lambda's name for it (in zip names and templates).
    pub fn lambda_name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    /// The Rust target triple.
    pub fn rust_target(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
            Arch::Arm64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// The ELF `e_machine` of its binaries.
    pub fn elf_machine(self) -> u16 {
        match self {
            Arch::X86_64 => elf::EM_X86_64,
            Arch::Arm64 => elf::EM_AARCH64,
        }
    }

    /// Parses `x86_64` or `arm64`.
    pub fn parse(name: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.lambda_name() == name)
    }
}

/// The layer zip's file name for `version` and `arch`.
pub fn zip_name(version: &str, arch: Arch) -> String {
    format!("lambda-redact-{version}-{}.zip", arch.lambda_name())
}
