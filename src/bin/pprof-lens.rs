//! `pprof-lens`: the command line front door of the core. See `pprof-lens --help`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match pprof_lens::cli::run(&argv) {
        Ok((out, t, timings, status)) => {
            let mut so = std::io::stdout().lock();
            // Invalid UTF-8 the profile holds goes out as the bytes it was.
            if so.write_all(&pprof_lens::rawtext::to_bytes(&out)).and_then(|_| so.flush()).is_err() {
                std::process::exit(1);
            }
            if timings {
                eprintln!(
                    "timings: decode {:.3}s  model {:.3}s  aggregate {:.3}s  report {:.3}s",
                    t.decode.as_secs_f64(),
                    t.model.as_secs_f64(),
                    t.aggregate.as_secs_f64(),
                    t.report.as_secs_f64()
                );
            }
            std::process::exit(status);
        }
        Err(e) => {
            eprintln!("pprof-lens: {}", e.message.replace('\n', " "));
            std::process::exit(1);
        }
    }
}
