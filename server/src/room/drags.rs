//! Drags for protocol-2 connections, gathered per short tick: one `drags` frame and one `write`
//! per connection per tick instead of one per drag. On loopback one small `write` costs about as
//! much as the rest of relaying a frame, so eight people dragging at once cost ~8× less this way
//! (docs/PERFORMANCE.md).
//!
//! - **Latest wins**: a connection's pending entry for a dot is replaced by the next drag or drag
//!   end of that dot, so a tick sends each dot once.
//! - **Never behind a durable frame**: when an event, ack or snapshot is queued for a connection,
//!   its pending drags are cut into a frame first and go out ahead of it, at once. So a drag sent
//!   before a command always arrives before the command's event, and no durable frame ever waits
//!   for the tick.
//! - **Only when there is something to gather**: the room releases pending drags at once while
//!   only one participant is dragging (within the last two ticks), or when the last release is a
//!   tick ago or longer; else at the end of the tick. A lone dragger is never held back (their
//!   drags cannot share a frame with anyone's, and holding one would only lose it to the next);
//!   a rush is gathered. A lone dragger's drag with nothing pending skips the per-connection
//!   bookkeeping altogether: one `drags` frame, encoded once, queued for every connection.
//! - **Encoded once per distinct view**: connections that see the same drags share one frame.
//!
//! Protocol-1 connections keep getting one `drag` or `drag_end` frame per drag, at once.

use super::hub::{ConnId, Frame, frame};
use koersbord_shared::domain::{DotRef, ParticipantId};
use koersbord_shared::protocol::{DragMove, DragStop, ServerMsg};
use std::collections::BTreeMap;
use std::time::Duration;

/// The default tick: under the 33 ms between one dragger's updates at 30/s, so a lone dragger is
/// relayed at once, and long enough to gather a rush (8 people at 30/s: ~6 drags per frame).
pub const DEFAULT_TICK: Duration = Duration::from_millis(25);

/// One dot's latest news: where it is now, or `None` when its drag ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Pending {
    pub by: ParticipantId,
    pub dot: DotRef,
    pub at: Option<(f32, f32)>,
}

/// What protocol-2 connections have not been sent yet, and when the room last sent it.
pub(super) struct Gathered {
    tick_ms: u64,
    per_conn: BTreeMap<ConnId, Vec<Pending>>,
    /// When every connection's pending drags last went out (the server's clock, ms).
    released_ms: Option<u64>,
    /// Who dragged lately, and when last (ms): at most the room's participants.
    draggers: Vec<(ParticipantId, u64)>,
    /// Frames encoded in this round, by content: equal views share one.
    encoded: Vec<(Vec<Pending>, Frame)>,
}

impl Gathered {
    pub(super) fn new(tick: Duration) -> Gathered {
        Gathered {
            tick_ms: tick.as_millis() as u64,
            per_conn: BTreeMap::new(),
            released_ms: None,
            draggers: Vec::new(),
            encoded: Vec::new(),
        }
    }

    /// Notes that `by` dragged at `now_ms` (once per relayed drag, whoever it goes to).
    pub(super) fn dragged(&mut self, by: ParticipantId, now_ms: u64) {
        let window = 2 * self.tick_ms;
        self.draggers
            .retain(|&(who, at)| who != by && now_ms.saturating_sub(at) < window);
        self.draggers.push((by, now_ms));
    }

    /// Adds a drag for `conn`, replacing what it had pending for that dot.
    pub(super) fn add(&mut self, conn: ConnId, news: Pending) {
        let pending = self.per_conn.entry(conn).or_default();
        match pending
            .iter_mut()
            .find(|p| p.by == news.by && p.dot == news.dot)
        {
            Some(p) => *p = news,
            None => pending.push(news),
        }
    }

    /// Whether `by`'s drag, just noted with [`Gathered::dragged`], goes out at once as its own
    /// frame, past the per-connection bookkeeping: nothing is pending and nobody else dragged
    /// lately. Counts as a release, so a second dragger who starts now is gathered with the next.
    pub(super) fn at_once(&mut self, by: ParticipantId, now_ms: u64) -> bool {
        let window = 2 * self.tick_ms;
        let alone = self
            .draggers
            .iter()
            .all(|&(who, at)| who == by || now_ms.saturating_sub(at) >= window);
        let at_once = self.per_conn.is_empty() && alone;
        if at_once {
            self.released_ms = Some(now_ms);
        }
        at_once
    }

    /// `conn`'s pending drags as one frame, taken out of the tick.
    pub(super) fn cut(&mut self, conn: ConnId) -> Option<Frame> {
        let pending = self.per_conn.remove(&conn)?;
        Some(self.encode(pending))
    }

    /// Whether the room should release now: something is pending, and only one participant
    /// dragged lately or the last release is a tick ago (or the clock went back).
    pub(super) fn due(&self, now_ms: u64) -> bool {
        if self.per_conn.is_empty() {
            return false;
        }
        let window = 2 * self.tick_ms;
        let lately = self
            .draggers
            .iter()
            .filter(|&&(_, at)| now_ms.saturating_sub(at) < window)
            .count();
        lately <= 1
            || self
                .released_ms
                .is_none_or(|at| now_ms < at || now_ms.saturating_sub(at) >= self.tick_ms)
    }

    /// How long until the pending drags are due; `None` when nothing is pending.
    pub(super) fn wait(&self, now_ms: u64) -> Option<Duration> {
        if self.per_conn.is_empty() {
            return None;
        }
        let due_at = self.released_ms.map_or(0, |at| at + self.tick_ms);
        Some(Duration::from_millis(due_at.saturating_sub(now_ms)))
    }

    /// Every connection's pending drags, one frame each; the tick starts again at `now_ms`.
    pub(super) fn release(&mut self, now_ms: u64) -> Vec<(ConnId, Frame)> {
        self.released_ms = Some(now_ms);
        let all = std::mem::take(&mut self.per_conn);
        all.into_iter()
            .map(|(conn, pending)| (conn, self.encode(pending)))
            .collect()
    }

    /// Forgets the frames encoded this round (called once the round's frames are out).
    pub(super) fn end_round(&mut self) {
        self.encoded.clear();
    }

    fn encode(&mut self, pending: Vec<Pending>) -> Frame {
        if let Some((_, f)) = self.encoded.iter().find(|(p, _)| *p == pending) {
            return f.clone();
        }
        let f = frame_of(&pending);
        self.encoded.push((pending, f.clone()));
        f
    }
}

/// One `drags` frame holding `pending`, moves and ends apart.
pub(super) fn frame_of(pending: &[Pending]) -> Frame {
    let mut moves = Vec::new();
    let mut ends = Vec::new();
    for p in pending {
        match p.at {
            Some((x, y)) => moves.push(DragMove {
                by: p.by,
                dot: p.dot,
                x,
                y,
            }),
            None => ends.push(DragStop {
                by: p.by,
                dot: p.dot,
            }),
        }
    }
    frame(&ServerMsg::Drags { moves, ends })
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::domain::Drive;

    fn at(by: u32, drive: Drive, x: f32) -> Pending {
        Pending {
            by: ParticipantId(by),
            dot: DotRef::Drive(drive),
            at: Some((x, 0.5)),
        }
    }

    fn decode(f: &Frame) -> ServerMsg {
        ServerMsg::decode(f.as_str()).unwrap()
    }

    #[test]
    fn the_latest_news_of_a_dot_wins_and_an_end_replaces_a_move() {
        let mut g = Gathered::new(DEFAULT_TICK);
        g.add(7, at(1, Drive::Impact, 0.1));
        g.add(7, at(2, Drive::Impact, 0.2));
        g.add(7, at(1, Drive::Impact, 0.3));
        g.add(7, at(1, Drive::Meaning, 0.4));
        g.add(
            7,
            Pending {
                at: None,
                ..at(2, Drive::Impact, 0.0)
            },
        );
        let ServerMsg::Drags { moves, ends } = decode(&g.cut(7).unwrap()) else {
            panic!("a drags frame");
        };
        let xs: Vec<(u32, f32)> = moves.iter().map(|m| (m.by.0, m.x)).collect();
        assert_eq!(xs, [(1, 0.3), (1, 0.4)]);
        assert_eq!(ends.len(), 1);
        assert_eq!(ends[0].by, ParticipantId(2));
        assert!(g.cut(7).is_none(), "cut once");
    }

    #[test]
    fn equal_views_share_one_encoding_and_the_tick_has_a_leading_edge() {
        let mut g = Gathered::new(Duration::from_millis(25));
        assert!(!g.due(1000) && g.wait(1000).is_none(), "nothing pending");
        g.dragged(ParticipantId(1), 990);
        g.dragged(ParticipantId(2), 995);
        for conn in [1, 2, 3] {
            g.add(conn, at(1, Drive::Impact, 0.5));
        }
        g.add(3, at(2, Drive::Meaning, 0.5));
        assert!(
            g.due(1000),
            "the first news after a quiet spell goes at once"
        );
        let out = g.release(1000);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].1.as_str().as_ptr(), out[1].1.as_str().as_ptr());
        assert_ne!(out[0].1, out[2].1);
        g.end_round();
        g.add(1, at(1, Drive::Impact, 0.6));
        g.dragged(ParticipantId(1), 1010);
        assert!(!g.due(1010), "two dragging: gathered for the tick");
        assert_eq!(g.wait(1010), Some(Duration::from_millis(15)));
        assert!(g.due(1025));
        assert!(g.due(900), "a clock that went back does not hold drags");
    }

    #[test]
    fn a_drag_goes_at_once_only_alone_and_with_nothing_pending() {
        let mut g = Gathered::new(Duration::from_millis(25));
        g.dragged(ParticipantId(1), 1000);
        assert!(g.at_once(ParticipantId(1), 1000), "alone, nothing pending");
        g.dragged(ParticipantId(2), 1010);
        assert!(!g.at_once(ParticipantId(2), 1010), "1 dragged 10 ms ago");
        g.add(5, at(2, Drive::Impact, 0.5));
        assert!(
            !g.at_once(ParticipantId(1), 1100),
            "alone again, but 2's drag is still pending: it must not be overtaken"
        );
        g.release(1100);
        g.dragged(ParticipantId(1), 1100);
        assert!(g.at_once(ParticipantId(1), 1100), "2 stopped two ticks ago");
        let ServerMsg::Drags { moves, ends } = decode(&frame_of(&[at(1, Drive::Impact, 0.7)]))
        else {
            panic!("a drags frame");
        };
        assert_eq!((moves.len(), moves[0].x, ends.len()), (1, 0.7, 0));
    }

    #[test]
    fn a_lone_dragger_is_never_held() {
        let mut g = Gathered::new(Duration::from_millis(25));
        for (i, now) in [1000, 1010, 1012, 1040].into_iter().enumerate() {
            g.dragged(ParticipantId(1), now);
            g.add(9, at(1, Drive::Impact, i as f32 / 10.0));
            assert!(g.due(now), "at {now}");
            assert_eq!(g.release(now).len(), 1);
        }
    }
}
