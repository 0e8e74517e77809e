//! The chaos the cluster is tested under, shared by the short test and the long `soak`: rounds of
//! kill -9 and restart of the busiest hub, then SIGSTOP of another for longer than a lease and
//! SIGCONT, under the verifying load; then the checks.

use crate::check::{Verdict, check};
use crate::report::{Recovery, recovery};
use crate::{Cluster, Load, LoadOptions};
use anyhow::{Result, bail};
use std::fmt::Write;
use std::time::Duration;
use tokio::time::{Instant, sleep};

#[derive(Clone, Debug)]
pub struct ScenarioOptions {
    pub load: LoadOptions,
    /// Kill-and-restart rounds, and a pause after every `kills_per_pause` of them.
    pub rounds: usize,
    pub kills_per_pause: usize,
    /// How long a killed hub stays dead, and how long a paused one stays stopped (longer than the
    /// 3 s lease, so another hub may take its rooms).
    pub dead: Duration,
    pub paused: Duration,
    /// Restart the proxy after the kills and pauses: every tunnel is cut and each room's clients
    /// come back to the hub its hash names, taking the room over from the hub that held it.
    pub restart_proxy: bool,
    /// Quiet time after each event, for clients to settle (and rooms to move back).
    pub settle: Duration,
}

impl ScenarioOptions {
    /// The short run of the test command: 6 rooms, two kills and one pause, about 40 s.
    pub fn short() -> ScenarioOptions {
        ScenarioOptions {
            load: LoadOptions {
                rooms: 6,
                participants: 8,
                pace: Duration::from_millis(400),
            },
            rounds: 2,
            kills_per_pause: 2,
            dead: Duration::from_secs(3),
            paused: Duration::from_secs(5),
            settle: Duration::from_secs(4),
            restart_proxy: true,
        }
    }
}

/// What a run measured.
pub struct Run {
    pub verdict: Verdict,
    pub kills: Vec<(String, Recovery)>,
    pub pauses: Vec<(String, Recovery)>,
    pub proxy_restarts: Vec<(String, Recovery)>,
    pub clients: usize,
    pub sessions: usize,
    pub elsewhere: u32,
    pub took: Duration,
}

impl Run {
    /// The longest any client cut off by a killed hub took to be welcomed again.
    pub fn worst_kill_recovery(&self) -> Duration {
        self.kills.iter().map(|k| k.1.max).max().unwrap_or_default()
    }

    /// Whether every kill and pause hit some clients (else the run proved nothing).
    pub fn all_hit(&self) -> bool {
        let events = self
            .kills
            .iter()
            .chain(&self.pauses)
            .chain(&self.proxy_restarts);
        events.clone().count() > 0 && events.into_iter().all(|k| k.1.hit > 0)
    }

    /// Clients cut off by a killed hub that never came back.
    pub fn lost_after_kill(&self) -> usize {
        self.kills.iter().map(|k| k.1.hit - k.1.back).sum()
    }

    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} clients, {:.0} s, {} connections (welcomes), {} elsewhere answers\n",
            self.clients,
            self.took.as_secs_f64(),
            self.sessions,
            self.elsewhere
        );
        for (what, list) in [
            ("kill -9", &self.kills),
            ("SIGSTOP", &self.pauses),
            ("restart of", &self.proxy_restarts),
        ] {
            for (hub, r) in list {
                let _ = writeln!(
                    out,
                    "  {what} {hub}: {} clients cut off, {} back; back after {} ms (median), \
                     {} ms (95 %), {} ms (slowest)",
                    r.hit,
                    r.back,
                    r.quantile(0.5).as_millis(),
                    r.quantile(0.95).as_millis(),
                    r.max.as_millis()
                );
            }
        }
        out + &self.verdict.summary()
    }
}

pub async fn run(cluster: &mut Cluster, opts: &ScenarioOptions) -> Result<Run> {
    let started = Instant::now();
    let load = Load::start(cluster.front_addr(), &opts.load).await?;
    let mut kills = Vec::new();
    let mut pauses = Vec::new();
    sleep(opts.settle).await;
    for round in 0..opts.rounds {
        // The busiest, not always the same: a restarted hub gets no rooms back until their
        // clients reconnect, so killing it again would hit nobody.
        let victim = busiest(&load, cluster, None)?;
        let at = Instant::now();
        cluster.kill_hub(victim);
        sleep(opts.dead).await;
        tokio::task::block_in_place(|| cluster.restart_hub(victim))?;
        sleep(opts.settle).await;
        kills.push((crate::haproxy::hub_name(victim), at));
        if (round + 1) % opts.kills_per_pause.max(1) == 0 {
            let victim = busiest(&load, cluster, Some(victim))?;
            let at = Instant::now();
            cluster.pause_hub(victim);
            sleep(opts.paused).await;
            cluster.resume_hub(victim);
            sleep(opts.settle).await;
            pauses.push((crate::haproxy::hub_name(victim), at));
        }
    }
    let mut proxy_restarts = Vec::new();
    if opts.restart_proxy {
        let at = Instant::now();
        tokio::task::block_in_place(|| cluster.restart_proxy())?;
        sleep(opts.settle).await;
        proxy_restarts.push(("haproxy".to_owned(), at));
    }
    let clients = load.clients();
    let reports = load.stop().await;
    let verdict = check(cluster.database_url(), &reports).await?;
    let measure = |list: Vec<(String, Instant)>| -> Vec<(String, Recovery)> {
        list.into_iter()
            .map(|(hub, at)| {
                let r = recovery(&reports, hub.starts_with("hub-").then_some(&*hub), at);
                (hub, r)
            })
            .collect()
    };
    Ok(Run {
        verdict,
        kills: measure(kills),
        pauses: measure(pauses),
        proxy_restarts: measure(proxy_restarts),
        clients,
        sessions: reports.iter().map(|r| r.sessions.len()).sum(),
        elsewhere: reports.iter().map(|r| r.elsewhere).sum(),
        took: started.elapsed(),
    })
}

/// The hub (index) holding the most clients now, other than `not`.
fn busiest(load: &Load, cluster: &Cluster, not: Option<usize>) -> Result<usize> {
    let per = load.clients_per_hub();
    let best = (0..cluster.hubs())
        .filter(|i| Some(*i) != not)
        .max_by_key(|i| per.get(&crate::haproxy::hub_name(*i)).copied().unwrap_or(0));
    match best {
        Some(i) => Ok(i),
        None => bail!("no hub to harm"),
    }
}
