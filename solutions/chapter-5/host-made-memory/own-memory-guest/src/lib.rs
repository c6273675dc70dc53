//! Exercise `host-made-memory`: the same guest, linked as usual: it makes its
//! own memory and imports none. The host must say so, not crash.

#[path = "../../guest/src/lib.rs"]
mod guest;
