//! The room as this browser knows it: a snapshot from the server, kept current by its events, plus
//! what is only live (who is online, dots being dragged, commands awaiting their answer).
//!
//! The server is the authority. Before sending a command we run the same rules locally
//! (`koersbord_shared::room::decide`), so a refusal shows at once and a drop shows where it landed
//! before the acknowledgement arrives.

use crate::connection::{Connection, Credentials, Status};
use crate::storage;
use koersbord_shared::protocol::{ClientMsg, Invite, Presence, ProtocolError, Role, ServerMsg};
use koersbord_shared::room::{Actor, Command, Rejection, RoomState, decide};
use koersbord_shared::{DotRef, ParticipantId};
use leptos::prelude::*;
use std::collections::HashMap;

/// A refusal or problem to show the user briefly.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Rejected(Rejection),
    Offline,
}

/// Where another participant is dragging one of their dots right now, in board coordinates.
pub type Drags = HashMap<(ParticipantId, DotRef), (f32, f32)>;

#[derive(Clone, Copy)]
pub struct Live {
    pub room: StoredValue<String>,
    pub state: RwSignal<Option<RoomState>>,
    pub role: RwSignal<Option<Role>>,
    pub you: RwSignal<Option<ParticipantId>>,
    pub invite: RwSignal<Option<Invite>>,
    pub presence: RwSignal<Presence>,
    pub status: RwSignal<Status>,
    pub fatal: RwSignal<Option<ProtocolError>>,
    pub notice: RwSignal<Option<(u64, Notice)>>,
    pub drags: RwSignal<Drags>,
    /// Commands sent but not yet answered, by id.
    pub pending: RwSignal<HashMap<u64, Command>>,
    /// Server time minus browser time, in ms, from the best ping so far.
    pub clock_offset: RwSignal<f64>,
    best_rtt: StoredValue<f64>,
    next_id: StoredValue<u64>,
    connection: StoredValue<Option<Connection>, LocalStorage>,
}

impl Live {
    /// Connects to `room` with the capability `key` from the link.
    pub fn connect(room: String, key: String) -> Live {
        let live = Live {
            room: StoredValue::new(room.clone()),
            state: RwSignal::new(None),
            role: RwSignal::new(None),
            you: RwSignal::new(None),
            invite: RwSignal::new(None),
            presence: RwSignal::new(Presence::default()),
            status: RwSignal::new(Status::Connecting),
            fatal: RwSignal::new(None),
            notice: RwSignal::new(None),
            drags: RwSignal::new(HashMap::new()),
            pending: RwSignal::new(HashMap::new()),
            clock_offset: RwSignal::new(0.0),
            best_rtt: StoredValue::new(f64::INFINITY),
            next_id: StoredValue::new(1),
            connection: StoredValue::new_local(None),
        };
        let participant_key = storage::participant_key(&room);
        let credentials = Credentials {
            room,
            key,
            participant_key,
        };
        let conn = Connection::open(
            credentials,
            move |msg| live.receive(msg),
            move |s| live.status.set(s),
        );
        live.connection.set_value(Some(conn));
        live
    }

    /// Reads the room through `f`, or gives `T`'s default while no snapshot has arrived yet.
    pub fn with_state<T: Default>(&self, f: impl FnOnce(&RoomState) -> T) -> T {
        self.state.with(|s| s.as_ref().map(f).unwrap_or_default())
    }

    /// Who this browser acts as, as the server sees it.
    pub fn actor(&self) -> Option<Actor> {
        Some(match self.role.get()? {
            Role::Facilitator => Actor::Facilitator,
            Role::Screen => Actor::Screen,
            Role::Participant => match self.you.get() {
                Some(id) => Actor::Participant(id),
                None => Actor::Guest,
            },
        })
    }

    pub fn is_facilitator(&self) -> bool {
        self.role.get() == Some(Role::Facilitator)
    }

    /// The server's clock now, as well as this browser can tell.
    pub fn server_now(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset.get_untracked()
    }

    /// Checks `command` against the shared rules and sends it. A local refusal is shown at once and
    /// nothing is sent; an offline line is said plainly, never silently dropped.
    pub fn command(&self, command: Command) -> Result<u64, Notice> {
        let checked = self.state.with_untracked(|state| {
            let (Some(state), Some(actor)) = (state, self.actor_untracked()) else {
                return Ok(());
            };
            decide(state, actor, &command, self.server_now() as u64).map(|_| ())
        });
        if let Err(reason) = checked {
            let notice = Notice::Rejected(reason);
            self.show(notice.clone());
            return Err(notice);
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let msg = ClientMsg::Command {
            id,
            command: command.clone(),
        };
        if !self.send(&msg) {
            self.show(Notice::Offline);
            return Err(Notice::Offline);
        }
        self.pending.update(|p| {
            p.insert(id, command);
        });
        Ok(id)
    }

    /// Sends presence (a drag); losing one is harmless.
    pub fn send(&self, msg: &ClientMsg) -> bool {
        self.connection
            .with_value(|c| c.as_ref().is_some_and(|c| c.send(msg)))
    }

    fn actor_untracked(&self) -> Option<Actor> {
        untrack(|| self.actor())
    }

    fn show(&self, notice: Notice) {
        let serial = js_sys::Date::now() as u64;
        self.notice.set(Some((serial, notice)));
    }

    fn receive(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome {
                role,
                you,
                invite,
                server_time_ms,
                state,
                ..
            } => {
                self.adopt_clock(server_time_ms as f64, 0.0);
                self.role.set(Some(role));
                self.you.set(you);
                self.invite.set(invite);
                self.state.set(Some(state));
                // Commands from before a reconnect got no answer; their effect (if any) is in the
                // snapshot. Optimistic marks go; the snapshot is the truth.
                self.pending.set(HashMap::new());
                self.drags.set(HashMap::new());
                self.fatal.set(None);
            }
            ServerMsg::Joined {
                you,
                participant_key,
            } => {
                storage::set_participant_key(&self.room.get_value(), &participant_key);
                self.connection.with_value(|c| {
                    if let Some(c) = c {
                        c.set_participant_key(participant_key.clone())
                    }
                });
                self.you.set(Some(you));
            }
            ServerMsg::Event { seq, event } => {
                self.state.update(|state| {
                    if let Some(state) = state {
                        event.apply_to(state);
                        // Hidden events never reach us, so our count may lag; the server's wins.
                        state.seq = seq;
                    }
                });
                if let koersbord_shared::room::Event::ParticipantRemoved { id } = event
                    && self.you.get_untracked() == Some(id)
                {
                    storage::forget_participant_key(&self.room.get_value());
                    self.you.set(None);
                }
            }
            ServerMsg::Snapshot { state } => self.state.set(Some(state)),
            ServerMsg::Ack { id, .. } => self.pending.update(|p| {
                p.remove(&id);
            }),
            ServerMsg::Rejected { id, reason } => {
                self.pending.update(|p| {
                    p.remove(&id);
                });
                self.show(Notice::Rejected(reason));
            }
            ServerMsg::Drag { by, dot, x, y } => self.drags.update(|d| {
                d.insert((by, dot), (x, y));
            }),
            ServerMsg::DragEnd { by, dot } => self.drags.update(|d| {
                d.remove(&(by, dot));
            }),
            ServerMsg::Presence { presence } => self.presence.set(presence),
            ServerMsg::Pong {
                nonce,
                server_time_ms,
            } => {
                let now = js_sys::Date::now();
                self.adopt_clock(server_time_ms as f64, (now - nonce as f64).max(0.0));
            }
            ServerMsg::Error { error } => {
                if error.is_fatal() && is_final(&error) {
                    self.connection.with_value(|c| {
                        if let Some(c) = c {
                            c.refuse()
                        }
                    });
                }
                self.fatal.set(Some(error));
            }
        }
    }

    /// Takes a clock sample: the server's time, seen `rtt` ms after we asked. The sample with the
    /// shortest round trip is the most precise, so later, slower ones do not replace it.
    fn adopt_clock(&self, server_ms: f64, rtt: f64) {
        if rtt > 0.0 && rtt >= self.best_rtt.get_value() {
            return;
        }
        if rtt > 0.0 {
            self.best_rtt.set_value(rtt);
        }
        let offset = server_ms + rtt / 2.0 - js_sys::Date::now();
        self.clock_offset.set(offset);
    }
}

/// Errors after which trying again cannot help.
fn is_final(error: &ProtocolError) -> bool {
    matches!(
        error,
        ProtocolError::VersionMismatch { .. } | ProtocolError::UnknownRoom | ProtocolError::BadKey
    )
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}
