//! A hostile guest: it sleeps for an hour. A sleep is a call into the host
//! (WASI's `poll_oneoff`), where the guest's deadline does not reach.

// ANCHOR: main
fn main() {
    println!("sleep: I wait in the host for an hour");
    std::thread::sleep(std::time::Duration::from_secs(3600));
    println!("sleep: I am back");
}
// ANCHOR_END: main
