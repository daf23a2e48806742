//! `pprof-lens-gen SIZE OUT`: writes a deterministic synthetic profile
//! (gzipped) for benchmarks. SIZE is small, medium or large, or
//! STACKS:FUNCTIONS[:SEED].

use prost::Message;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: pprof-lens-gen small|medium|large|STACKS:FUNCTIONS[:SEED] OUT.pb.gz");
        std::process::exit(2);
    }
    use pprof_lens::synth::{generate, gzip, Spec};
    let spec = match args[0].as_str() {
        "small" => Spec::SMALL,
        "medium" => Spec::MEDIUM,
        "large" => Spec::LARGE,
        s => {
            let n: Vec<u64> = s.split(':').filter_map(|x| x.parse().ok()).collect();
            if n.len() < 2 {
                eprintln!("pprof-lens-gen: bad size {s}");
                std::process::exit(2);
            }
            Spec { stacks: n[0] as usize, functions: n[1] as usize, seed: n.get(2).copied().unwrap_or(7) }
        }
    };
    let raw = generate(spec).encode_to_vec();
    let gz = gzip(&raw, 6);
    if let Err(e) = std::fs::write(&args[1], &gz) {
        eprintln!("pprof-lens-gen: {}: {e}", args[1]);
        std::process::exit(1);
    }
    eprintln!("pprof-lens-gen: wrote {} ({} bytes raw, {} gzipped)", args[1], raw.len(), gz.len());
}
