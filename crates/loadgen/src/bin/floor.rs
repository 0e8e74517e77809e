//! `loadgen-floor`: the raw-write floor loadgen measures koersbord against (docs/PERFORMANCE.md,
//! "Peers"). A WebSocket relay with no protocol work at all: a socket at `/room/<name>` joins
//! that room, and each frame it sends is framed once and handed to every other socket of the room
//! with one `write` system call each. No parsing, no queue, no task per send, no allocation per
//! recipient: what is left is what any relay that writes once per message per socket must pay.
//!
//! With `--tick-ms N` it is the floor of a relay that gathers (`tick-floor` in loadgen): each
//! frame is still framed once per message, but what a socket is owed waits for the next tick and
//! goes out in one `write` per socket per tick, every message kept (no latest-wins). That is the
//! least any relay that writes once per socket per tick must pay, as koersbord does in a rush.
//!
//! Loopback only, one thread (its cost is that of one core). Not a WebSocket server to use for
//! anything else: it trusts its client (loadgen) to send small, unfragmented frames.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// One socket: written to directly, and only when the kernel's buffer is full through `backlog`,
/// which its own writer task drains (loadgen reads fast, so that is rare).
struct Peer {
    stream: TcpStream,
    backlog: RefCell<Vec<u8>>,
    wake: Notify,
    /// With a tick: the frames owed since the last one, in order.
    pending: RefCell<Vec<u8>>,
}

type Rooms = Rc<RefCell<HashMap<String, Vec<(u64, Rc<Peer>)>>>>;

/// With a tick, the sockets owed frames: the tick writes each one's `pending` at once.
type Owed = Option<Rc<RefCell<Vec<Rc<Peer>>>>>;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut port: u16 = 0;
    let mut tick_ms: Option<u64> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tick-ms" => {
                let ms = args.next().and_then(|v| v.parse().ok());
                tick_ms = Some(
                    ms.filter(|ms| *ms > 0)
                        .expect("--tick-ms takes a number of ms"),
                );
            }
            _ => port = arg.parse().expect("the port is a number"),
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        println!("floor listening on http://{}", listener.local_addr()?);
        let rooms: Rooms = Rc::default();
        let owed: Owed = tick_ms.map(|ms| {
            let owed = Rc::new(RefCell::new(Vec::new()));
            tokio::task::spawn_local(tick(owed.clone(), ms));
            owed
        });
        let mut next_id = 0;
        loop {
            let (stream, _) = listener.accept().await?;
            next_id += 1;
            tokio::task::spawn_local(serve(stream, next_id, rooms.clone(), owed.clone()));
        }
    })
}

/// Every `ms`: each socket owed frames gets them in one `write`.
async fn tick(owed: Rc<RefCell<Vec<Rc<Peer>>>>, ms: u64) {
    let mut every = tokio::time::interval(std::time::Duration::from_millis(ms));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let due = std::mem::take(&mut *owed.borrow_mut());
        for peer in due {
            let bytes = std::mem::take(&mut *peer.pending.borrow_mut());
            write(&peer, &bytes);
        }
    }
}

/// A relayed frame: written now, or with a tick kept for the next one.
fn relay(to: &Rc<Peer>, bytes: &[u8], owed: &Owed) {
    match owed {
        None => write(to, bytes),
        Some(owed) => {
            let mut pending = to.pending.borrow_mut();
            if pending.is_empty() {
                owed.borrow_mut().push(to.clone());
            }
            pending.extend_from_slice(bytes);
        }
    }
}

async fn serve(mut stream: TcpStream, id: u64, rooms: Rooms, owed: Owed) {
    let _ = stream.set_nodelay(true);
    let Some((room, rest)) = handshake(&mut stream).await else {
        return;
    };
    let peer = Rc::new(Peer {
        stream,
        backlog: RefCell::new(Vec::new()),
        wake: Notify::new(),
        pending: RefCell::new(Vec::new()),
    });
    rooms
        .borrow_mut()
        .entry(room.clone())
        .or_default()
        .push((id, peer.clone()));
    tokio::task::spawn_local(drain(peer.clone()));
    read_frames(&peer, id, &room, &rooms, &owed, rest).await;
    if let Some(members) = rooms.borrow_mut().get_mut(&room) {
        members.retain(|(other, _)| *other != id);
    }
    peer.wake.notify_one();
}

/// Reads the HTTP upgrade and answers it; returns the path and any bytes after the request.
async fn handshake(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let end = loop {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let path = head.split(' ').nth(1)?.to_owned();
    let key = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("sec-websocket-key")
            .then(|| value.trim())
    })?;
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    stream.write_all(answer.as_bytes()).await.ok()?;
    Some((path, buf[end..].to_vec()))
}

/// Reads the client's (masked) frames and relays each data frame; ends on close or EOF.
async fn read_frames(
    peer: &Peer,
    id: u64,
    room: &str,
    rooms: &Rooms,
    owed: &Owed,
    mut buf: Vec<u8>,
) {
    let mut out = Vec::with_capacity(256);
    loop {
        while let Some((opcode, payload, used)) = parse(&buf) {
            match opcode {
                1 | 2 => {
                    frame(&mut out, opcode, &payload);
                    if let Some(members) = rooms.borrow().get(room) {
                        for (other, to) in members {
                            if *other != id {
                                relay(to, &out, owed);
                            }
                        }
                    }
                }
                8 => {
                    write(peer, &[0x88, 0]);
                    return;
                }
                9 => {
                    frame(&mut out, 10, &payload);
                    write(peer, &out);
                }
                _ => {}
            }
            buf.drain(..used);
        }
        if peer.stream.readable().await.is_err() {
            return;
        }
        let mut chunk = [0u8; 4096];
        match peer.stream.try_read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}

/// One whole frame at the start of `buf`: its opcode, unmasked payload and length in `buf`.
fn parse(buf: &[u8]) -> Option<(u8, Vec<u8>, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, mut at) = match b1 & 0x7f {
        126 => (u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize, 4),
        127 => (
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let mask: Option<[u8; 4]> = if b1 & 0x80 != 0 {
        let m = buf.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(m)
    } else {
        None
    };
    let mut payload = buf.get(at..at + len)?.to_vec();
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    Some((b0 & 0x0f, payload, at + len))
}

/// A server frame (unmasked, final) into `out`.
fn frame(out: &mut Vec<u8>, opcode: u8, payload: &[u8]) {
    out.clear();
    out.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => out.push(n as u8),
        n if n <= u16::MAX as usize => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
}

/// One `write` system call; whatever the kernel does not take waits in the backlog, in order.
fn write(peer: &Peer, bytes: &[u8]) {
    let mut backlog = peer.backlog.borrow_mut();
    if !backlog.is_empty() {
        backlog.extend_from_slice(bytes);
        return;
    }
    let sent = match peer.stream.try_write(bytes) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => 0,
        Err(_) => return,
    };
    if sent < bytes.len() {
        backlog.extend_from_slice(&bytes[sent..]);
        peer.wake.notify_one();
    }
}

/// Writes out a peer's backlog when the socket takes more; ends when the peer left its room.
async fn drain(peer: Rc<Peer>) {
    loop {
        peer.wake.notified().await;
        while !peer.backlog.borrow().is_empty() {
            if peer.stream.writable().await.is_err() {
                return;
            }
            let mut backlog = peer.backlog.borrow_mut();
            match peer.stream.try_write(&backlog) {
                Ok(n) => {
                    backlog.drain(..n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
        if Rc::strong_count(&peer) == 1 {
            return;
        }
    }
}
