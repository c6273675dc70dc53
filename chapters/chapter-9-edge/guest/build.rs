//! A handler lives for one request: a 64 KiB stack is plenty (Rust's default
//! is 1 MiB). With it, the memory an instance touches lies in its first few
//! pages, which the server's pool keeps resident from one request to the next.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-zstack-size=65536");
}
