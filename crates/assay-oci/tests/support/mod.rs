//! What the registry tests share: the test registry's address and a scratch directory whose
//! registry options never read the host's Docker config.
#![allow(dead_code, clippy::print_stderr)]

use assay_oci::registry::RegistryOptions;
use tempfile::TempDir;

/// The test registry's `host:port`, or `None` (after saying so) when the tests should skip.
pub fn registry_host() -> Option<String> {
    match std::env::var("ASSAY_TEST_REGISTRY") {
        Ok(host) if !host.trim().is_empty() => Some(host.trim().to_owned()),
        _ if std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() == Ok("1") => {
            panic!("ASSAY_TEST_REGISTRY is not set and ASSAY_REQUIRE_FIXTURES=1")
        }
        _ => {
            eprintln!("skipping: ASSAY_TEST_REGISTRY is not set (host:port of a test registry)");
            None
        }
    }
}

/// A scratch directory plus options reading an empty Docker config (never the host's).
pub struct Work {
    /// The scratch directory.
    pub dir: TempDir,
    /// Registry options using the scratch Docker config.
    pub opts: RegistryOptions,
}

impl Work {
    /// With an empty Docker config.
    pub fn new() -> Self {
        Self::with_config(&serde_json::json!({}))
    }

    /// With this Docker config.
    pub fn with_config(config: &serde_json::Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docker-config.json");
        fs_err::write(&path, config.to_string()).unwrap();
        let opts = RegistryOptions {
            docker_config: Some(path),
            ..RegistryOptions::default()
        };
        Self { dir, opts }
    }
}
