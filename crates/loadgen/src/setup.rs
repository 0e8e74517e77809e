//! Setting up a room: its session over HTTP, then its sockets, each said hello and joined.

use crate::config::{PARTICIPANTS, Speaks};
use crate::run::{Ctx, RoomShared, Ws};
use crate::traffic::spawn_socket;
use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{
    ClientMsg, PROTOCOL_VERSION, ProtocolError, ServerMsg, SessionCreated, ws_path,
};
use koersbord_shared::room::Command;
use koersbord_shared::{ParticipantId, Phase, Side};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::client_async_with_config;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// tungstenite's read buffer per socket. Its default (128 KiB, allocated up front and zeroed before
/// every `read`) would cost 1.3 GB and much CPU at 10,000 sockets; the server's frames are small
/// (a relayed drag is about 100 bytes, a welcome a few KiB) and a larger one grows the buffer.
const READ_BUFFER: usize = 4 * 1024;

/// The role a simulated socket plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Facilitator,
    Screen,
    Participant { index: usize, drags: bool },
}

/// Creates the session and opens its sockets; returns their running tasks.
pub(crate) async fn setup_room(
    ctx: Arc<Ctx>,
    index: usize,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let session = create_session(ctx.opts.addr, &format!("Load room {index}")).await?;
    let shared = Arc::new(RoomShared::default());
    let mut tasks = Vec::new();

    let mut fac = open_socket(&ctx, &session.room, &session.facilitator_key).await?;
    send(
        &ctx,
        &mut fac,
        &ClientMsg::Command {
            id: 1,
            op: None,
            command: Command::GoToPhase {
                phase: Phase::Drives,
            },
        },
    )
    .await?;
    wait_for(&ctx, &mut fac, |m| {
        matches!(m, ServerMsg::Ack { id: 1, .. })
    })
    .await?;
    tasks.push(spawn_socket(&ctx, &shared, fac, Part::Facilitator, None));

    let screen = open_socket(&ctx, &session.room, &session.screen_key).await?;
    tasks.push(spawn_socket(&ctx, &shared, screen, Part::Screen, None));

    for p in 0..PARTICIPANTS {
        let mut ws = open_socket(&ctx, &session.room, &session.join_key).await?;
        let side = if p % 2 == 0 {
            Side::Network
        } else {
            Side::Management
        };
        send(
            &ctx,
            &mut ws,
            &ClientMsg::Command {
                id: 1,
                op: None,
                command: Command::Join {
                    name: format!("Load {p}"),
                    side,
                },
            },
        )
        .await?;
        let mut you = None;
        wait_for(&ctx, &mut ws, |m| {
            if let ServerMsg::Joined { you: id, .. } = m {
                you = Some(*id);
            }
            matches!(m, ServerMsg::Ack { id: 1, .. })
        })
        .await?;
        let you = you.ok_or_else(|| anyhow!("ack without joined"))?;
        let drags = p < ctx.opts.draggers;
        if drags {
            shared.track(you);
        }
        tasks.push(spawn_socket(
            &ctx,
            &shared,
            ws,
            Part::Participant { index: p, drags },
            Some(you),
        ));
    }
    Ok(tasks)
}

/// A room on a peer relay: the same 10 sockets (a facilitator's, a screen's, 8 participants'),
/// each only connected to `/room/<index>`; participants are numbered 1 to 8.
pub(crate) async fn setup_relay_room(
    ctx: Arc<Ctx>,
    index: usize,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let shared = Arc::new(RoomShared::default());
    let path = format!("/room/{index}");
    let mut tasks = Vec::new();
    for part in [Part::Facilitator, Part::Screen] {
        let ws = connect(ctx.opts.addr, &path).await?;
        tasks.push(spawn_socket(&ctx, &shared, ws, part, None));
    }
    let mut participants = Vec::new();
    for p in 0..PARTICIPANTS {
        let you = ParticipantId(p as u32 + 1);
        let drags = p < ctx.opts.draggers;
        if drags {
            shared.track(you);
        }
        let ws = connect(ctx.opts.addr, &path).await?;
        participants.push((ws, Part::Participant { index: p, drags }, you));
    }
    for (ws, part, you) in participants {
        tasks.push(spawn_socket(&ctx, &shared, ws, part, Some(you)));
    }
    Ok(tasks)
}

/// The protocol version a koersbord server speaks: ours, unless it answers a hello with
/// `version_mismatch` (a server from before protocol 2), then the one it names. The hello names
/// no room, so it costs the server nothing but the socket.
pub async fn probe_version(addr: SocketAddr) -> Result<u32> {
    let mut ws = connect(addr, "/ws").await?;
    let hello = ClientMsg::Hello {
        protocol_version: PROTOCOL_VERSION,
        room: "probe".into(),
        key: "probe".into(),
        participant_key: None,
        preview: false,
    };
    ws.send(Message::text(hello.encode())).await?;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .context("no answer to the version probe")?
            .ok_or_else(|| anyhow!("closed before answering the version probe"))??;
        if let Message::Text(text) = frame {
            return Ok(match ServerMsg::decode(&text) {
                Ok(ServerMsg::Error {
                    error: ProtocolError::VersionMismatch { server, .. },
                }) => server,
                _ => PROTOCOL_VERSION,
            });
        }
    }
}

/// `POST /api/sessions` over a plain HTTP/1.1 connection: a new session titled `title`, as the
/// start page makes one. The cluster's load makes its rooms with it too, through the proxy.
pub async fn create_session(addr: SocketAddr, title: &str) -> Result<SessionCreated> {
    let body = serde_json::json!({ "title": title }).to_string();
    let host = match addr.ip() {
        IpAddr::V6(_) => format!("[{}]:{}", addr.ip(), addr.port()),
        IpAddr::V4(_) => addr.to_string(),
    };
    let request = format!(
        "POST /api/sessions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.context("connect for HTTP")?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .context("POST /api/sessions timed out")??;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("no HTTP answer"))?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if status != "201" {
        bail!(
            "POST /api/sessions answered {status}: {body} (a raised --sessions-per-hour and \
             --sessions-burst on the server avoids 429)"
        );
    }
    // The server answers with Content-Length (no chunking) for these small bodies; a proxy may
    // frame it otherwise, so only what lies between the outer braces is read.
    let json = body.trim_start_matches(|c: char| c != '{');
    let json = &json[..json.rfind('}').map_or(json.len(), |i| i + 1)];
    serde_json::from_str(json).with_context(|| format!("session body {json:?}"))
}

/// Opens a WebSocket to `path`.
async fn connect(addr: SocketAddr, path: &str) -> Result<Ws> {
    let stream = TcpStream::connect(addr)
        .await
        .context("connect for WebSocket")?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{addr}{path}");
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (ws, _) = client_async_with_config(url, stream, Some(config))
        .await
        .map_err(|e| {
            anyhow!("upgrade refused: {e} (a 429 means --max-sockets-per-address is too low)")
        })?;
    Ok(ws)
}

/// Connects, says hello with `key`, waits for the welcome.
async fn open_socket(ctx: &Ctx, room: &str, key: &str) -> Result<Ws> {
    let mut ws = connect(ctx.opts.addr, &ws_path(room)).await?;
    let protocol_version = match ctx.opts.speaks {
        Speaks::Koersbord { protocol_version } => protocol_version,
        Speaks::Relay => bail!("a relay has no hello"),
    };
    send(
        ctx,
        &mut ws,
        &ClientMsg::Hello {
            protocol_version,
            room: room.to_owned(),
            key: key.to_owned(),
            participant_key: None,
            preview: false,
        },
    )
    .await?;
    wait_for(ctx, &mut ws, |m| matches!(m, ServerMsg::Welcome { .. })).await?;
    Ok(ws)
}

async fn send(ctx: &Ctx, ws: &mut Ws, msg: &ClientMsg) -> Result<()> {
    ws.send(Message::text(msg.encode())).await?;
    ctx.totals.msgs_out.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// Reads until `done` says so; `error` and `rejected` fail.
async fn wait_for(ctx: &Ctx, ws: &mut Ws, mut done: impl FnMut(&ServerMsg) -> bool) -> Result<()> {
    let deadline = Duration::from_secs(20);
    loop {
        let frame = tokio::time::timeout(deadline, ws.next())
            .await
            .context("no answer within 20 s")?
            .ok_or_else(|| anyhow!("closed during setup"))??;
        let Message::Text(text) = frame else {
            if let Message::Close(c) = frame {
                bail!("closed during setup: {c:?}");
            }
            continue;
        };
        ctx.totals.msgs_in.fetch_add(1, Ordering::Relaxed);
        let msg = ServerMsg::decode(&text).map_err(|e| anyhow!("{e}"))?;
        match &msg {
            ServerMsg::Error { error } => bail!("error during setup: {error:?}"),
            ServerMsg::Rejected { reason, .. } => bail!("rejected during setup: {reason:?}"),
            _ => {}
        }
        if done(&msg) {
            return Ok(());
        }
    }
}
