//! Measures appealpack's throughput on generated cases and prints the figures.
//!
//! `cargo bench --bench throughput` (N cases, default 10,000: `APPEALPACK_BENCH_CASES=N`).

mod generate;

use std::time::Instant;

use appealpack::batch;
use appealpack::discover::discover;
use appealpack::evidence::EvidenceLibrary;
use appealpack::fields::Date;

fn main() {
    let count: usize = std::env::var("APPEALPACK_BENCH_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    generate::write_cases(dir.path(), count);
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let library = EvidenceLibrary::from_file(&templates.join("evidence.yaml")).unwrap();
    let today = Date::parse("2026-11-26").unwrap();
    let cases = dir.path().join("cases");

    println!("check: {count} generated cases");
    for threads in [1, rayon::current_num_threads()] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        // One warm-up pass fills the page cache, then the best of three is reported.
        let mut best = f64::MAX;
        for _ in 0..4 {
            let start = Instant::now();
            let checked = pool.install(|| {
                let found = discover(&cases).unwrap();
                batch::check_all(found, today, &library)
            });
            assert_eq!(checked.len(), count);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "  {threads} thread(s): {:>8.0} cases/s ({:.3} s)",
            count as f64 / best,
            best
        );
    }
}
