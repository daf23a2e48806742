//! Deterministic generator of big, realistically shaped profiles (placeholder until written).
