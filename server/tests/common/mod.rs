//! A real server on 127.0.0.1:0 in this process, a minimal HTTP/1.1 client and a WebSocket client
//! that speaks protocol v1.
#![allow(dead_code)] // Each test binary uses its own part of this module.

pub mod binary;
mod http_client;

pub use http_client::{HttpResponse, http};

use futures_util::{SinkExt, StreamExt};
use koersbord_server::{Config, Monitor, Server, Tuning};
use koersbord_shared::protocol::{
    ClientMsg, PROTOCOL_VERSION, ProtocolError, ServerMsg, SessionCreated,
};
use koersbord_shared::room::{Command, RoomState};
use koersbord_shared::{ParticipantId, Side};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Long enough for a loaded CI machine, short enough that a missing message fails fast.
pub const WAIT: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub addr: SocketAddr,
    /// Where `GET /metrics` is served, when the config has `metrics_bind`.
    pub metrics_addr: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    pub task: Option<JoinHandle<anyhow::Result<()>>>,
    pub monitor: Monitor,
    /// What it was started with, its database path included, for [`TestServer::restart`].
    pub config: Config,
    /// The temporary directory of the database, kept as long as any server of this test uses it.
    _dir: Option<Arc<tempfile::TempDir>>,
}

/// The production defaults, except that tests, all from 127.0.0.1, may create many sessions.
pub fn test_config() -> Config {
    let mut config = Config::default();
    config.tuning.sessions_burst = 1_000.0;
    config
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::with(test_config()).await
    }

    pub async fn with_tuning(tune: impl FnOnce(&mut Tuning)) -> TestServer {
        let mut config = test_config();
        tune(&mut config.tuning);
        TestServer::with(config).await
    }

    /// A server on `config`; without a `db` it gets a fresh database in a temporary directory.
    pub async fn with(mut config: Config) -> TestServer {
        if config.dist == Config::default().dist {
            // Never pick up a real dist/ from the working directory.
            config.dist = Some("/nonexistent/koersbord-dist".into());
        }
        let mut dir = None;
        if config.db.is_none() {
            let d = tempfile::tempdir().unwrap();
            config.db = Some(d.path().join("db.sqlite3"));
            dir = Some(Arc::new(d));
        }
        TestServer::launch(config, dir).await
    }

    async fn launch(config: Config, dir: Option<Arc<tempfile::TempDir>>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = Server::open(config.clone(), listener).await.unwrap();
        let monitor = server.monitor();
        let metrics_addr = monitor.metrics_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            metrics_addr,
            stop: Some(stop),
            task: Some(task),
            monitor,
            config,
            _dir: dir,
        }
    }

    /// Stops this server cleanly and starts a new one on the same database (on a new port).
    pub async fn restart(mut self) -> TestServer {
        self.stop().await.expect("serve ends cleanly");
        TestServer::launch(self.config.clone(), self._dir.clone()).await
    }

    /// Asks the server to stop and returns how its `serve` call ended.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task.take().unwrap())
            .await
            .expect("serve returns after shutdown")
            .unwrap()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub async fn http(&self, method: &str, path: &str, body: Option<&str>) -> HttpResponse {
        http(self.addr, method, path, &[], body).await
    }

    /// `GET /metrics` on the metrics listener; panics if the server has none.
    pub async fn scrape(&self) -> HttpResponse {
        let addr = self.metrics_addr.expect("started with metrics_bind");
        http(addr, "GET", "/metrics", &[], None).await
    }

    /// `POST /api/join-code` with `code` as typed.
    pub async fn lookup_code(&self, code: &str) -> HttpResponse {
        let body = serde_json::json!({ "code": code }).to_string();
        self.http("POST", "/api/join-code", Some(&body)).await
    }

    pub async fn create_session(&self) -> SessionCreated {
        create_session(self.addr).await
    }

    pub async fn client(&self) -> Client {
        Client::connect(&self.ws_url()).await
    }

    /// A client that said hello with `key` and read its welcome and presence.
    pub async fn hello(
        &self,
        room: &str,
        key: &str,
        participant_key: Option<&str>,
    ) -> (Client, ServerMsg) {
        hello(&self.ws_url(), room, key, participant_key).await
    }

    /// [`TestServer::hello`] in protocol `version` (1 or 2).
    pub async fn hello_at(&self, version: u32, room: &str, key: &str) -> (Client, ServerMsg) {
        hello_at(&self.ws_url(), version, room, key, None).await
    }

    /// A participant who joined: the client, their id and their participant key.
    pub async fn joined(
        &self,
        s: &SessionCreated,
        name: &str,
        side: Side,
    ) -> (Client, ParticipantId, String) {
        self.joined_at(PROTOCOL_VERSION, s, name, side).await
    }

    /// [`TestServer::joined`] in protocol `version`.
    pub async fn joined_at(
        &self,
        version: u32,
        s: &SessionCreated,
        name: &str,
        side: Side,
    ) -> (Client, ParticipantId, String) {
        let (mut c, _) = self.hello_at(version, &s.room, &s.join_key).await;
        let (you, key) = c.join(name, side).await;
        (c, you, key)
    }
}

/// Creates a session on the server at `addr`.
pub async fn create_session(addr: SocketAddr) -> SessionCreated {
    let r = http(
        addr,
        "POST",
        "/api/sessions",
        &[],
        Some(r#"{"title":"Test","ambition":"Samen"}"#),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// A client at `url` that said hello with `key` and read its welcome and presence.
pub async fn hello(
    url: &str,
    room: &str,
    key: &str,
    participant_key: Option<&str>,
) -> (Client, ServerMsg) {
    hello_at(url, PROTOCOL_VERSION, room, key, participant_key).await
}

/// [`hello`] in protocol `version`.
pub async fn hello_at(
    url: &str,
    version: u32,
    room: &str,
    key: &str,
    participant_key: Option<&str>,
) -> (Client, ServerMsg) {
    let mut c = Client::connect(url).await;
    c.send(ClientMsg::Hello {
        protocol_version: version,
        room: room.into(),
        key: key.into(),
        participant_key: participant_key.map(String::from),
        preview: false,
    })
    .await;
    let welcome = c.recv().await;
    assert!(matches!(welcome, ServerMsg::Welcome { .. }), "{welcome:?}");
    let presence = c.recv().await;
    assert!(
        matches!(presence, ServerMsg::Presence { .. }),
        "{presence:?}"
    );
    (c, welcome)
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Client {
    pub ws: Socket,
}

/// How a socket ended, as the client saw it.
#[derive(Debug, PartialEq)]
pub enum Closed {
    Frame(u16, String),
    /// The TCP connection ended without a close frame.
    Abrupt,
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url.into_client_request().unwrap())
            .await
            .unwrap();
        Client { ws }
    }

    pub fn from_socket(ws: Socket) -> Client {
        Client { ws }
    }

    pub async fn send(&mut self, msg: ClientMsg) {
        self.send_text(&msg.encode()).await;
    }

    /// Sends, returning the error instead of failing when the socket is gone.
    pub async fn try_send(
        &mut self,
        msg: ClientMsg,
    ) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.ws.send(Message::text(msg.encode())).await
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    pub async fn hello(&mut self, room: &str, key: &str, participant_key: Option<&str>) {
        self.send(ClientMsg::Hello {
            protocol_version: PROTOCOL_VERSION,
            room: room.into(),
            key: key.into(),
            participant_key: participant_key.map(String::from),
            preview: false,
        })
        .await;
    }

    /// Joins as command 1 and waits for its `joined` and `ack`: who we are, and the personal key.
    pub async fn join(&mut self, name: &str, side: Side) -> (ParticipantId, String) {
        let join = Command::Join {
            name: name.into(),
            side,
        };
        self.command(1, join).await;
        let ServerMsg::Joined {
            you,
            participant_key,
        } = self
            .recv_until(|m| matches!(m, ServerMsg::Joined { .. }))
            .await
        else {
            unreachable!("recv_until returns what it waited for")
        };
        self.recv_until(|m| matches!(m, ServerMsg::Ack { id: 1, .. }))
            .await;
        (you, participant_key)
    }

    pub async fn command(&mut self, id: u64, command: Command) {
        self.send(ClientMsg::Command {
            id,
            op: None,
            command,
        })
        .await;
    }

    /// The next protocol message; panics on a close or after [`WAIT`].
    pub async fn recv(&mut self) -> ServerMsg {
        match self.next(WAIT).await {
            Some(Ok(msg)) => msg,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// The next protocol message within `wait`: `None` on timeout, `Err` when the socket closed.
    pub async fn next(&mut self, wait: Duration) -> Option<Result<ServerMsg, Closed>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()?;
            return Some(match frame {
                Some(Ok(Message::Text(text))) => Ok(decode_server_msg(&text)),
                Some(Ok(Message::Close(Some(f)))) => {
                    Err(Closed::Frame(f.code.into(), f.reason.to_string()))
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => Err(Closed::Abrupt),
                Some(Ok(_)) => continue,
            });
        }
    }

    /// Reads until a message matches, returning it.
    pub async fn recv_until(&mut self, mut pred: impl FnMut(&ServerMsg) -> bool) -> ServerMsg {
        loop {
            let msg = self.recv().await;
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// Reads until the socket closes and returns how, skipping messages.
    pub async fn closed(&mut self) -> Closed {
        loop {
            match self.next(WAIT).await {
                Some(Ok(_)) => continue,
                Some(Err(closed)) => {
                    // Reading on lets tungstenite send its answer to the close, as a browser does.
                    let _ = tokio::time::timeout(WAIT, self.ws.next()).await;
                    return closed;
                }
                None => panic!("socket still open after {WAIT:?}"),
            }
        }
    }

    /// Asserts nothing arrives for `wait`.
    pub async fn quiet_for(&mut self, wait: Duration) {
        if let Some(msg) = self.next(wait).await {
            panic!("expected silence, got {msg:?}");
        }
    }

    /// Sends a command the room always refuses (a join with an empty name) and returns every
    /// message received before its answer. The room handles its inbox in order, so this proves it
    /// handled everything this socket sent earlier.
    pub async fn barrier(&mut self, id: u64) -> Vec<ServerMsg> {
        let join = Command::Join {
            name: String::new(),
            side: Side::Network,
        };
        self.command(id, join).await;
        let mut before = Vec::new();
        loop {
            match self.recv().await {
                ServerMsg::Rejected { id: i, .. } if i == id => return before,
                other => before.push(other),
            }
        }
    }
}

/// Reads a server message, failing the test on anything unreadable.
pub fn decode_server_msg(text: &str) -> ServerMsg {
    ServerMsg::decode(text).expect("a readable server message")
}

/// Expects a fatal error, then a close frame with `code`.
pub async fn expect_fatal(c: &mut Client, error: ProtocolError, code: u16) {
    assert_eq!(c.recv().await, ServerMsg::Error { error });
    match c.closed().await {
        Closed::Frame(got, _) => assert_eq!(got, code),
        Closed::Abrupt => panic!("no close frame"),
    }
}

/// Expects the goodbye of a server that is shutting down: `shutting_down`, then close 1001.
pub async fn expect_shutdown(c: &mut Client) {
    let error = c.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert_eq!(
        error,
        ServerMsg::Error {
            error: ProtocolError::ShuttingDown
        }
    );
    assert_eq!(
        c.closed().await,
        Closed::Frame(1001, "shutting_down".into())
    );
}

/// The room as a fresh facilitator welcome shows it, as JSON: equal strings mean the same room,
/// byte for byte.
pub async fn room_bytes(server: &TestServer, s: &SessionCreated) -> String {
    let (_f, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    serde_json::to_string(state_of(&welcome)).unwrap()
}

/// Waits until `done` holds, failing after [`WAIT`].
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn state_of(welcome: &ServerMsg) -> &RoomState {
    match welcome {
        ServerMsg::Welcome { state, .. } => state,
        other => panic!("not a welcome: {other:?}"),
    }
}
