//! *Mijn sessies*: the sessions created or led in this browser, kept in its `localStorage` only
//! (the server keeps no list of anyone's sessions). Each entry holds the facilitator's link, which
//! is the key to the session; removing an entry forgets the link here and deletes nothing.

use koersbord_shared::Phase;
use koersbord_shared::protocol::{SessionCreated, room_link};
use koersbord_shared::room::{Event, RoomState};
use serde::{Deserialize, Serialize};

const SLOT: &str = "koersbord.sessions";

/// Enough to keep the list short to read and small in storage.
const MAX_REMEMBERED: usize = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub room: String,
    pub facilitator_key: String,
    /// Known when the session was created in this browser (a facilitator's welcome lacks it).
    #[serde(default)]
    pub screen_key: Option<String>,
    #[serde(default)]
    pub title: String,
    /// When this browser last opened or created it, ms since the epoch (the browser's clock).
    pub seen_ms: f64,
    #[serde(default)]
    pub phase: Option<Phase>,
    #[serde(default)]
    pub participants: Option<usize>,
}

impl Remembered {
    pub fn lead_link(&self) -> String {
        room_link(&self.room, &self.facilitator_key)
    }

    pub fn screen_link(&self) -> Option<String> {
        self.screen_key.as_ref().map(|k| room_link(&self.room, k))
    }

    /// The facilitator's link opening on the harvest (`oogst` in the fragment).
    pub fn harvest_link(&self) -> String {
        format!("{}&{}", self.lead_link(), HARVEST_FLAG)
    }
}

/// Added to a room link's fragment to open the harvest at once.
pub use crate::route::HARVEST_FLAG;

/// Puts `entry` first, keeping what is known of the same room that `entry` does not know.
pub fn merged(mut list: Vec<Remembered>, mut entry: Remembered) -> Vec<Remembered> {
    if let Some(at) = list.iter().position(|r| r.room == entry.room) {
        let old = list.remove(at);
        entry.screen_key = entry.screen_key.or(old.screen_key);
        entry.phase = entry.phase.or(old.phase);
        entry.participants = entry.participants.or(old.participants);
        if entry.title.is_empty() {
            entry.title = old.title;
        }
    }
    list.insert(0, entry);
    list.truncate(MAX_REMEMBERED);
    list
}

pub fn without(list: Vec<Remembered>, room: &str) -> Vec<Remembered> {
    list.into_iter().filter(|r| r.room != room).collect()
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The list as stored; an unreadable entry (an older format, a hand edit) starts it afresh.
pub fn load() -> Vec<Remembered> {
    local()
        .and_then(|s| s.get_item(SLOT).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn save(list: &[Remembered]) {
    if let (Some(s), Ok(json)) = (local(), serde_json::to_string(list)) {
        let _ = s.set_item(SLOT, &json);
    }
}

/// Remembers a session just created here, with all three of its links.
pub fn remember_created(created: &SessionCreated, title: &str) {
    let entry = Remembered {
        room: created.room.clone(),
        facilitator_key: created.facilitator_key.clone(),
        screen_key: Some(created.screen_key.clone()),
        title: title.into(),
        seen_ms: js_sys::Date::now(),
        phase: Some(Phase::Lobby),
        participants: Some(0),
    };
    save(&merged(load(), entry));
}

/// Remembers (or refreshes) a session this browser leads, as its room stands now.
pub fn remember_led(room: &str, facilitator_key: &str, state: &RoomState) {
    let entry = Remembered {
        room: room.into(),
        facilitator_key: facilitator_key.into(),
        screen_key: None,
        title: state.setup.title.clone(),
        seen_ms: js_sys::Date::now(),
        phase: Some(state.phase),
        participants: Some(state.participants.len()),
    };
    save(&merged(load(), entry));
}

/// Whether an event changes what the list shows of a session (its title, step or people).
pub fn changes_listing(event: &Event) -> bool {
    matches!(
        event,
        Event::SetupEdited { .. }
            | Event::PhaseChanged { .. }
            | Event::ParticipantJoined { .. }
            | Event::ParticipantRemoved { .. }
    )
}

pub fn forget(room: &str) {
    save(&without(load(), room));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(room: &str, title: &str) -> Remembered {
        Remembered {
            room: room.into(),
            facilitator_key: format!("f{room}"),
            screen_key: None,
            title: title.into(),
            seen_ms: 1.0,
            phase: None,
            participants: None,
        }
    }

    #[test]
    fn the_latest_comes_first_and_keeps_what_was_known_before() {
        let mut first = entry("a", "Eerste");
        first.screen_key = Some("s".into());
        let list = merged(vec![first], entry("b", "Tweede"));
        let mut again = entry("a", "");
        again.phase = Some(Phase::Drives);
        let list = merged(list, again);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].room, "a");
        assert_eq!(list[0].title, "Eerste");
        assert_eq!(list[0].screen_key.as_deref(), Some("s"));
        assert_eq!(list[0].phase, Some(Phase::Drives));
        assert_eq!(list[0].harvest_link(), "/r/a#k=fa&oogst");
        assert_eq!(without(list, "a").len(), 1);
    }
}
