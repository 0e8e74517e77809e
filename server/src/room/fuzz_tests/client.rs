//! A simulated web client: applies what it reads exactly as the real one does.

use super::super::hub::{ConnId, Frame};
use koersbord_shared::domain::ParticipantId;
use koersbord_shared::protocol::{Role, ServerMsg};
use koersbord_shared::room::{Actor, Event, RoomState};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub(super) struct Link {
    pub(super) conn: ConnId,
    pub(super) rx: mpsc::Receiver<Frame>,
    pub(super) kick: CancellationToken,
    pub(super) welcomed: bool,
    pub(super) last_seq: u64,
}

pub(super) struct Client {
    pub(super) role: Role,
    pub(super) participant_key: Option<String>,
    pub(super) you: Option<ParticipantId>,
    pub(super) state: Option<RoomState>,
    pub(super) link: Option<Link>,
}

impl Client {
    pub(super) fn actor(&self) -> Actor {
        match self.role {
            Role::Facilitator => Actor::Facilitator,
            Role::Screen => Actor::Screen,
            Role::Participant => self.you.map_or(Actor::Guest, Actor::Participant),
        }
    }

    /// Reads up to `n` frames and applies them as the web client does. `durable` is how many
    /// events the store holds: no frame may tell of more.
    pub(super) fn read(&mut self, n: usize, durable: u64) {
        for _ in 0..n {
            let Some(link) = self.link.as_mut() else {
                return;
            };
            let Ok(frame) = link.rx.try_recv() else {
                return;
            };
            let msg = ServerMsg::decode(&frame).expect("readable");
            let told = match &msg {
                ServerMsg::Welcome { state, .. } | ServerMsg::Snapshot { state } => state.seq,
                ServerMsg::Event { seq, .. } | ServerMsg::Ack { seq, .. } => *seq,
                _ => 0,
            };
            assert!(told <= durable, "told of seq {told}, only {durable} stored");
            self.receive(msg);
        }
    }

    fn receive(&mut self, msg: ServerMsg) {
        let link = self.link.as_mut().expect("reading from a link");
        match msg {
            ServerMsg::Welcome { you, state, .. } => {
                assert!(!link.welcomed, "one welcome per connection");
                link.welcomed = true;
                link.last_seq = state.seq;
                self.you = you;
                self.state = Some(state);
            }
            _ if !link.welcomed => panic!("a frame before the welcome: {msg:?}"),
            ServerMsg::Joined {
                you,
                participant_key,
            } => {
                self.you = Some(you);
                self.participant_key = Some(participant_key);
            }
            ServerMsg::Event { seq, event } => {
                assert!(seq > link.last_seq, "seq {seq} after {}", link.last_seq);
                link.last_seq = seq;
                let state = self.state.as_mut().expect("welcomed");
                event.apply_to(state);
                state.seq = seq;
                if let Event::ParticipantRemoved { id } = event
                    && self.you == Some(id)
                {
                    self.you = None;
                    self.participant_key = None;
                }
            }
            ServerMsg::Snapshot { state } => {
                assert!(state.seq >= link.last_seq);
                link.last_seq = state.seq;
                self.state = Some(state);
            }
            ServerMsg::Ack { seq, .. } => assert!(seq >= link.last_seq),
            _ => {}
        }
    }
}
