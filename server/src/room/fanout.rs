//! Who is told what: each event to the connections that may see it (fresh views when visibility
//! changes), each drag to those who may see that participant's dots. Nothing here is stored.

use super::drags::{self, Pending};
use super::hub::{Class, ConnId, Frame, Hub, frame};
use koersbord_shared::domain::DotRef;
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::{Actor, Event};
use std::collections::HashMap;

impl Hub {
    /// Tells every connection about an event it may see, or sends fresh views when the event
    /// changes what people may see.
    pub(super) fn publish(&mut self, event: &Event) {
        let targets: Vec<(ConnId, Actor)> =
            self.conns.iter().map(|(&id, c)| (id, c.actor)).collect();
        if event.changes_visibility() {
            // Few distinct viewers (facilitator, screen, guests, each participant): encode each once.
            let mut views: HashMap<Actor, Frame> = HashMap::new();
            for (conn, actor) in targets {
                let view = views
                    .entry(actor)
                    .or_insert_with(|| {
                        frame(&ServerMsg::Snapshot {
                            state: self.state.view_for(actor),
                        })
                    })
                    .clone();
                self.send(conn, view);
            }
        } else {
            let mut encoded: Option<Frame> = None;
            for (conn, actor) in targets {
                if event.visible_to(actor, &self.state) {
                    let f = encoded
                        .get_or_insert_with(|| {
                            frame(&ServerMsg::Event {
                                seq: self.state.seq,
                                event: event.clone(),
                            })
                        })
                        .clone();
                    self.send(conn, f);
                }
            }
        }
    }

    /// Relays where a participant drags a dot (`at`; `None`: the drag ended) to those who may see
    /// that participant's dots, while the board takes dots: a protocol-1 connection gets its frame
    /// now, a protocol-2 one gathers it for the tick (`drags.rs`). Never stored: a drop arrives as
    /// a command.
    pub(super) fn relay_drag(
        &mut self,
        conn: ConnId,
        dot: DotRef,
        at: Option<(f32, f32)>,
        now_ms: u64,
    ) -> Result<(), DragRefused> {
        let Some(Actor::Participant(by)) = self.conns.get(&conn).map(|c| c.actor) else {
            return Err(DragRefused::NotJoined);
        };
        let board = dot.board();
        if self.state.phase != board.phase() || self.state.board(board).locked {
            return Err(DragRefused::BoardClosed);
        }
        let targets: Vec<(ConnId, bool)> = self
            .conns
            .iter()
            .filter(|&(&id, c)| id != conn && self.state.shows_dots(c.actor, by, board))
            .map(|(&id, c)| (id, c.batched))
            .collect();
        let news = Pending { by, dot, at };
        // A lone dragger's drag has nothing to share a frame with: one encoding for every
        // protocol-2 connection, as for protocol 1, instead of a pending entry per connection.
        let mut at_once: Option<Frame> = None;
        if targets.iter().any(|&(_, batched)| batched) {
            self.drags.dragged(by, now_ms);
            if self.drags.at_once(by, now_ms) {
                at_once = Some(drags::frame_of(&[news]));
            }
        }
        let mut single: Option<Frame> = None;
        for (id, batched) in targets {
            if batched {
                match &at_once {
                    Some(f) => self.queue(id, f.clone(), Class::Presence),
                    None => self.drags.add(id, news),
                }
                continue;
            }
            let f = single
                .get_or_insert_with(|| {
                    frame(&match at {
                        Some((x, y)) => ServerMsg::Drag { by, dot, x, y },
                        None => ServerMsg::DragEnd { by, dot },
                    })
                })
                .clone();
            self.queue(id, f, Class::Presence);
        }
        Ok(())
    }
}

/// Why a room does not relay a drag.
pub(super) enum DragRefused {
    NotJoined,
    BoardClosed,
}
