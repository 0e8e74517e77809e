//! With the `embed` feature the built client in `../dist/` goes into the binary: check it is there
//! (with a message that says how to make it) and rebuild when it changes.

fn main() {
    if std::env::var_os("CARGO_FEATURE_EMBED").is_none() {
        return;
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dist = std::path::Path::new(&manifest).join("../dist");
    // A directory: cargo then looks at every file below it.
    println!("cargo::rerun-if-changed={}", dist.display());
    if !dist.join("index.html").is_file() {
        panic!(
            "the `embed` feature embeds the built client, but {} has no index.html: run \
             `cargo xtask dist` (or `cargo xtask build` first)",
            dist.display()
        );
    }
}
