//! One WebSocket to the server, kept alive: it says hello with the link's key, reconnects with capped
//! exponential backoff and jitter when the line drops, and gives up only on a fatal refusal.

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
    heartbeat: Option<Interval>,
    /// When the last message arrived (ms, browser clock): a silent line is a dead line.
    last_seen: f64,
    /// Keeps the socket's callbacks alive as long as the socket.
    callbacks: Vec<Box<dyn std::any::Any>>,
}

#[derive(Clone)]
pub struct Connection(Rc<RefCell<Inner>>);

/// How often we ping: keeps the clock estimate fresh and finds a dead line.
const HEARTBEAT_MS: u32 = 5_000;
/// No message for this long (three missed pongs) means the line is dead even if the socket says open.
const DEAD_AFTER_MS: f64 = 3.0 * HEARTBEAT_MS as f64;
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
            on_message: Rc::new(on_message),
            on_status: Rc::new(on_status),
            retry: None,
            heartbeat: None,
            last_seen: 0.0,
            callbacks: Vec::new(),
        })));
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
        let url = ws_url();
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
                me.0.borrow_mut().last_seen = js_sys::Date::now();
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
            inner.last_seen = js_sys::Date::now();
            let c = &inner.credentials;
            ClientMsg::Hello {
                protocol_version: PROTOCOL_VERSION,
                room: c.room.clone(),
                key: c.key.clone(),
                participant_key: c.participant_key.clone(),
            }
        };
        self.send(&hello);
        self.ping();
        let me = self.clone();
        let heartbeat = Interval::new(HEARTBEAT_MS, move || me.ping());
        let status = {
            let mut inner = self.0.borrow_mut();
            inner.heartbeat = Some(heartbeat);
            inner.on_status.clone()
        };
        status(Status::Open);
    }

    fn ping(&self) {
        let silent_for = js_sys::Date::now() - self.0.borrow().last_seen;
        if silent_for > DEAD_AFTER_MS {
            // Closing fires `onclose`, which schedules the reconnect.
            if let Some(ws) = &self.0.borrow().ws {
                let _ = ws.close();
            }
            return;
        }
        self.send(&ClientMsg::Ping {
            nonce: js_sys::Date::now() as u64,
        });
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

    fn schedule_retry(&self) {
        let (delay, status) = {
            let mut inner = self.0.borrow_mut();
            inner.attempt += 1;
            (
                backoff_ms(inner.attempt, js_sys::Math::random()),
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

fn ws_url() -> String {
    let location = web_sys::window().expect("window").location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/ws")
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

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
