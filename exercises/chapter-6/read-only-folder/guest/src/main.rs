//! Read `config.txt` from the folder the host lends, then try to get out of
//! it, and to write into it.

fn main() {
    match std::fs::read_to_string("config.txt") {
        Ok(config) => println!("config: {}", config.trim()),
        Err(err) => println!("config.txt: {:?}", err.kind()),
    }
    for path in ["../secret.txt", "link-out"] {
        match std::fs::read_to_string(path) {
            Ok(text) => println!("{path}: read {:?}", text.trim()),
            Err(err) => println!("{path}: refused ({:?})", err.kind()),
        }
    }
    match std::fs::write("planted.txt", "gotcha") {
        Ok(()) => println!("write planted.txt: written"),
        Err(err) => println!("write planted.txt: refused ({:?})", err.kind()),
    }
}
