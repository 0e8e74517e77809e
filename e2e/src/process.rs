//! Child processes that never outlive the test.
//!
//! A browser test that dies without cleaning up leaves chromedriver and some twenty Chromium
//! processes behind. So every child here starts in a process group of its own, which is killed as
//! a whole (SIGKILL) when the [`Group`] is dropped: on success, on error and on panic. For the
//! deaths that run no destructor (Ctrl-C on `cargo test`, a test binary killed by a timeout), a
//! small watchdog (`sh`, in a process group of its own as well, so a Ctrl-C does not reach it)
//! waits on a pipe from this process; when the pipe closes, because we exited in whatever way,
//! it kills the group.

use anyhow::{Context, Result};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process and its process group, killed together on drop.
pub struct Group {
    child: Child,
    watchdog: Option<(Child, ChildStdin)>,
}

impl Group {
    /// Starts `cmd` as the leader of a new process group and arms the watchdog.
    pub fn spawn(mut cmd: Command) -> Result<Group> {
        let program = cmd.get_program().to_string_lossy().into_owned();
        let child = cmd
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {program}"))?;
        let pgid = child.id();
        let watchdog = Command::new("/bin/sh")
            .arg("-c")
            // `read` returns when the pipe closes: we dropped the Group or died.
            .arg(format!("read -r _; kill -KILL -{pgid} 2>/dev/null"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ok()
            .and_then(|mut w| {
                let stdin = w.stdin.take()?;
                Some((w, stdin))
            });
        Ok(Group { child, watchdog })
    }

    /// The process id of the leader, which is also the process group id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Whether the leader is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends `signal` to the whole group.
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: killpg has no memory-safety preconditions; the group is ours.
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, signal);
        }
    }

    /// SIGTERM to the group, then SIGKILL if the leader has not exited within `grace`.
    pub fn stop(&mut self, grace: Duration) {
        self.signal(libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if !self.is_running() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    /// SIGKILL to the whole group, and reap the leader.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
        let _ = self.child.wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        if let Some((mut watchdog, stdin)) = self.watchdog.take() {
            drop(stdin);
            let _ = watchdog.wait();
        }
    }
}
