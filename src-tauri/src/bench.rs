//! Benchmark markers: with `C1_SETUP_BENCH` set, the assistant prints
//! `bench: <event>` on stdout at each start-up phase, where the benchmark
//! (`scripts/bench`) timestamps it.

/// True when started for the benchmark.
pub fn benchmark_mode() -> bool {
    std::env::var_os("C1_SETUP_BENCH").is_some()
}

/// Prints the marker for `event` in benchmark mode; nothing otherwise.
#[allow(clippy::print_stdout)] // the markers are read from stdout
pub fn mark(event: &str) {
    if benchmark_mode() {
        println!("bench: {event}");
    }
}

/// Prints the page's timeline as `bench-page: <event> <ms>` in benchmark mode.
#[allow(clippy::print_stdout)] // the markers are read from stdout
pub fn page_marks(marks: &[(String, f64)]) {
    if benchmark_mode() {
        for (event, ms) in marks {
            let event: String = event
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            println!("bench-page: {event} {ms:.1}");
        }
    }
}
