//! Paths, running commands, Ctrl-C, formatting.

use anyhow::{Context, Result, bail};
use std::borrow::BorrowMut;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The workspace root: two levels above this crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask lies two levels below the workspace root")
        .to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
}

/// Where the client is written.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// A `cargo` command run from the workspace root, with the cargo that runs us.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(args).current_dir(root());
    cmd
}

/// Runs a command with inherited stdio and fails unless it succeeds.
pub fn run(mut cmd: impl BorrowMut<Command>) -> Result<()> {
    let cmd = cmd.borrow_mut();
    let status = status(cmd)?;
    check(cmd, status)
}

/// Runs a command with inherited stdio and returns its exit status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    println!("$ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", show(cmd)))?;
    Ok(status)
}

/// Turns a finished command's status into an error unless it succeeded.
pub fn check(cmd: &Command, status: ExitStatus) -> Result<()> {
    if interrupted() {
        bail!("interrupted");
    }
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(())
}

/// The command line as one would type it (without the environment).
pub fn show(cmd: &Command) -> String {
    let program = cmd.get_program().to_string_lossy();
    let program = if Path::new(&*program).is_absolute() && program.ends_with("/cargo") {
        "cargo".into()
    } else {
        program
    };
    std::iter::once(program)
        .chain(cmd.get_args().map(|a| a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Ctrl-C reaches the whole foreground process group: the child we wait for gets it too and
/// stops (a server shuts down cleanly). We only note it, wait for the child, and then stop instead
/// of going on to the next stage. A handler (not SIG_IGN) so that children get the default back.
pub fn install_interrupt_handler() {
    let handler = on_interrupt as extern "C" fn(libc::c_int);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
    }
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// `1.2 KiB`, `252.1 KiB`, `1.3 MiB`.
pub fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.2} MiB", b / KIB / KIB)
    }
}

/// `0.4s`, `12.3s`, `3m05s`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// A stage header that stands out in a long log.
pub fn header(title: &str) {
    println!(
        "\n==== {title} {}",
        "=".repeat(70usize.saturating_sub(title.len()))
    );
}

/// Installs Debian `packages` with apt when we are root; otherwise stops with the command to run,
/// saying `why` they are needed.
pub fn apt_install(packages: &[&str], why: &str) -> Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        anyhow::bail!(
            "{why}; install them with:\n\n    sudo apt-get update && sudo apt-get install -y {}\n",
            packages.join(" ")
        );
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(2048), "2.0 KiB");
        assert_eq!(size(3 * 1024 * 1024), "3.00 MiB");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(duration(Duration::from_secs(185)), "3m05s");
    }

    #[test]
    fn root_holds_the_workspace() {
        assert!(root().join("Cargo.toml").is_file());
        assert!(root().join("crates/xtask").is_dir());
    }
}
