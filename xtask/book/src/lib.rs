//! The heavy half of the workbook's machinery, in a crate of its own so that
//! `cargo xtask run` never compiles it:
//!
//! | module | holds |
//! | --- | --- |
//! | [`book`] | generating the book's includes, building it with mdbook, its lint and link checks, serving it |
//! | [`size`] | chapter 3's size ladder: building, measuring and running every rung; the table, chart and largest functions |
//! | [`game`] | chapter 10's pictures (a real game's paths, drawn) and figures (`cargo xtask bench game --quick`) |
//! | [`vms`] | chapter 7's benchmark (`cargo xtask bench`): every VM and native code measured in one run; tables and charts |

pub mod book;
pub mod game;
pub mod size;
pub mod vms;
