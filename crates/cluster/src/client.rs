//! The WebSocket plumbing the load uses, always through the proxy (sessions are made with
//! loadgen's `create_session`, through the proxy too).

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use koersbord_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg, ws_path};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{WebSocketStream, client_async};

pub type Ws = WebSocketStream<TcpStream>;

/// The proxy's header naming the hub that answered (see `haproxy::config`).
pub const HUB_HEADER: &str = "x-koersbord-hub";

/// Opens `/ws?room=ROOM` through the proxy; returns the socket and the hub behind it.
pub async fn connect(front: SocketAddr, room: &str) -> Result<(Ws, String)> {
    let stream = tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(front))
        .await
        .context("connect timed out")??;
    stream.set_nodelay(true)?;
    let url = format!("ws://{front}{}", ws_path(room));
    let (ws, response) = tokio::time::timeout(Duration::from_secs(3), client_async(url, stream))
        .await
        .context("upgrade timed out")??;
    let hub = response
        .headers()
        .get(HUB_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    Ok((ws, hub))
}

pub async fn send(ws: &mut Ws, msg: &ClientMsg) -> Result<()> {
    ws.send(Message::text(msg.encode())).await?;
    Ok(())
}

pub fn hello(room: &str, key: &str, participant_key: Option<&str>) -> ClientMsg {
    ClientMsg::Hello {
        protocol_version: PROTOCOL_VERSION,
        room: room.to_owned(),
        key: key.to_owned(),
        participant_key: participant_key.map(str::to_owned),
        preview: false,
    }
}

/// The next server message within `wait`; a close, an end or a timeout is an error.
pub async fn recv(ws: &mut Ws, wait: Duration) -> Result<ServerMsg> {
    loop {
        let frame = tokio::time::timeout(wait, ws.next())
            .await
            .context("no answer in time")?
            .ok_or_else(|| anyhow!("socket ended"))??;
        match frame {
            Message::Text(text) => return ServerMsg::decode(&text).map_err(|e| anyhow!("{e}")),
            Message::Close(c) => bail!("closed: {c:?}"),
            _ => {}
        }
    }
}
