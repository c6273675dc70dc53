//! Every integration test of the workbook, in one test binary (as Wasmtime's
//! own `tests/all/` does): the hosts, the xtask binary and chapter 3's size
//! ladder are built once per `cargo test`, not once per file. A module per area.

mod book;
mod chapter_1;
mod chapter_10;
mod chapter_11;
mod chapter_2;
mod chapter_3;
mod chapter_4;
mod chapter_5;
mod chapter_6;
mod chapter_7;
mod chapter_8;
mod chapter_9;
mod chapters;
mod commands;
mod grading;
mod teachers;
mod toolchain;
