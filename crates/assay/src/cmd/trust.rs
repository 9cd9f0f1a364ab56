//! `assay trust update|status`: refresh Sigstore's `trusted_root.json` from a TUF repository
//! with the full TUF client workflow (`assay_attest::tuf`), and show what is trusted.
//!
//! The state lives in `$ASSAY_TRUST_DIR` (default `<cache>/assay/trust`), one directory per
//! repository. Keyless verification uses the updated `trusted_root.json` when there is one,
//! else the one embedded in assay. Nothing else fetches: verification stays offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use assay_attest::tuf::{DirFetch, Fetch, FetchError, Updater};
use clap::{Args, Subcommand};

const PRODUCTION_URL: &str = "https://tuf-repo-cdn.sigstore.dev";
const STAGING_URL: &str = "https://tuf-repo-cdn.sigstage.dev";
const PRODUCTION_ROOT: &[u8] = include_bytes!("../../assets/tuf/production-root.json");
const STAGING_ROOT: &[u8] = include_bytes!("../../assets/tuf/staging-root.json");
/// The TUF target holding the Sigstore trusted root.
pub const TRUSTED_ROOT_TARGET: &str = "trusted_root.json";

// Arguments of `assay trust` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct TrustArgs {
    #[command(subcommand)]
    command: TrustCommand,
}

#[derive(Debug, Subcommand)]
enum TrustCommand {
    /// Fetch and verify the newest trusted root from a TUF repository.
    Update(UpdateArgs),
}

#[derive(Debug, Args)]
struct UpdateArgs {
    /// The TUF repository: an https:// URL, or a local directory (a mirror) [default: the
    /// Sigstore production repository].
    #[arg(long, value_name = "URL|DIR")]
    tuf_url: Option<String>,
    /// Use the Sigstore staging repository and its root.
    #[arg(long, conflicts_with = "tuf_url")]
    staging: bool,
    /// The initial root.json to trust for this repository (required for repositories other
    /// than Sigstore's, the first time).
    #[arg(long, value_name = "FILE")]
    root: Option<PathBuf>,
    /// Judge expiry at this time (Unix seconds) instead of now; for mirrors frozen in time.
    #[arg(long, value_name = "SECONDS", hide = true)]
    at: Option<u64>,
}

/// The trust state directory.
pub fn trust_dir() -> anyhow::Result<PathBuf> {
    if let Some(d) = std::env::var_os("ASSAY_TRUST_DIR") {
        return Ok(PathBuf::from(d));
    }
    let cache = dirs::cache_dir().context("no cache directory; set ASSAY_TRUST_DIR")?;
    Ok(cache.join("assay").join("trust"))
}

/// The state directory for one repository URL.
fn state_dir_for(url: &str) -> anyhow::Result<PathBuf> {
    let name: String = url
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(trust_dir()?.join(name))
}

/// The updated trusted root for the production (or staging) repository, if `trust update`
/// ran.
pub fn updated_root(staging: bool) -> anyhow::Result<Option<PathBuf>> {
    let url = if staging { STAGING_URL } else { PRODUCTION_URL };
    let path = state_dir_for(url)?
        .join("targets")
        .join(TRUSTED_ROOT_TARGET);
    Ok(path.is_file().then_some(path))
}

/// Runs `assay trust`.
pub fn run(args: &TrustArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TrustCommand::Update(a) => update(a),
    }
}

fn update(args: &UpdateArgs) -> anyhow::Result<ExitCode> {
    let (url, default_root) = match (&args.tuf_url, args.staging) {
        (Some(url), _) => (url.clone(), None),
        (None, true) => (STAGING_URL.to_owned(), Some(STAGING_ROOT)),
        (None, false) => (PRODUCTION_URL.to_owned(), Some(PRODUCTION_ROOT)),
    };
    let state = state_dir_for(&url)?;
    // The trusted root in the state wins; the initial one only starts a new state.
    let initial = match (&args.root, default_root) {
        (Some(path), _) => fs_err::read(path)?,
        (None, Some(bytes)) => bytes.to_vec(),
        (None, None) if state.join("root.json").is_file() => Vec::new(),
        (None, None) => anyhow::bail!("--root FILE is needed the first time for {url}"),
    };
    fs_err::create_dir_all(&state)?;
    let now = args
        .at
        .unwrap_or_else(|| crate::cmd::db::now_unix().unsigned_abs());
    let fetcher: Box<dyn Fetch> = if Path::new(&url).is_dir() {
        Box::new(DirFetch::new(&url))
    } else {
        Box::new(HttpFetch::new(&url))
    };
    let mut updater = Updater::new(&state, initial, fetcher, now);
    updater
        .refresh()
        .with_context(|| format!("updating from {url}"))?;
    let dest = state.join("targets").join(TRUSTED_ROOT_TARGET);
    fs_err::create_dir_all(state.join("targets"))?;
    let info = updater
        .download_target(TRUSTED_ROOT_TARGET, &dest)
        .with_context(|| format!("downloading {TRUSTED_ROOT_TARGET} from {url}"))?;
    // Refuse to install a target that is not a trusted root at all.
    assay_attest::keyless::TrustRoot::from_json(&fs_err::read_to_string(&dest)?, &url)
        .with_context(|| format!("{url}: {TRUSTED_ROOT_TARGET} is not a usable trusted root"))?;
    let versions = updater.trusted_versions();
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "Updated {} from {url} ({} bytes; {:?})",
            dest.display(),
            info.length,
            versions
        );
    }
    Ok(crate::exit::ok())
}

/// Reads a TUF repository over HTTP(S).
struct HttpFetch {
    base: String,
    agent: ureq::Agent,
}

impl HttpFetch {
    fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }
}

impl Fetch for HttpFetch {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, FetchError> {
        let url = format!("{}/{path}", self.base);
        let transport = |reason: String| FetchError::Transport {
            reason,
            source: None,
        };
        let mut resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| transport(format!("{url}: {e}")))?;
        match resp.status().as_u16() {
            404 | 403 => return Ok(None),
            200 => {}
            other => return Err(transport(format!("{url}: HTTP {other}"))),
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(max_len.saturating_add(1))
            .read_to_vec()
            .map_err(|e| transport(format!("{url}: {e}")))?;
        Ok(Some(body))
    }
}
