//! One WebSocket to the server, kept alive: it says hello with the link's key, reconnects with capped
//! exponential backoff and jitter when the line drops, and gives up only on a fatal refusal.
//!
//! A line can die without the socket closing (a phone in a lift, a Wi-Fi hand-over: the browser
//! keeps the socket "open" and traffic silently stops). So the heartbeat expects an answer: a ping
//! that no frame follows within `ANSWER_WITHIN_MS` means the line is dead, and we drop the socket
//! ourselves and reconnect at once.

use gloo_timers::callback::{Interval, Timeout};
use koersbord_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Open,
    /// The line dropped; another attempt is scheduled.
    Retrying,
    /// The server refused us for good (unknown room, bad key, old version): no more attempts.
    Refused,
}

/// Who we say we are in `hello`.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub room: String,
    pub key: String,
    pub participant_key: Option<String>,
    /// Opened as the facilitator's preview of the shared screen (see `route::is_preview`).
    pub preview: bool,
}

type OnMessage = Rc<dyn Fn(ServerMsg)>;
type OnStatus = Rc<dyn Fn(Status)>;

struct Inner {
    credentials: Credentials,
    ws: Option<WebSocket>,
    attempt: u32,
    refused: bool,
    on_message: OnMessage,
    on_status: OnStatus,
    retry: Option<Timeout>,
    /// The server asked us to wait at least this long before the next attempt (`elsewhere`).
    not_before_ms: u32,
    heartbeat: Option<Interval>,
    /// When we sent the oldest ping that no frame has followed yet (ms, browser clock). Any frame
    /// clears it: a busy line needs no pong to prove it is alive.
    unanswered_since: Option<f64>,
    /// When the last ping went out.
    last_ping: f64,
    /// Keeps the socket's callbacks alive as long as the socket.
    callbacks: Vec<Box<dyn std::any::Any>>,
    /// The window's `online` listener: when the device says the network is back, we try at once
    /// rather than wait out the backoff.
    _online: Option<Closure<dyn FnMut()>>,
}

#[derive(Clone)]
pub struct Connection(Rc<RefCell<Inner>>);

/// The heartbeat looks at the line this often; cheap (a comparison), and it bounds how late a
/// missed answer is noticed.
const TICK_MS: u32 = 500;
/// How often we ping: keeps the clock estimate fresh, keeps the server from closing us as idle
/// (its `idle_timeout` is three of these), and finds a dead line. About 40 bytes each way.
const PING_EVERY_MS: f64 = 2_000.0;
/// A ping with no frame after it for this long means the line is dead even if the socket says
/// open. Far above a normal round trip (tens of ms, a few hundred on a poor mobile link), and short
/// enough that a dead line is noticed within `PING_EVERY_MS + ANSWER_WITHIN_MS + TICK_MS` = 4.5 s.
/// Measured from a ping we sent, not from the last frame, so a background tab whose timers the
/// browser slows down is not taken for a dead line.
const ANSWER_WITHIN_MS: f64 = 2_000.0;
const MAX_BACKOFF_MS: f64 = 10_000.0;

impl Connection {
    pub fn open(
        credentials: Credentials,
        on_message: impl Fn(ServerMsg) + 'static,
        on_status: impl Fn(Status) + 'static,
    ) -> Connection {
        let conn = Connection(Rc::new(RefCell::new(Inner {
            credentials,
            ws: None,
            attempt: 0,
            refused: false,
            not_before_ms: 0,
            on_message: Rc::new(on_message),
            on_status: Rc::new(on_status),
            retry: None,
            heartbeat: None,
            unanswered_since: None,
            last_ping: 0.0,
            callbacks: Vec::new(),
            _online: None,
        })));
        let me = conn.clone();
        let online = Closure::<dyn FnMut()>::new(move || me.retry_now());
        if let Some(window) = web_sys::window() {
            let _ =
                window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
        conn.0.borrow_mut()._online = Some(online);
        conn.connect();
        conn
    }

    /// Remembers the key a successful join gave us, for the next hello.
    pub fn set_participant_key(&self, key: String) {
        self.0.borrow_mut().credentials.participant_key = Some(key);
    }

    /// Sends a message if the line is open. Returns whether it went out.
    pub fn send(&self, msg: &ClientMsg) -> bool {
        let inner = self.0.borrow();
        match &inner.ws {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => {
                ws.send_with_str(&msg.encode()).is_ok()
            }
            _ => false,
        }
    }

    /// Tries again now instead of waiting out the backoff (the user asked to).
    pub fn retry_now(&self) {
        let waiting = {
            let mut inner = self.0.borrow_mut();
            inner.ws.is_none() && !inner.refused && inner.retry.take().is_some()
        };
        if waiting {
            self.connect();
        }
    }

    /// Stops for good: the server said this link will never work.
    pub fn refuse(&self) {
        let mut inner = self.0.borrow_mut();
        inner.refused = true;
        inner.retry = None;
        inner.heartbeat = None;
        if let Some(ws) = inner.ws.take() {
            let _ = ws.close();
        }
        let on_status = inner.on_status.clone();
        drop(inner);
        on_status(Status::Refused);
    }

    fn connect(&self) {
        let url = ws_url(&self.0.borrow().credentials.room);
        let status = self.0.borrow().on_status.clone();
        status(Status::Connecting);
        let Ok(ws) = WebSocket::new(&url) else {
            self.schedule_retry();
            return;
        };

        let me = self.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || me.on_open());
        let me = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                me.0.borrow_mut().unanswered_since = None;
                match ServerMsg::decode(&text) {
                    Ok(msg) => {
                        let handler = me.0.borrow().on_message.clone();
                        handler(msg);
                    }
                    Err(err) => {
                        web_sys::console::warn_1(&format!("unreadable message: {err}").into())
                    }
                }
            }
        });
        let me = self.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_ev: CloseEvent| me.on_close());
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        let mut inner = self.0.borrow_mut();
        inner.ws = Some(ws);
        inner.callbacks = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
    }

    fn on_open(&self) {
        let hello = {
            let mut inner = self.0.borrow_mut();
            inner.attempt = 0;
            inner.unanswered_since = None;
            let c = &inner.credentials;
            ClientMsg::Hello {
                protocol_version: PROTOCOL_VERSION,
                room: c.room.clone(),
                key: c.key.clone(),
                participant_key: c.participant_key.clone(),
                preview: c.preview,
            }
        };
        self.send(&hello);
        self.ping();
        let me = self.clone();
        let heartbeat = Interval::new(TICK_MS, move || me.beat());
        let status = {
            let mut inner = self.0.borrow_mut();
            inner.heartbeat = Some(heartbeat);
            inner.on_status.clone()
        };
        status(Status::Open);
    }

    /// One heartbeat tick: gives up on a line that left a ping unanswered too long, else pings
    /// when it is time.
    fn beat(&self) {
        let now = js_sys::Date::now();
        let (unanswered, last_ping) = {
            let inner = self.0.borrow();
            (inner.unanswered_since, inner.last_ping)
        };
        if unanswered.is_some_and(|since| now - since > ANSWER_WITHIN_MS) {
            self.drop_dead_line();
        } else if now - last_ping >= PING_EVERY_MS - f64::from(TICK_MS) / 2.0 {
            self.ping();
        }
    }

    fn ping(&self) {
        let now = js_sys::Date::now();
        if self.send(&ClientMsg::Ping { nonce: now as u64 }) {
            let mut inner = self.0.borrow_mut();
            inner.last_ping = now;
            inner.unanswered_since.get_or_insert(now);
        }
    }

    /// The socket says open but nothing comes back. `close()` would wait for a closing handshake
    /// that cannot arrive, so we forget the socket (its callbacks go with it, so its late `onclose`
    /// changes nothing) and reconnect at once: the first attempt waits no backoff.
    fn drop_dead_line(&self) {
        let ws = {
            let mut inner = self.0.borrow_mut();
            inner.heartbeat = None;
            inner.unanswered_since = None;
            inner.callbacks.clear();
            inner.ws.take()
        };
        if let Some(ws) = ws {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
        let status = self.0.borrow().on_status.clone();
        status(Status::Retrying);
        self.connect();
    }

    fn on_close(&self) {
        let refused = {
            let mut inner = self.0.borrow_mut();
            inner.ws = None;
            inner.heartbeat = None;
            inner.refused
        };
        if !refused {
            self.schedule_retry();
        }
    }

    /// The server said when to come back: the next attempt waits at least `ms` (with jitter, so a
    /// room's phones do not arrive together).
    pub fn retry_after(&self, ms: u32) {
        self.0.borrow_mut().not_before_ms = ms;
    }

    fn schedule_retry(&self) {
        let (delay, status) = {
            let mut inner = self.0.borrow_mut();
            inner.attempt += 1;
            let random = js_sys::Math::random();
            let asked = std::mem::take(&mut inner.not_before_ms);
            (
                retry_delay_ms(inner.attempt, asked, random),
                inner.on_status.clone(),
            )
        };
        status(Status::Retrying);
        let me = self.clone();
        let timeout = Timeout::new(delay, move || me.connect());
        self.0.borrow_mut().retry = Some(timeout);
    }
}

/// Delay before attempt `attempt` (from 1): doubling from 250 ms up to 10 s, with ±25% jitter so a
/// room full of phones does not reconnect in lockstep after a server restart.
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    let base = (250.0 * 2f64.powi(attempt.saturating_sub(1).min(10) as i32)).min(MAX_BACKOFF_MS);
    (base * (0.75 + 0.5 * random)) as u32
}

/// What the server asked for (plus up to a quarter on top), or else the backoff. A server that
/// says when (`elsewhere`: the room moves to another hub within a lease) is believed, so a room
/// that moves is back within seconds rather than after a doubled backoff; never sooner than
/// [`MIN_ASKED_MS`], whatever it says.
pub fn retry_delay_ms(attempt: u32, asked_ms: u32, random: f64) -> u32 {
    if asked_ms == 0 {
        return backoff_ms(attempt, random);
    }
    (f64::from(asked_ms.max(MIN_ASKED_MS)) * (1.0 + 0.25 * random)) as u32
}

/// The shortest wait a server can ask for.
const MIN_ASKED_MS: u32 = 100;

fn ws_url(room: &str) -> String {
    let location = web_sys::window().expect("window").location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!(
        "{scheme}://{host}{}",
        koersbord_shared::protocol::ws_path(room)
    )
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, retry_delay_ms};

    #[test]
    fn a_server_that_says_when_is_not_asked_sooner() {
        assert_eq!(retry_delay_ms(1, 0, 0.5), 250);
        assert_eq!(retry_delay_ms(1, 2_000, 0.0), 2_000);
        assert_eq!(retry_delay_ms(1, 2_000, 1.0), 2_500);
        // Asked, the doubling backoff of many attempts does not apply; asked for 0 ms, 100.
        assert_eq!(retry_delay_ms(30, 1_000, 0.0), 1_000);
        assert_eq!(retry_delay_ms(30, 0, 0.5), 10_000);
        assert_eq!(retry_delay_ms(3, 1, 0.0), 100);
    }

    #[test]
    fn backoff_doubles_and_is_capped_with_jitter() {
        assert_eq!(backoff_ms(1, 0.5), 250);
        assert_eq!(backoff_ms(2, 0.5), 500);
        assert_eq!(backoff_ms(5, 0.5), 4_000);
        assert_eq!(backoff_ms(30, 0.5), 10_000);
        assert_eq!(backoff_ms(30, 0.0), 7_500);
        assert_eq!(backoff_ms(30, 1.0), 12_500);
    }
}
