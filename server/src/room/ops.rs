//! Safe resends: a command may carry a client-chosen `op` token, and the room answers a token it
//! has seen from the same identity with the answer it gave the first time, without deciding again.
//! So a client that lost its answer (a dropped line, a server restart) resends freely: a `join`
//! does not make a second person, an `add_action` a second action, an `adjust_timer` a second step.
//!
//! An identity is whom the command acted as: the facilitator, the screen, a participant, or "a
//! guest" (everyone with the join link who has not joined: a join's answer is found again by the
//! guest that reconnects without the key it never received). Each keeps its last [`REMEMBERED`]
//! tokens; they are stored with the room's events, in the same commit, so they outlive a restart.

use super::hub::{ConnId, Hub, frame};
use crate::metrics;
use crate::metrics::labels;
use koersbord_shared::domain::ParticipantId;
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::{Actor, Rejection};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// Tokens remembered per identity: far more than a client has in flight across a reconnect.
pub(crate) const REMEMBERED: usize = 64;

/// The first answer to a command with a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub(crate) enum Answer {
    Ack {
        seq: u64,
    },
    /// A guest's join: the answer was `joined` for this participant, then the ack.
    Joined {
        you: ParticipantId,
        seq: u64,
    },
    Rejected {
        reason: Rejection,
    },
}

/// One remembered token as stored: (identity, op, answer as JSON).
pub(crate) type StoredOp = (String, String, String);

/// The tokens a room remembers, oldest first per identity.
#[derive(Default)]
pub(crate) struct Ops {
    by: HashMap<String, VecDeque<(String, Answer)>>,
}

/// Whose tokens a command's `op` is filed under.
pub(crate) fn identity(actor: Actor) -> String {
    match actor {
        Actor::Facilitator => "facilitator".into(),
        Actor::Screen => "screen".into(),
        Actor::Guest => "guest".into(),
        Actor::Participant(id) => id.to_string(),
    }
}

impl Ops {
    /// From the store, in the order they were remembered. A row that does not read is skipped:
    /// losing a token only makes that one resend unsafe, it loses no data.
    pub(crate) fn load(rows: Vec<StoredOp>) -> Ops {
        let mut ops = Ops::default();
        for (who, op, json) in rows {
            match serde_json::from_str(&json) {
                Ok(answer) => ops.insert(who, op, answer),
                Err(e) => tracing::warn!(error = %e, "a stored op token does not read"),
            }
        }
        ops
    }

    /// The first answer to `op` from `actor`, if remembered. A participant whose `joined` arrived
    /// but whose ack did not resends the join as themselves: that token was filed under the guest.
    pub(crate) fn recall(&self, actor: Actor, op: &str) -> Option<Answer> {
        let find = |who: &str| {
            self.by
                .get(who)
                .and_then(|q| q.iter().find(|(o, _)| o == op))
                .map(|(_, a)| a.clone())
        };
        if let Some(answer) = find(&identity(actor)) {
            return Some(answer);
        }
        match (actor, find("guest")) {
            (Actor::Participant(me), Some(Answer::Joined { you, seq })) if me == you => {
                Some(Answer::Ack { seq })
            }
            _ => None,
        }
    }

    /// Remembers an answer; returns the row to store.
    pub(crate) fn remember(&mut self, actor: Actor, op: String, answer: Answer) -> StoredOp {
        let who = identity(actor);
        let json = serde_json::to_string(&answer).expect("answers always serialise");
        self.insert(who.clone(), op.clone(), answer);
        (who, op, json)
    }

    fn insert(&mut self, who: String, op: String, answer: Answer) {
        let q = self.by.entry(who).or_default();
        q.push_back((op, answer));
        while q.len() > REMEMBERED {
            q.pop_front();
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by.values().map(VecDeque::len).sum()
    }
}

impl Hub {
    /// Answers a resent command exactly as the first time. A guest whose join was answered is made
    /// that participant again, with their key; if the facilitator removed them since, the join is
    /// refused (`unknown_participant`), as their key would be.
    pub(super) fn replay(&mut self, conn: ConnId, id: u64, actor: Actor, answer: Answer) {
        let reply = match answer {
            Answer::Ack { seq } => ServerMsg::Ack { id, seq },
            Answer::Rejected { reason } => ServerMsg::Rejected { id, reason },
            Answer::Joined { you, seq } => match self.rejoin(conn, actor, you) {
                Some(participant_key) => {
                    let joined = ServerMsg::Joined {
                        you,
                        participant_key,
                    };
                    self.send(conn, frame(&joined));
                    self.sync_presence(None);
                    ServerMsg::Ack { id, seq }
                }
                None => ServerMsg::Rejected {
                    id,
                    reason: Rejection::UnknownParticipant,
                },
            },
        };
        if let ServerMsg::Rejected { reason, .. } = &reply {
            metrics::refusal(labels::rejection_code(reason));
        }
        self.send(conn, frame(&reply));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_identity_keeps_its_newest_tokens_and_a_joined_guest_finds_its_join() {
        let mut ops = Ops::default();
        for i in 0..REMEMBERED + 10 {
            ops.remember(
                Actor::Facilitator,
                format!("f{i}"),
                Answer::Ack { seq: i as u64 },
            );
        }
        ops.remember(
            Actor::Guest,
            "j".into(),
            Answer::Joined {
                you: ParticipantId(2),
                seq: 7,
            },
        );
        assert_eq!(ops.len(), REMEMBERED + 1);
        assert_eq!(ops.recall(Actor::Facilitator, "f0"), None);
        assert_eq!(
            ops.recall(Actor::Facilitator, "f10"),
            Some(Answer::Ack { seq: 10 })
        );
        assert_eq!(ops.recall(Actor::Screen, "f10"), None);
        assert_eq!(
            ops.recall(Actor::Participant(ParticipantId(2)), "j"),
            Some(Answer::Ack { seq: 7 })
        );
        assert_eq!(ops.recall(Actor::Participant(ParticipantId(3)), "j"), None);
        // What is stored reads back the same.
        let row = ops.remember(
            Actor::Participant(ParticipantId(2)),
            "x".into(),
            Answer::Rejected {
                reason: Rejection::NotNow,
            },
        );
        let loaded = Ops::load(vec![row]);
        assert_eq!(
            loaded.recall(Actor::Participant(ParticipantId(2)), "x"),
            Some(Answer::Rejected {
                reason: Rejection::NotNow
            })
        );
    }
}
