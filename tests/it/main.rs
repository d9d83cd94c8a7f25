//! The integration tests, one crate so the test build links Typst once: each module runs
//! the binary or the library as a user would and reads what a user sees.

mod architecture;
mod build;
mod calendar;
mod check;
mod common;
mod coordinator;
mod dashboard;
mod first_hour;
mod formats;
mod forms;
mod hostile;
mod import;
mod installed;
mod law_in_templates;
mod letters;
mod lifecycle;
mod markdown_corpus;
mod parity;
mod privacy;
mod properties;
mod render;
mod report;
mod reviewer;
mod slips;
