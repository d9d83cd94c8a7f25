use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = appealpack::cli::Cli::parse();
    appealpack::app::run(cli).into()
}
