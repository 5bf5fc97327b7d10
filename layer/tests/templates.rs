//! The deployment examples, checked by the real tools: cfn-lint on the SAM template and on the
//! CDK app's synthesized template, checkov on all three (SAM, Terraform, CDK). A failing check
//! fails the test. Tools: `scripts/setup-test-peers`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn examples() -> PathBuf {
    workspace().join("layer/examples")
}

fn run(mut command: Command) -> Output {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown} ({e}): run scripts/setup-test-peers"));
    println!("{shown}\n{}", String::from_utf8_lossy(&output.stdout));
    output
}

/// cfn-lint: errors fail; warnings fail too for our own template (`strict`), not for what the
/// CDK generates.
fn cfn_lint(template: &Path, strict: bool) {
    let output = run({
        let mut c = Command::new("cfn-lint");
        c.arg(template);
        c
    });
    let code = output.status.code().unwrap_or(-1);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    let failed = if strict {
        code != 0
    } else {
        code < 0 || code & 2 != 0
    };
    assert!(!failed, "cfn-lint {} exited {code}", template.display());
}

fn checkov(args: &[&str], target: &Path) {
    let checkov = workspace().join("target/venv/checkov/bin/checkov");
    let output = run({
        let mut c = Command::new(&checkov);
        c.args(args)
            .arg(target)
            .args(["--compact", "--quiet", "--skip-download"]);
        c
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "checkov failed on {}:\n{stdout}",
        target.display()
    );
    assert!(stdout.contains("Failed checks: 0"), "{stdout}");
    assert!(
        !stdout.contains("Passed checks: 0,"),
        "checkov checked nothing: {stdout}"
    );
}

#[test]
fn the_sam_template_passes_cfn_lint_and_checkov() {
    let template = examples().join("sam/template.yaml");
    cfn_lint(&template, true);
    checkov(&["--framework", "cloudformation", "-f"], &template);
}

#[test]
fn the_terraform_example_passes_checkov() {
    checkov(
        &["--framework", "terraform", "-d"],
        &examples().join("terraform"),
    );
}

#[test]
fn the_cdk_example_synthesizes_and_passes_cfn_lint_and_checkov() {
    let cdk = examples().join("cdk");
    assert!(
        cdk.join("node_modules/aws-cdk-lib").is_dir(),
        "the CDK example's packages are missing: run scripts/setup-test-peers"
    );
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cdk");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    // Synthesis needs a layer zip to hash; its contents do not matter to the template.
    let zip = scratch.join("layer.zip");
    layer::package::write_zip(b"placeholder", &zip).expect("a placeholder zip");
    let out = scratch.join("cdk.out");
    let output = run({
        let mut c = Command::new("npx");
        c.current_dir(&cdk)
            .args(["cdk", "synth", "--quiet", "-c"])
            .arg(format!("layerZip={}", zip.display()))
            .arg("-o")
            .arg(&out);
        c
    });
    assert!(
        output.status.success(),
        "cdk synth failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let template = out.join("LambdaRedactExample.template.json");
    cfn_lint(&template, false);
    checkov(&["--framework", "cloudformation", "-f"], &template);
}
