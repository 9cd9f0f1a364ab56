//! A spinner on stderr for long scans: shown only when stderr is a terminal and `-q` is off.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static QUIET: OnceLock<bool> = OnceLock::new();

/// Records `-q` for every later progress display.
pub fn init(quiet: bool) {
    let _ = QUIET.set(quiet);
}

/// A named sequence of stages ("reading layers", "cataloging", ...).
#[derive(Debug)]
pub struct Progress(ProgressBar);

impl Progress {
    /// A spinner, hidden when quiet or when stderr is not a terminal.
    pub fn start(first: &str) -> Self {
        let visible = !QUIET.get().copied().unwrap_or(false) && std::io::stderr().is_terminal();
        let bar = if visible {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(first.to_owned());
        Self(bar)
    }

    /// Moves to the next stage.
    pub fn stage(&self, msg: &str) {
        self.0.set_message(msg.to_owned());
    }

    /// Shows download progress of `what`.
    pub fn bytes(&self, what: &str, done: u64, total: Option<u64>) {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let msg = match total {
            Some(t) => format!("downloading {what}: {:.1} / {:.1} MiB", mib(done), mib(t)),
            None => format!("downloading {what}: {:.1} MiB", mib(done)),
        };
        self.0.set_message(msg);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
