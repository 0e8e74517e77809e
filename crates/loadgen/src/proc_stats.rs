//! The server's CPU time and memory, read from `/proc/<pid>/stat` and `/proc/<pid>/status`.

use anyhow::{Context, Result, anyhow};
use std::time::Instant;

/// One reading of a process.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub at: Instant,
    /// utime + stime, in clock ticks.
    pub cpu_ticks: u64,
    /// Resident memory, in KiB.
    pub rss_kib: u64,
}

/// Reads `pid`'s CPU ticks and resident memory now.
pub fn sample(pid: u32) -> Result<Sample> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
    let rest = &stat[stat.rfind(')').ok_or_else(|| anyhow!("odd stat"))? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Field 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name.
    let utime: u64 = fields.get(11).ok_or_else(|| anyhow!("no utime"))?.parse()?;
    let stime: u64 = fields.get(12).ok_or_else(|| anyhow!("no stime"))?.parse()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok(Sample {
        at: Instant::now(),
        cpu_ticks: utime + stime,
        rss_kib,
    })
}

/// CPU use between two samples, in percent of one core (200 % = both cores of a 2-core machine).
pub fn cpu_percent(from: &Sample, to: &Sample) -> f64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let secs = to.at.duration_since(from.at).as_secs_f64().max(1e-9);
    (to.cpu_ticks.saturating_sub(from.cpu_ticks)) as f64 / hz / secs * 100.0
}
