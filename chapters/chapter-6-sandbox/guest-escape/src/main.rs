//! A hostile guest: it tries to read files outside the folder it was given.
//! The host grants it a folder; next to that folder lies `secret.txt`, and
//! inside it `link-out` is a symbolic link to that secret.

// ANCHOR: main
fn main() {
    println!("escape: I read outside the folder I was given");
    for path in [
        "config.txt",           // inside the folder: allowed
        "../secret.txt",        // up and out
        "/etc/passwd",          // an absolute path
        "link-out",             // a symbolic link that points outside
        "sub/../../secret.txt", // down, then out
    ] {
        match std::fs::read_to_string(path) {
            Ok(text) => println!("  read {path:?}: {:?}", text.trim()),
            Err(err) => println!("  read {path:?}: refused ({:?})", err.kind()),
        }
    }
    // The folder is granted read-only: writing is refused too.
    match std::fs::write("planted.txt", "gotcha") {
        Ok(()) => println!("  write \"planted.txt\": written"),
        Err(err) => println!("  write \"planted.txt\": refused ({:?})", err.kind()),
    }
}
// ANCHOR_END: main
