//! A hostile guest: it looks for the host's secrets in its environment and
//! its arguments.

// ANCHOR: main
fn main() {
    println!("environment: I read the host's environment variables");
    let vars: Vec<(String, String)> = std::env::vars().collect();
    println!("  {} environment variables", vars.len());
    for name in ["HOME", "PATH", "AWS_SECRET_ACCESS_KEY"] {
        println!("  {name}: {:?}", std::env::var(name).ok());
    }
    let args: Vec<String> = std::env::args().collect();
    println!("  arguments: {args:?}");
}
// ANCHOR_END: main
