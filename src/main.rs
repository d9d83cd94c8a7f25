//! Process-wide setup only: the allocator, the panic hook, and the exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: Typst and the YAML parser allocate heavily, and glibc's allocator was a sixth
/// of `check`'s time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    appealpack::isolate::install_panic_hook();
    let cli = appealpack::cli::Cli::parse();
    appealpack::cmd::run(cli).into()
}
