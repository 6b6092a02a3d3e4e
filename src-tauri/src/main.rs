// No console window behind the assistant on Windows release builds; a
// subcommand started from a terminal attaches to that terminal instead.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use c1_setup_cli::console;
use clap::Parser;

fn main() -> ExitCode {
    c1_setup_app::bench_mark("main");
    let args: Vec<_> = std::env::args_os().collect();
    if console::wants_terminal(&args) {
        console::attach_parent_console();
    }
    match c1_setup_cli::Cli::parse_from(args).command {
        None => c1_setup_app::run_window(),
        Some(command) => c1_setup_cli::run(command),
    }
}
