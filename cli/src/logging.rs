//! Logs go to stderr and to a daily file in the platform log directory.
//! Nothing secret is ever logged: credentials are `Secret`s, whose Debug and
//! Display print `[redacted]`.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// The default: the assistant's own crates in detail, everything else at info.
const DEFAULT_FILTER: &str = "info,c1_setup_core=debug,c1_setup_cli=debug,c1_setup_app=debug";

/// Lines waiting to be written to the log file.
const LOG_QUEUE_LINES: usize = 512;

/// Starts logging. Keep the guard alive until exit so the file is flushed.
pub fn init() -> Option<WorkerGuard> {
    // `C1_SETUP_LOG` takes the same syntax without regular expressions
    // (e.g. `debug` or `info,c1_setup_core=trace`), which keeps the binary small.
    let filter = std::env::var("C1_SETUP_LOG")
        .ok()
        .and_then(|spec| spec.parse::<Targets>().ok())
        .unwrap_or_else(|| DEFAULT_FILTER.parse().unwrap_or_default());
    let stderr = fmt::layer().with_writer(std::io::stderr).with_target(false);

    let file = c1_setup_core::paths::log_dir().and_then(|dir| {
        std::fs::create_dir_all(&dir).ok()?;
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .max_log_files(7)
            .filename_prefix("c1-setup")
            .filename_suffix("log")
            .build(dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            // The default queue holds 128,000 lines and allocates all of it up
            // front (4 MiB, measured in docs/benchmarks.md); the assistant logs
            // a few lines per action. When the queue is full, the caller waits
            // rather than a line being lost.
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(LOG_QUEUE_LINES)
                .lossy(false)
                .finish(appender);
            (
                Some(fmt::layer().with_writer(writer).with_ansi(false)),
                Some(guard),
            )
        }
        None => (None, None),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .try_init();
    guard
}
