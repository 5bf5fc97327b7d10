//! A CycloneDX 1.5 SBOM of what the extension binary is built from: the crates reachable from
//! `lambda-redact` through normal (not dev, not build) dependencies, for one target, from
//! `cargo metadata` and the workspace's `Cargo.lock`.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The package the layer ships.
const ROOT: &str = "lambda-redact";

fn purl(name: &str, version: &str) -> String {
    format!("pkg:cargo/{name}@{version}")
}

/// Reads `cargo metadata` for `target` in the workspace at `workspace`.
pub fn metadata(workspace: &Path, target: &str) -> Result<Value> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            target,
        ])
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")
}

/// The SBOM for the [`ROOT`] package in `metadata`.
pub fn cyclonedx(metadata: &Value, serial: &str) -> Result<Value> {
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .context("no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .context("no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let root = packages
        .values()
        .find(|p| p["name"] == ROOT)
        .and_then(|p| p["id"].as_str())
        .context("no lambda-redact package")?;
    // Normal dependencies only: what is linked into the binary.
    let normal_deps = |id: &str| -> Vec<&str> {
        nodes
            .get(id)
            .and_then(|n| n["deps"].as_array())
            .map_or_else(Vec::new, |deps| {
                deps.iter()
                    .filter(|d| {
                        d["dep_kinds"]
                            .as_array()
                            .is_some_and(|kinds| kinds.iter().any(|k| k["kind"].is_null()))
                    })
                    .filter_map(|d| d["pkg"].as_str())
                    .collect()
            })
    };
    let mut reachable = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if reachable.insert(id) {
            stack.extend(normal_deps(id));
        }
    }
    let reference = |id: &str| -> Option<String> {
        let p = packages.get(id)?;
        Some(purl(p["name"].as_str()?, p["version"].as_str()?))
    };
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    for id in &reachable {
        let Some(package) = packages.get(id) else {
            continue;
        };
        let Some(bom_ref) = reference(id) else {
            continue;
        };
        let mut depends_on: Vec<String> =
            normal_deps(id).into_iter().filter_map(reference).collect();
        depends_on.sort();
        depends_on.dedup();
        dependencies.push(json!({"ref": bom_ref, "dependsOn": depends_on}));
        if *id == root {
            continue;
        }
        let mut component = json!({
            "type": "library",
            "bom-ref": bom_ref,
            "name": package["name"],
            "version": package["version"],
            "purl": bom_ref,
        });
        if let Some(license) = package["license"].as_str() {
            component["licenses"] = json!([{"expression": license}]);
        }
        if package["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("registry+"))
        {
            component["externalReferences"] = json!([{
                "type": "distribution",
                "url": format!("https://crates.io/crates/{}/{}", package["name"].as_str().unwrap_or(""), package["version"].as_str().unwrap_or("")),
            }]);
        }
        components.push(component);
    }
    let root_package = packages.get(root).context("no root package")?;
    Ok(json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": serial,
        "version": 1,
        "metadata": {
            "component": {
                "type": "application",
                "bom-ref": reference(root),
                "name": ROOT,
                "version": root_package["version"],
                "purl": reference(root),
                "licenses": [{"expression": root_package["license"]}],
            },
            "tools": {"components": [{"type": "application", "name": "lambda-redact layer build"}]},
        },
        "components": components,
        "dependencies": dependencies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sbom_lists_what_the_binary_links_and_nothing_else() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let metadata = metadata(workspace, "x86_64-unknown-linux-gnu").unwrap();
        let sbom = cyclonedx(&metadata, "urn:uuid:00000000-0000-4000-8000-000000000000").unwrap();
        let names: Vec<&str> = sbom["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        for linked in [
            "redact-core",
            "aho-corasick",
            "regex-automata",
            "aws-sdk-firehose",
            "tokio",
            "hyper",
            "simd-json",
        ] {
            assert!(names.contains(&linked), "{linked} missing");
        }
        // Dev and build-only dependencies do not ship.
        for not_linked in ["proptest", "criterion", "lambda-redact-tests"] {
            assert!(!names.contains(&not_linked), "{not_linked} listed");
        }
        assert_eq!(sbom["metadata"]["component"]["name"], "lambda-redact");
        let purl = sbom["components"][0]["purl"].as_str().unwrap();
        assert!(purl.starts_with("pkg:cargo/"));
    }
}
