//! What each viewer may see. While a board is hidden, participants see only their own dots on it and
//! the shared screen sees none, so nobody anchors on what others chose. The facilitator sees all.

use super::{Actor, Event, RoomState};
use crate::domain::{Board, ParticipantId};

/// Someone looking at the room: the same roles as those who act in it.
pub type Viewer = Actor;

impl RoomState {
    /// Whether `viewer` may see where `owner` put the dots on `board`.
    pub fn shows_dots(&self, viewer: Viewer, owner: ParticipantId, board: Board) -> bool {
        self.board(board).revealed
            || viewer == Actor::Facilitator
            || viewer == Actor::Participant(owner)
    }

    /// The state as `viewer` may see it: hidden dots of others are taken out.
    pub fn view_for(&self, viewer: Viewer) -> RoomState {
        let mut view = self.clone();
        for p in view.participants.values_mut() {
            if !self.shows_dots(viewer, p.id, Board::Drives) {
                p.drives.clear();
            }
            if !self.shows_dots(viewer, p.id, Board::Pillars) {
                p.pillars.clear();
            }
        }
        view
    }
}

impl Event {
    /// Whether `viewer` may receive this event, judged on the state it produced.
    pub fn visible_to(&self, viewer: Viewer, state: &RoomState) -> bool {
        match self {
            Event::DrivePlaced { by, .. } => state.shows_dots(viewer, *by, Board::Drives),
            Event::PillarPlaced { by, .. } => state.shows_dots(viewer, *by, Board::Pillars),
            _ => true,
        }
    }
}
