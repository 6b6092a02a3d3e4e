// No console window behind the assistant on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = c1_setup_app::cli::Cli::parse();
    c1_setup_app::cli::run(cli)
}
