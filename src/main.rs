use std::process::ExitCode;

use clap::Parser;

/// mimalloc: Typst and the YAML parser allocate heavily, and glibc's allocator was a sixth
/// of `check`'s time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = appealpack::cli::Cli::parse();
    appealpack::app::run(cli).into()
}
