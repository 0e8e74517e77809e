//! `cargo xtask`: the project's build chores, so a contributor needs nothing but cargo.
//!
//! - `cargo xtask build`: the wasm client into `dist/` (see `client.rs`).
//! - `cargo xtask serve [server args...]`: build the client, run the server on it.
//! - `cargo xtask test [-- test args...]`: lint, build, every test, the browser tests included.

mod browser;
mod client;
mod compress;
mod html;
mod lockfile;
mod serve;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  build                  build the wasm client into dist/ (wasm-bindgen, index.html, gzip, brotli)
  serve [server args]    build the client, then run the server on it (release build);
                         args go to the server, e.g. `cargo xtask serve --port 3000`
  test [-- test args]    lint (fmt, clippy), build client and server, run every test
                         including the browser tests; args after `--` go to the test binaries
  help                   this text
";

fn main() -> ExitCode {
    util::install_interrupt_handler();
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("build") => {
            util::header("build the client (wasm)");
            client::build().map(|_| ())
        }
        Some("serve") => serve::serve(&rest),
        Some("test") => test::test(&rest),
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprint!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err:#}");
            if util::interrupted() {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
