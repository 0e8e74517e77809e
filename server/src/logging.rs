//! Logging to stderr, filtered by `RUST_LOG`. Capability keys must never reach a log: ours never
//! name them, and the WebSocket library's frame dumps (`tungstenite` at trace level, which print
//! every hello and welcome with its keys) are dropped whatever `RUST_LOG` asks for.

use tracing::{Level, Metadata};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{FilterExt, LevelFilter, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};

/// Whether an event may be logged at all: not the socket library's frame dumps.
fn never_frames(meta: &Metadata<'_>) -> bool {
    let socket_library =
        meta.target().starts_with("tungstenite") || meta.target().starts_with("tokio_tungstenite");
    !(socket_library && *meta.level() == Level::TRACE)
}

/// [`never_frames`] as a filter. Its level hint says it enables nothing by level, so the combined
/// hint stays `RUST_LOG`'s: without one the `log` crate's global level stays at TRACE and every
/// library trace record is built and then dropped (4 % of the server's CPU under a drag load).
fn never_frames_filter<S>() -> impl tracing_subscriber::layer::Filter<S> {
    filter_fn(never_frames).with_max_level_hint(LevelFilter::TRACE)
}

/// The server's subscriber: `filter` (usually from `RUST_LOG`) writing to `writer`. Install it with
/// `tracing_subscriber::util::SubscriberInitExt::init`, which also routes the `log` records of
/// libraries through it (and through the same filters).
pub fn subscriber<W>(writer: W, filter: EnvFilter, ansi: bool) -> impl tracing::Subscriber
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(ansi)
        .with_filter(filter.and(never_frames_filter()));
    tracing_subscriber::registry().with(layer)
}

/// `RUST_LOG`, or `info` without it.
pub fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Subscriber;

    /// The combined hint is what `init` gives the `log` crate as its global level: at `info`,
    /// libraries' debug and trace records must not even be built.
    #[test]
    fn the_level_hint_is_rust_logs() {
        let subscriber = subscriber(std::io::sink, EnvFilter::new("info"), false);
        assert_eq!(subscriber.max_level_hint(), Some(LevelFilter::INFO));
    }
}
