//! The room as this browser knows it: a snapshot from the server, kept current by its events, plus
//! what is only live (who is online, dots being dragged, commands awaiting their answer).
//!
//! The server is the authority. Before sending a command we run the same rules locally
//! (`koersbord_shared::room::decide`), so a refusal shows at once and a drop shows where it landed
//! before the acknowledgement arrives.
//!
//! Nothing is lost silently, nothing happens twice. Every command carries an `op` token (this page's
//! own prefix and the command's id), so the server answers a resend with its first answer instead
//! of acting again. A placement (a drive or pillar dot) stays pending until its `ack`, and looks
//! unconfirmed until then; made while the line is down, it waits here. After a reconnect every
//! pending placement is checked again against the fresh snapshot and sent again, or, if the rules
//! now refuse it, the dot goes back and the user is told. Every other command that got no answer
//! is sent again as it was, with its token: a join, an insight, a timer step happen once.

use crate::connection::{Connection, Credentials, Status};
use crate::storage;
use koersbord_shared::protocol::{ClientMsg, Invite, Presence, ProtocolError, Role, ServerMsg};
use koersbord_shared::room::{Actor, Command, Rejection, RoomState, decide};
use koersbord_shared::{DotRef, ParticipantId};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A refusal or problem to show the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Rejected(Rejection),
    /// Not sent: the line is down (for commands that are not queued).
    Offline,
    /// A placement the rules refused, here or at the server: the dot is back where it was.
    PutBack(Rejection),
}

impl Notice {
    /// Whether the user must be able to read it at leisure: it says something changed back.
    pub fn is_lasting(&self) -> bool {
        matches!(self, Notice::PutBack(_))
    }
}

/// The dot a command places, if it is a placement.
pub fn placed_dot(command: &Command) -> Option<DotRef> {
    match command {
        Command::PlaceDrive { drive, .. } => Some(DotRef::Drive(*drive)),
        Command::PlacePillar { pillar, .. } => Some(DotRef::Pillar(*pillar)),
        _ => None,
    }
}

/// Where another participant is dragging one of their dots right now, in board coordinates.
pub type Drags = HashMap<(ParticipantId, DotRef), (f32, f32)>;

#[derive(Clone, Copy)]
pub struct Live {
    pub room: StoredValue<String>,
    /// The capability from the link, for the session calls over HTTP (delete, how long kept).
    pub key: StoredValue<String>,
    pub state: RwSignal<Option<RoomState>>,
    pub role: RwSignal<Option<Role>>,
    pub you: RwSignal<Option<ParticipantId>>,
    /// This browser's participant was taken out of the session by the facilitator.
    pub removed: RwSignal<bool>,
    /// This browser's latest placement the server confirmed, for the live region.
    pub confirmed: RwSignal<Option<(u64, Command)>>,
    pub invite: RwSignal<Option<Invite>>,
    pub presence: RwSignal<Presence>,
    pub status: RwSignal<Status>,
    pub fatal: RwSignal<Option<ProtocolError>>,
    pub notice: RwSignal<Option<(u64, Notice)>>,
    pub drags: RwSignal<Drags>,
    /// The letters on each participant's dot, unique on their side (`RoomState::initials`).
    pub initials: Memo<BTreeMap<ParticipantId, String>>,
    /// Commands not yet answered, by id: sent, or (placements only) waiting for the line.
    pub pending: RwSignal<HashMap<u64, Command>>,
    /// Server time minus browser time, in ms, from the best ping so far.
    pub clock_offset: RwSignal<f64>,
    best_rtt: StoredValue<f64>,
    next_id: StoredValue<u64>,
    /// Makes this page's `op` tokens its own: two tabs of one person never share one.
    op_prefix: StoredValue<String>,
    connection: StoredValue<Option<Connection>, LocalStorage>,
}

impl Live {
    /// The letters on `id`'s dot (reactive: they change when a namesake joins).
    pub fn initial_of(&self, id: ParticipantId) -> String {
        self.initials
            .with(|m| m.get(&id).cloned())
            .unwrap_or_else(|| "?".into())
    }

    /// Connects to `room` with the capability `key` from the link.
    pub fn connect(room: String, key: String) -> Live {
        let state = RwSignal::new(None::<RoomState>);
        let initials = Memo::new(move |_| {
            state.with(|s| s.as_ref().map(RoomState::initials).unwrap_or_default())
        });
        let live = Live {
            room: StoredValue::new(room.clone()),
            key: StoredValue::new(key.clone()),
            state,
            initials,
            role: RwSignal::new(None),
            you: RwSignal::new(None),
            removed: RwSignal::new(false),
            confirmed: RwSignal::new(None),
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
            op_prefix: StoredValue::new(random_prefix()),
            connection: StoredValue::new_local(None),
        };
        let participant_key = storage::participant_key(&room);
        let credentials = Credentials {
            room,
            key,
            participant_key,
            preview: crate::route::is_preview(),
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
    /// nothing is sent. With the line down a placement waits (pending, so it looks unconfirmed) and
    /// goes out after the reconnect; anything else is refused with a notice, never dropped silently.
    pub fn command(&self, command: Command) -> Result<u64, Notice> {
        if let Err(reason) = self.check(&command) {
            let notice = match placed_dot(&command) {
                Some(_) => Notice::PutBack(reason),
                None => Notice::Rejected(reason),
            };
            self.show(notice.clone());
            return Err(notice);
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        if !self.send(&self.message(id, &command)) {
            let Some(dot) = placed_dot(&command) else {
                self.show(Notice::Offline);
                return Err(Notice::Offline);
            };
            // Only the latest placement of a dot matters once the line is back.
            self.pending.update(|p| {
                p.retain(|_, c| placed_dot(c) != Some(dot));
                p.insert(id, command);
            });
            return Ok(id);
        }
        self.pending.update(|p| {
            p.insert(id, command);
        });
        Ok(id)
    }

    /// Whether one of our placements of `dot` still waits for the server (tracked).
    pub fn unconfirmed(&self, dot: DotRef) -> bool {
        self.pending
            .with(|p| p.values().any(|c| placed_dot(c) == Some(dot)))
    }

    /// Our latest placement of `dot` still waiting for the server, if any (tracked).
    pub fn latest_pending(&self, dot: DotRef) -> Option<Command> {
        self.pending.with(|p| {
            p.iter()
                .filter(|(_, c)| placed_dot(c) == Some(dot))
                .max_by_key(|(id, _)| **id)
                .map(|(_, c)| c.clone())
        })
    }

    /// Whether any placement waits for the server (tracked).
    pub fn any_unconfirmed(&self) -> bool {
        self.pending
            .with(|p| p.values().any(|c| placed_dot(c).is_some()))
    }

    /// Tries to reconnect now rather than after the backoff.
    pub fn retry_now(&self) {
        self.connection.with_value(|c| {
            if let Some(c) = c {
                c.retry_now()
            }
        });
    }

    fn check(&self, command: &Command) -> Result<(), Rejection> {
        self.state.with_untracked(|state| {
            let (Some(state), Some(actor)) = (state, self.actor_untracked()) else {
                return Ok(());
            };
            decide(state, actor, command, self.server_now() as u64).map(|_| ())
        })
    }

    /// Command `id` as it goes on the wire, with its resend token.
    fn message(&self, id: u64, command: &Command) -> ClientMsg {
        ClientMsg::Command {
            id,
            op: Some(format!("{}-{id}", self.op_prefix.get_value())),
            command: command.clone(),
        }
    }

    /// After a welcome: what was pending is checked against the fresh snapshot. Placements the
    /// rules still allow go out again (or are dropped when the snapshot already has them); a
    /// refused one goes back with a notice. Other commands go out again as they were: their token
    /// makes the server answer as the first time if they had arrived.
    fn resend_pending(&self) {
        let mut pending: Vec<(u64, Command)> = self.pending.get_untracked().into_iter().collect();
        pending.sort_by_key(|(id, _)| *id);
        let (mut keep, mut notice) = (HashMap::new(), None);
        for (id, command) in pending {
            if placed_dot(&command).is_none() {
                // A send that fails here leaves it pending for the next welcome.
                self.send(&self.message(id, &command));
                keep.insert(id, command);
                continue;
            }
            let verdict = self.state.with_untracked(|state| {
                let (Some(state), Some(actor)) = (state, self.actor_untracked()) else {
                    return Ok(Vec::new());
                };
                decide(state, actor, &command, self.server_now() as u64)
            });
            match verdict {
                // The snapshot already has it: it arrived before the line dropped.
                Ok(events) if events.is_empty() => {}
                Ok(_) => {
                    // A send that fails here leaves it pending for the next welcome.
                    self.send(&self.message(id, &command));
                    keep.insert(id, command);
                }
                Err(reason) => notice = Some(Notice::PutBack(reason)),
            }
        }
        self.pending.set(keep);
        if let Some(notice) = notice {
            self.show(notice);
        }
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
                // A participant key the room no longer knows: removed while this page was away.
                let room = self.room.get_value();
                if role == Role::Participant
                    && you.is_none()
                    && storage::participant_key(&room).is_some()
                {
                    storage::forget_participant_key(&room);
                    self.removed.set(true);
                }
                self.role.set(Some(role));
                self.you.set(you);
                self.invite.set(invite);
                // (Mijn sessies is the full client's; the participant's hands a lead's key to it.)
                #[cfg(feature = "full")]
                if role == Role::Facilitator {
                    crate::my_sessions::remember_led(
                        &self.room.get_value(),
                        &self.key.get_value(),
                        &state,
                    );
                }
                self.state.set(Some(state));
                self.drags.set(HashMap::new());
                self.fatal.set(None);
                // Commands from before a reconnect got no answer; the snapshot says which arrived.
                self.resend_pending();
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
                self.removed.set(false);
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
                #[cfg(feature = "full")]
                if self.role.get_untracked() == Some(Role::Facilitator)
                    && crate::my_sessions::changes_listing(&event)
                {
                    self.state.with_untracked(|s| {
                        if let Some(s) = s {
                            crate::my_sessions::remember_led(
                                &self.room.get_value(),
                                &self.key.get_value(),
                                s,
                            );
                        }
                    });
                }
                if let koersbord_shared::room::Event::ParticipantRemoved { id } = event
                    && self.you.get_untracked() == Some(id)
                {
                    storage::forget_participant_key(&self.room.get_value());
                    self.removed.set(true);
                    self.you.set(None);
                }
            }
            ServerMsg::Snapshot { state } => self.state.set(Some(state)),
            ServerMsg::Ack { id, .. } => {
                let mut command = None;
                self.pending.update(|p| command = p.remove(&id));
                if let Some(c) = command.filter(|c| placed_dot(c).is_some()) {
                    self.confirmed.set(Some((id, c)));
                }
            }
            ServerMsg::Rejected { id, reason } => {
                let mut command = None;
                self.pending.update(|p| command = p.remove(&id));
                // The dot is drawn from the state again, where the server has it: say so.
                self.show(match command.as_ref().and_then(placed_dot) {
                    Some(_) => Notice::PutBack(reason),
                    None => Notice::Rejected(reason),
                });
            }
            ServerMsg::Drag { by, dot, x, y } => self.drags.update(|d| {
                d.insert((by, dot), (x, y));
            }),
            ServerMsg::DragEnd { by, dot } => self.drags.update(|d| {
                d.remove(&(by, dot));
            }),
            // Protocol 2: the tick's drags in one frame, one signal update for all of them.
            ServerMsg::Drags { moves, ends } => self.drags.update(|d| {
                for m in moves {
                    d.insert((m.by, m.dot), (m.x, m.y));
                }
                for e in ends {
                    d.remove(&(e.by, e.dot));
                }
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
                } else if let Some(ms) = error.retry_after_ms() {
                    self.connection.with_value(|c| {
                        if let Some(c) = c {
                            c.retry_after(ms)
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

/// 128 bits from the browser's cryptographic random source, as 32 hex digits. A join's op token
/// recovers the participant's key for whoever resends it (docs/SECURITY.md), so it must be as
/// unguessable as a key; `Math.random` only where the page has no `crypto` at all.
fn random_prefix() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Errors after which trying again cannot help.
fn is_final(error: &ProtocolError) -> bool {
    matches!(
        error,
        ProtocolError::VersionMismatch { .. }
            | ProtocolError::UnknownRoom
            | ProtocolError::BadKey
            | ProtocolError::SessionDeleted
            | ProtocolError::RoomMismatch
    )
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}
