//! Per-case isolation: a panic while working on one case becomes that case's failure, and
//! the panic hook keeps patient text off stderr.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The environment variable that restores Rust's own panic messages, for debugging.
pub(crate) const DEBUG_VAR: &str = "APPEALPACK_DEBUG";

/// Replaces the default panic message with one that names only the code location.
///
/// A panic while working on a case becomes its case's `failed` outcome, so the default
/// hook's message, which may quote case text, would only repeat it on stderr, where
/// patient data must not appear (CI machines often set `RUST_BACKTRACE`, so that is no
/// opt-in). With `APPEALPACK_DEBUG` set, the default hook is kept. `main` installs it
/// once, for every command.
pub fn install_panic_hook() {
    if debugging() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("error: internal panic{location} ({DEBUG_VAR}=1 shows details)");
    }));
}

/// Returns whether `APPEALPACK_DEBUG` is set.
fn debugging() -> bool {
    std::env::var_os(DEBUG_VAR).is_some()
}

/// Runs one case's work, turning a panic into an error message for that case.
///
/// The message names no case data: a panic's own message may quote it, so it is only
/// added with `APPEALPACK_DEBUG` set.
pub(crate) fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let mut message = "internal error while building this case (a bug in appealpack; \
                           please report it)"
            .to_owned();
        if debugging() {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            message.push_str(&format!(": {detail}"));
        }
        message
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_that_quotes_nothing() {
        assert_eq!(guarded(|| 7), Ok(7));
        let error = guarded(|| panic!("patient Ann Example")).unwrap_err();
        assert!(error.starts_with("internal error"), "{error}");
        if !debugging() {
            assert!(!error.contains("Ann"), "{error}");
        }
    }
}
