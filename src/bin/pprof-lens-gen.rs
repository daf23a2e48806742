//! `pprof-lens-gen SIZE OUT`: writes a deterministic synthetic profile
//! (gzipped) for benchmarks. SIZE is small, medium, large or huge (10M
//! stacks, about 1.3 GB uncompressed: `scripts/bench-huge.sh`), or
//! STACKS:FUNCTIONS[:SEED], or chain:N (one sample whose stack is N
//! distinct functions deep: a call graph of N nodes), or SHAPE-SIZE, a
//! profile of another shape (`synth::shapes`: ordinary, heap, deep, wide,
//! inline or labels; medium or large), e.g. `ordinary-large`.

use prost::Message;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: pprof-lens-gen small|medium|large|huge|STACKS:FUNCTIONS[:SEED]|chain:N|SHAPE-SIZE OUT.pb.gz");
        std::process::exit(2);
    }
    use pprof_lens::synth::{generate, Spec};
    if let Some(n) = args[0].strip_prefix("chain:").and_then(|n| n.parse::<usize>().ok()) {
        let stack: Vec<String> = (0..n).map(|i| format!("main.f{i}")).collect();
        let raw = pprof_lens::synth::folded_profile(&format!("{} 1", stack.join(";")), &[("samples", "count")]);
        write(&args[1], &raw);
        return;
    }
    if let Some((shape, spec)) = pprof_lens::synth::shapes::Shape::parse(&args[0]) {
        write(&args[1], &pprof_lens::synth::shapes::shaped(shape, spec).encode_to_vec());
        return;
    }
    let spec = match args[0].as_str() {
        "small" => Spec::SMALL,
        "medium" => Spec::MEDIUM,
        "large" => Spec::LARGE,
        "huge" => Spec::HUGE,
        s => {
            let n: Vec<u64> = s.split(':').filter_map(|x| x.parse().ok()).collect();
            if n.len() < 2 {
                eprintln!("pprof-lens-gen: bad size {s}");
                std::process::exit(2);
            }
            Spec { stacks: n[0] as usize, functions: n[1] as usize, seed: n.get(2).copied().unwrap_or(7) }
        }
    };
    write(&args[1], &generate(spec).encode_to_vec());
}

fn write(path: &str, raw: &[u8]) {
    let gz = pprof_lens::synth::gzip(raw, 6);
    if let Err(e) = std::fs::write(path, &gz) {
        eprintln!("pprof-lens-gen: {path}: {e}");
        std::process::exit(1);
    }
    eprintln!("pprof-lens-gen: wrote {path} ({} bytes raw, {} gzipped)", raw.len(), gz.len());
}
