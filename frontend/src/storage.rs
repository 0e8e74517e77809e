//! What this browser remembers between visits: the chosen language and, per room, the key that
//! makes it the same participant again after a reload.

use web_sys::Storage;

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn participant_slot(room: &str) -> String {
    format!("koersbord.participant.{room}")
}

pub fn participant_key(room: &str) -> Option<String> {
    local()?.get_item(&participant_slot(room)).ok()?
}

pub fn set_participant_key(room: &str, key: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(&participant_slot(room), key);
    }
}

pub fn forget_participant_key(room: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(&participant_slot(room));
    }
}

pub fn language() -> Option<String> {
    local()?.get_item("koersbord.lang").ok()?
}

pub fn set_language(code: &str) {
    if let Some(s) = local() {
        let _ = s.set_item("koersbord.lang", code);
    }
}

pub fn sound_muted() -> bool {
    local()
        .and_then(|s| s.get_item("koersbord.mute").ok().flatten())
        .is_some_and(|v| v == "1")
}

pub fn set_sound_muted(muted: bool) {
    if let Some(s) = local() {
        let _ = s.set_item("koersbord.mute", if muted { "1" } else { "0" });
    }
}

/// Whether this browser shows the boards as lists (a reader's choice, kept across sessions).
pub fn list_view() -> bool {
    local()
        .and_then(|s| s.get_item("koersbord.list").ok().flatten())
        .is_some_and(|v| v == "1")
}

pub fn set_list_view(on: bool) {
    if let Some(s) = local() {
        let _ = s.set_item("koersbord.list", if on { "1" } else { "0" });
    }
}
