//! `cargo xtask`: the project's build chores, so a contributor needs nothing but cargo.
//!
//! - `cargo xtask build`: the wasm client into `dist/` (see `client.rs`).
//! - `cargo xtask serve [server args...]`: build the client, run the server on it.
//! - `cargo xtask dist`: one self-contained release binary with the client embedded.
//! - `cargo xtask test [-- test args...]`: lint, build, every test, the browser tests included.
//! - `cargo xtask floor-client`: the smallest participant's first screen this stack allows, measured.
//!
//! Each command's stages and the tools they need are in `plan.rs`: whatever a stage uses from
//! outside the workspace (rustup's wasm target, rustfmt, clippy, Chromium) is ensured first.

mod axe;
mod browser;
mod client;
mod compress;
mod dist;
mod engines;
mod floor_client;
mod html;
mod lockfile;
mod plan;
mod report;
mod serve;
mod stages;
mod styles;
mod test;
mod toolchain;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  build                  build the wasm client into dist/ (wasm-bindgen, index.html, gzip, brotli)
  serve [server args]    build the client, then run the server on it (release build);
                         args go to the server, e.g. `cargo xtask serve --port 3000`
  dist                   one self-contained release binary, target/release/koersbord, with
                         the client embedded: copy it anywhere and run it
  test [-- test args]    lint (fmt, clippy), build client and server, run every test
                         including the browser tests; args after `--` go to the test binaries
  floor-client           build crates/floor-client (a join form over a WebSocket) with and
                         without the protocol's decoding and print its sizes
  help                   this text
";

fn main() -> ExitCode {
    util::install_interrupt_handler();
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("build") => stages::run_plan("build", plan::BUILD, &rest),
        Some("dist") => stages::run_plan("dist", plan::DIST, &rest),
        Some("serve") => stages::run_plan("serve", plan::SERVE, &rest),
        Some("test") => stages::run_plan("test", plan::TEST, &rest),
        Some("floor-client") => stages::run_plan("floor-client", plan::FLOOR_CLIENT, &rest),
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
