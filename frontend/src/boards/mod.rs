//! The two dot boards. Both follow one pattern: the room's state says where every dot lies; a dot
//! being moved by this browser (by pointer or keyboard) is a local `Grab`; dots being moved by
//! others arrive as presence (`Live::drags`) and are drawn as ghosts until their drop arrives.

pub mod dot;
pub mod drive_dots;
pub mod drive_layout;
pub mod drives;
pub mod list;
pub mod pillar_keys;
pub mod pillars;
pub mod results;

use crate::live::Live;
use koersbord_shared::DotRef;
use koersbord_shared::protocol::ClientMsg;
use leptos::prelude::*;

/// How a grabbed dot is being moved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Via {
    Pointer,
    Keyboard,
}

/// A dot this browser is moving right now, at `(x, y)` in board coordinates (0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grab {
    pub dot: DotRef,
    pub x: f32,
    pub y: f32,
    pub via: Via,
}

/// Presence updates are sent at most this often: ~40 a second is smooth on the other screens and
/// well inside the server's per-connection budget.
const DRAG_SEND_INTERVAL_MS: f64 = 25.0;

/// Sends drag presence for this browser's grab, throttled; the last position always goes out on drop.
#[derive(Clone, Copy)]
pub struct DragSender {
    live: Live,
    last_sent: StoredValue<f64>,
}

impl DragSender {
    pub fn new(live: Live) -> DragSender {
        DragSender {
            live,
            last_sent: StoredValue::new(0.0),
        }
    }

    pub fn moved(&self, grab: Grab) {
        let now = js_sys::Date::now();
        if now - self.last_sent.get_value() >= DRAG_SEND_INTERVAL_MS {
            self.last_sent.set_value(now);
            self.live.send(&ClientMsg::Drag {
                dot: grab.dot,
                x: grab.x,
                y: grab.y,
            });
        }
    }

    pub fn ended(&self, dot: DotRef) {
        self.last_sent.set_value(0.0);
        self.live.send(&ClientMsg::DragEnd { dot });
    }
}

/// The pointer's position inside `rect` as fractions of its width and height (may fall outside 0..1).
pub fn fraction_in(rect: &web_sys::DomRect, client_x: i32, client_y: i32) -> (f32, f32) {
    let x = (f64::from(client_x) - rect.left()) / rect.width().max(1.0);
    let y = (f64::from(client_y) - rect.top()) / rect.height().max(1.0);
    (x as f32, y as f32)
}
