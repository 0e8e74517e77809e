//! Logging to stderr, filtered by `RUST_LOG`. Capability keys must never reach a log: ours never
//! name them, and the WebSocket library's frame dumps (`tungstenite` at trace level, which print
//! every hello and welcome with its keys) are dropped whatever `RUST_LOG` asks for. Text for
//! people, or JSON lines for a log collector (`--log-format json`), behind the same filters.

use tracing::{Level, Metadata};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{FilterExt, LevelFilter, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `message` and the event's
    /// fields at the top level, and the spans it is in.
    Json,
}

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

/// The server's subscriber, in text: `filter` (usually from `RUST_LOG`) writing to `writer`.
/// Install it with `tracing_subscriber::util::SubscriberInitExt::init`, which also routes the
/// `log` records of libraries through it (and through the same filters).
pub fn subscriber<W>(writer: W, filter: EnvFilter, ansi: bool) -> impl tracing::Subscriber
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    subscriber_as(LogFormat::Text, writer, filter, ansi)
}

/// [`subscriber`] in `format`. JSON never has colours, whatever `ansi` says: escape codes would
/// end up inside its strings.
pub fn subscriber_as<W>(
    format: LogFormat,
    writer: W,
    filter: EnvFilter,
    ansi: bool,
) -> impl tracing::Subscriber
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // Boxed, so both formats are one type; the cost is one indirect call per event that passed
    // the filters, none for the many that did not.
    let layer: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(ansi)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(writer)
            .with_ansi(false)
            .boxed(),
    };
    tracing_subscriber::registry().with(layer.with_filter(filter.and(never_frames_filter())))
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
        let json = subscriber_as(
            LogFormat::Json,
            std::io::sink,
            EnvFilter::new("info"),
            false,
        );
        assert_eq!(json.max_level_hint(), Some(LevelFilter::INFO));
    }

    /// Lines written to a shared buffer.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    use std::sync::{Arc, Mutex};

    #[test]
    fn json_lines_carry_level_and_message_and_still_drop_the_socket_librarys_frames() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = subscriber_as(
            LogFormat::Json,
            move || writer.clone(),
            EnvFilter::new("trace"),
            true,
        );
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(rooms = 3, "stopped");
            tracing::trace!(target: "tungstenite::protocol", "frame with a key");
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let mut parsed = text.lines().map(serde_json::from_str::<serde_json::Value>);
        let line = parsed.next().expect("one line").expect("JSON");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["message"], "stopped");
        assert_eq!(line["rooms"], 3);
        assert!(parsed.next().is_none(), "the frame dump was logged: {text}");
        assert!(!text.contains('\u{1b}'), "colour codes in JSON: {text}");
    }
}
