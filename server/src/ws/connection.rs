//! One WebSocket from hello to goodbye. The socket is split: a reader turns frames into messages for
//! the room, a writer drains the connection's queue (filled by the room) into the socket. Both run
//! in one `select!`, so when either ends, or the room drops us, or the server stops, the other ends
//! too and the socket gets a typed goodbye.
//!
//! The connection holds only a weak handle to its own queue: the room holds the strong one, so when
//! the room drops the connection (too slow) or ends (its store failed), the queue closes and the
//! writer notices.

use super::ORGANISER_RESERVE;
use super::budget::{Budget, Verdict};
use super::ending::{Ending, goodbye, oversized, read_error, too_large};
use super::gate::Gate;
use super::route::{Route, route};
use crate::App;
use crate::config::Tuning;
use crate::metrics::labels::{DragDrop, PENDING};
use crate::metrics::{self, Held, Traffic};
use crate::room::hub::{ConnId, Frame, RoomMsg, now_ms};
use crate::room::{RoomHandle, lease};
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{
    ClientMsg, OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION, ProtocolError, Role, ServerMsg, Undecoded,
};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::sync::mpsc::WeakSender;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

pub(super) type Sink = SplitSink<WebSocket, Message>;
pub(super) type Stream = SplitStream<WebSocket>;

/// How often a hello is retried against a room that unloaded just as it arrived.
const OPEN_ATTEMPTS: usize = 3;

/// `url_room`: the room named in the socket's address, if any (see `ws::Address`).
pub(crate) async fn run(socket: WebSocket, app: App, url_room: Option<String>) {
    let (mut sink, mut stream) = socket.split();
    let conn = app.rooms.next_conn_id();
    let traffic = Traffic::new();
    // Counted as pending until the room welcomes it; the room counts it by role from then on.
    let mut pending = Some(metrics::socket(PENDING));
    let ending = tokio::select! {
        ending = live(&mut sink, &mut stream, &app, conn, &traffic, &mut pending, url_room) => ending,
        _ = Gate::new(app.shutdown.cancelled()) => Ending::ShuttingDown,
    };
    goodbye(&mut sink, &mut stream, ending, conn, &traffic).await;
}

/// Tells the room a connection is gone, however its task ends (a `select!` may drop it anywhere).
struct Attached {
    room: RoomHandle,
    conn: ConnId,
}

impl Drop for Attached {
    fn drop(&mut self) {
        self.room.leave(self.conn);
    }
}

async fn live(
    sink: &mut Sink,
    stream: &mut Stream,
    app: &App,
    conn: ConnId,
    traffic: &Traffic,
    pending: &mut Option<Held>,
    url_room: Option<String>,
) -> Ending {
    let tuning = &app.config.tuning;
    let hello = match timeout(tuning.hello_timeout, first_text(stream, traffic)).await {
        Err(_) => return Ending::Fatal(ProtocolError::HelloFirst),
        Ok(Err(ending)) => return ending,
        Ok(Ok(text)) => text,
    };
    let hello = match read_hello(&hello) {
        Ok(hello) => hello,
        Err(e) => return Ending::Fatal(e),
    };
    if url_room.is_some_and(|room| room != hello.room) {
        return Ending::Fatal(ProtocolError::RoomMismatch);
    }
    let kick = CancellationToken::new();
    let mut attempts = 0;
    // This socket's place among the room's; given back however the socket ends.
    let mut slot = None;
    let (room, out, mut queue, welcome) = loop {
        attempts += 1;
        let room = match app.rooms.open(&hello.room).await {
            Ok(Some(room)) => room,
            Ok(None) => return Ending::Fatal(ProtocolError::UnknownRoom),
            Err(StoreError::HeldElsewhere { left_ms }) => {
                return Ending::Fatal(ProtocolError::Elsewhere {
                    retry_ms: lease::retry_ms(left_ms),
                });
            }
            Err(e) => {
                tracing::error!(conn, error = %e, "cannot open a room");
                return Ending::Fatal(ProtocolError::StorageUnavailable);
            }
        };
        let Some(role) = room.role_for(&hello.key) else {
            return Ending::Fatal(ProtocolError::BadKey);
        };
        // Counted only once the key is good: a stranger learns nothing about a room's sockets.
        if slot.is_none() {
            let tuning = &app.config.tuning;
            let cap = match role {
                Role::Participant => tuning.room_connections,
                Role::Facilitator | Role::Screen => tuning.room_connections + ORGANISER_RESERVE,
            };
            match app.room_sockets.try_take(&hello.room, cap) {
                Some(taken) => slot = Some(taken),
                None => return Ending::Fatal(ProtocolError::TooManyConnections),
            }
        }
        let (out, mut queue) = mpsc::channel(tuning.outgoing_queue);
        let weak = out.downgrade();
        let connect = RoomMsg::Connect {
            conn,
            protocol_version: hello.protocol_version,
            role,
            participant_key: hello.participant_key.clone(),
            preview: hello.preview,
            out,
            kick: kick.clone(),
        };
        // The room answers with a welcome. If it unloaded just as it took our message, the queue
        // closes unanswered; the room is then out of the registry and opening it loads it anew.
        if room.send(connect).await
            && let Some(welcome) = queue.recv().await
        {
            break (room, weak, queue, welcome);
        }
        if attempts == OPEN_ATTEMPTS {
            return Ending::ServerError;
        }
    };
    let _slot = slot;
    let _attached = Attached {
        room: room.clone(),
        conn,
    };
    *pending = None;
    traffic.sent(1, welcome.len());
    if sink.send(Message::Text(welcome)).await.is_err() {
        return Ending::Gone;
    }
    // The writer is woken for every frame; the reader and the kick wait behind one gate, so those
    // wake-ups do not poll them too (see `Gate`).
    let quiet = Gate::new(async {
        tokio::select! {
            ending = read(stream, &room, conn, &out, tuning, traffic) => ending,
            _ = kick.cancelled() => Ending::Fatal(ProtocolError::TooSlow),
        }
    });
    let ending = tokio::select! {
        ending = write(sink, &mut queue, tuning.ping_interval, traffic) => ending,
        ending = quiet => ending,
    };
    // The room cancels the kick, then lets go of the queue: whichever the select saw first.
    if kick.is_cancelled() {
        Ending::Fatal(ProtocolError::TooSlow)
    } else if let Some(error) = room.ended_with() {
        Ending::Fatal(error)
    } else {
        ending
    }
}

/// The first text frame. Control frames may come before it; anything else is not a hello.
async fn first_text(stream: &mut Stream, traffic: &Traffic) -> Result<String, Ending> {
    loop {
        match stream.next().await {
            None | Some(Ok(Message::Close(_))) => return Err(Ending::Gone),
            Some(Err(e)) => return Err(read_error(&e)),
            Some(Ok(message)) if oversized(&message) => return Err(too_large()),
            Some(Ok(Message::Text(text))) => {
                traffic.received(text.len());
                return Ok(text.as_str().to_owned());
            }
            Some(Ok(Message::Binary(bytes))) => {
                traffic.received(bytes.len());
                return Err(Ending::Fatal(ProtocolError::HelloFirst));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
        }
    }
}

/// What a valid hello asks for.
struct Hello {
    protocol_version: u32,
    room: String,
    key: String,
    participant_key: Option<String>,
    preview: bool,
}

/// Checks a hello's shape and protocol version (any the server still speaks); the room and key
/// are checked against the room.
fn read_hello(hello: &str) -> Result<Hello, ProtocolError> {
    let Ok(ClientMsg::Hello {
        protocol_version,
        room,
        key,
        participant_key,
        preview,
    }) = ClientMsg::decode(hello)
    else {
        return Err(match ClientMsg::decode(hello) {
            Err(Undecoded::Frame(e @ ProtocolError::TooLarge { .. })) => e,
            _ => ProtocolError::HelloFirst,
        });
    };
    if !(OLDEST_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&protocol_version) {
        return Err(ProtocolError::VersionMismatch {
            client: protocol_version,
            server: PROTOCOL_VERSION,
        });
    }
    Ok(Hello {
        protocol_version,
        room,
        key,
        participant_key,
        preview,
    })
}

/// Reads until the client leaves, misbehaves beyond repair or goes quiet.
async fn read(
    stream: &mut Stream,
    room: &RoomHandle,
    conn: ConnId,
    out: &WeakSender<Frame>,
    tuning: &Tuning,
    traffic: &Traffic,
) -> Ending {
    let mut budget = Budget::new(tuning, Instant::now());
    // Two deadlines. Any frame, a pong to our ping included, proves the line: silence past
    // `idle_timeout` is a line that is gone (a phone in a lift), closed within seconds. Only a
    // message proves the page: a browser answers pings below the page, but a tab the browser
    // slows to one timer a minute still sends its own ping that often, so `page_timeout` is long.
    let start = tokio::time::Instant::now();
    let (mut line_until, mut page_until) =
        (start + tuning.idle_timeout, start + tuning.page_timeout);
    loop {
        let deadline = line_until.min(page_until);
        let message = match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => return Ending::Idle,
            Ok(None) => return Ending::Gone,
            Ok(Some(Err(e))) => return read_error(&e),
            Ok(Some(Ok(message))) if oversized(&message) => return too_large(),
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => {
                traffic.received(text.len());
                Some(text)
            }
            Message::Binary(bytes) => {
                traffic.received(bytes.len());
                None
            }
            Message::Close(_) => return Ending::Gone,
            // tungstenite answers pings itself; a pong says the line is there.
            Message::Ping(_) | Message::Pong(_) => {
                line_until = tokio::time::Instant::now() + tuning.idle_timeout;
                continue;
            }
        };
        line_until = tokio::time::Instant::now() + tuning.idle_timeout;
        page_until = tokio::time::Instant::now() + tuning.page_timeout;
        let now = Instant::now();
        match budget.admit(now) {
            Verdict::Pass => {}
            Verdict::Drop { warn } => {
                if warn {
                    tell(out, ProtocolError::SlowDown);
                }
                continue;
            }
            Verdict::Close => return Ending::Fatal(ProtocolError::SlowDown),
        }
        let Some(text) = text else {
            tell(
                out,
                ProtocolError::Malformed {
                    detail: "binary frames are not part of the protocol".into(),
                },
            );
            continue;
        };
        let msg = match ClientMsg::decode(&text) {
            Ok(msg) => msg,
            Err(Undecoded::Frame(e)) if e.is_fatal() => return Ending::Fatal(e),
            Err(Undecoded::Frame(e)) => {
                tell(out, e);
                continue;
            }
            // Answered by the room, so it comes in order with the answers to earlier commands.
            Err(Undecoded::Command { id, reason }) => {
                if !room.send(RoomMsg::Undecodable { conn, id, reason }).await {
                    return Ending::ServerError;
                }
                continue;
            }
        };
        match route(msg, conn, now_ms()) {
            Route::Room(msg) => {
                // A room that stopped taking messages has ended under us.
                if !room.send(msg).await {
                    return Ending::ServerError;
                }
            }
            Route::Drag(msg) => {
                if !budget.relay_drag(now) {
                    traffic.drag_dropped(DragDrop::Rate);
                } else if !room.try_send(msg) {
                    traffic.drag_dropped(DragDrop::InboxFull);
                }
            }
            Route::Reply(reply) => {
                if let ServerMsg::Error { error } = &*reply {
                    metrics::refusal(metrics::labels::protocol_code(error));
                }
                send_own(out, *reply)
            }
            Route::Nothing => traffic.drag_dropped(DragDrop::OffBoard),
        }
    }
}

/// Sends a frame to this connection only, unless its queue is full (then the room drops it anyway).
fn send_own(out: &WeakSender<Frame>, msg: ServerMsg) {
    if let Some(out) = out.upgrade() {
        let _ = out.try_send(Frame::from(msg.encode()));
    }
}

/// Sends a non-fatal error to this connection.
fn tell(out: &WeakSender<Frame>, error: ProtocolError) {
    metrics::refusal(metrics::labels::protocol_code(&error));
    send_own(out, ServerMsg::Error { error });
}

/// Drains the queue into the socket, batching what is already waiting into one flush, and pings
/// now and then so proxies keep the socket open and a dead peer is noticed.
async fn write(
    sink: &mut Sink,
    queue: &mut mpsc::Receiver<Frame>,
    ping_every: Duration,
    traffic: &Traffic,
) -> Ending {
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    loop {
        let sent = tokio::select! {
            frame = queue.recv() => match frame {
                Some(frame) => send_batch(sink, frame, queue, traffic).await,
                // The room let go of us: it dropped us for being slow (see the kick) or it ended.
                None => return Ending::ServerError,
            },
            _ = ping.tick() => sink.send(Message::Ping(Bytes::new())).await,
        };
        if sent.is_err() {
            return Ending::Gone;
        }
    }
}

async fn send_batch(
    sink: &mut Sink,
    first: Frame,
    queue: &mut mpsc::Receiver<Frame>,
    traffic: &Traffic,
) -> Result<(), axum::Error> {
    // Counted once per batch: one pair of atomic adds however many frames were waiting.
    let (mut frames, mut bytes) = (1, first.len());
    sink.feed(Message::Text(first)).await?;
    while let Ok(frame) = queue.try_recv() {
        frames += 1;
        bytes += frame.len();
        sink.feed(Message::Text(frame)).await?;
    }
    traffic.sent(frames, bytes);
    sink.flush().await
}
