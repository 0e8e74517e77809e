//! Live rooms: the registry that finds a room by id or join code, and (in [`hub`]) the one task that
//! owns each room's state and connections.

pub mod hub;

use crate::keys;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use hub::RoomMsg;
use koersbord_shared::protocol::{Invite, JoinCodeFound, Role, SessionCreated};
use koersbord_shared::room::RoomState;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// How many messages may wait for a room's task. Readers wait when it is full, which slows only the
/// connections talking to a busy room.
const ROOM_INBOX: usize = 1024;

/// The three capabilities of a room. Fixed at creation, so connections check them without asking
/// the room's task.
struct RoomKeys {
    facilitator: String,
    join: String,
    screen: String,
}

/// A cheap handle to a live room: its keys and its task's inbox.
#[derive(Clone)]
pub struct RoomHandle {
    keys: Arc<RoomKeys>,
    inbox: mpsc::Sender<RoomMsg>,
}

impl RoomHandle {
    /// The role a presented key grants in this room, if any.
    pub fn role_for(&self, key: &str) -> Option<Role> {
        // Compare against all three so the time taken does not tell which one nearly matched.
        let facilitator = keys::same_key(key, &self.keys.facilitator);
        let join = keys::same_key(key, &self.keys.join);
        let screen = keys::same_key(key, &self.keys.screen);
        match (facilitator, join, screen) {
            (true, _, _) => Some(Role::Facilitator),
            (_, true, _) => Some(Role::Participant),
            (_, _, true) => Some(Role::Screen),
            _ => None,
        }
    }

    /// Sends a message the room must not lose, waiting for room in its inbox. False once the room
    /// has stopped.
    pub async fn send(&self, msg: RoomMsg) -> bool {
        self.inbox.send(msg).await.is_ok()
    }

    /// Tells the room a connection is gone. Callable from `Drop`: it never waits, and when the
    /// inbox is full it hands the message to a task that does.
    pub fn leave(&self, conn: hub::ConnId) {
        if let Err(TrySendError::Full(msg)) = self.inbox.try_send(RoomMsg::Disconnect { conn }) {
            let inbox = self.inbox.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { inbox.send(msg).await });
            }
        }
    }

    /// Sends a message that may be dropped when the room is busy (drag updates).
    pub fn try_send(&self, msg: RoomMsg) {
        let _ = self.inbox.try_send(msg);
    }
}

/// Every live room, by id and by join code.
#[derive(Default)]
pub struct Rooms {
    by_id: DashMap<String, RoomHandle>,
    /// Normalised join code → room id.
    by_code: DashMap<String, String>,
    next_conn: AtomicU64,
}

impl Rooms {
    /// Opens a room holding `state` and starts its task. Returns the room and its capabilities.
    pub fn create(&self, state: RoomState) -> SessionCreated {
        let keys = Arc::new(RoomKeys {
            facilitator: keys::capability(),
            join: keys::capability(),
            screen: keys::capability(),
        });
        // Draw until the id is free; the entry holds its slot, so two creations never share one.
        loop {
            let id = keys::room_id();
            if let Entry::Vacant(slot) = self.by_id.entry(id.clone()) {
                let join_code = self.reserve_code(&id);
                let invite = Invite {
                    join_key: keys.join.clone(),
                    join_code: join_code.clone(),
                };
                let (inbox, rx) = mpsc::channel(ROOM_INBOX);
                hub::spawn(id.clone(), invite, state, rx);
                slot.insert(RoomHandle {
                    keys: keys.clone(),
                    inbox,
                });
                tracing::info!(room = %id, "session created");
                return SessionCreated {
                    room: id,
                    facilitator_key: keys.facilitator.clone(),
                    join_key: keys.join.clone(),
                    screen_key: keys.screen.clone(),
                    join_code,
                };
            }
        }
    }

    /// A join code no live room uses, now pointing at `room`.
    fn reserve_code(&self, room: &str) -> String {
        loop {
            let code = keys::join_code();
            if let Entry::Vacant(slot) = self.by_code.entry(code.clone()) {
                slot.insert(room.to_owned());
                return code;
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<RoomHandle> {
        self.by_id.get(id).map(|r| r.clone())
    }

    /// The room behind a typed join code, if it is live.
    pub fn find_code(&self, typed: &str) -> Option<JoinCodeFound> {
        let code = keys::normalize_join_code(typed);
        let id = self.by_code.get(&code)?.clone();
        let room = self.get(&id)?;
        Some(JoinCodeFound {
            room: id,
            join_key: room.keys.join.clone(),
        })
    }

    /// A process-wide unique number for a new connection, used in logs and by room tasks.
    pub fn next_conn_id(&self) -> hub::ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn count(&self) -> usize {
        self.by_id.len()
    }
}
