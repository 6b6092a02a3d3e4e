// No console window behind the assistant on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match c1_setup_cli::Cli::parse().command {
        None => c1_setup_app::run_window(),
        Some(command) => c1_setup_cli::run(command),
    }
}
