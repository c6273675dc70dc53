//! Chapter 5, the guest with an imported memory: the very same code as
//! `chapter-5-guest`, compiled again. Only the linking differs (see build.rs):
//! this module imports the memory it works in, which the host creates.

#[path = "../../guest/src/lib.rs"]
mod guest;
