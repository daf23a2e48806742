//! decode → model → aggregate → report (top, traces, flame layout) on
//! arbitrary bytes, with query variants chosen by the first byte. Must never
//! panic, hang or allocate without bound (limits are lowered so the fuzzer
//! can reach them). The body is `pprof_lens::synth::exercise`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pprof_lens::synth::exercise(data));
