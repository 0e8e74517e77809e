//! A session as data that is kept for a while and then goes: the HTTP bodies around it beyond
//! creating one (docs/PROTOCOL.md, *Sessions*), and the retention rule both sides count with.

use serde::{Deserialize, Serialize};

/// A day in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// When a session last changed `last_active_ms` ago is deleted, if the server keeps sessions
/// `retention_days`; `None` when it keeps them forever (0 days).
pub fn kept_until(last_active_ms: u64, retention_days: u32) -> Option<u64> {
    (retention_days > 0).then(|| last_active_ms.saturating_add(u64::from(retention_days) * DAY_MS))
}

/// Whether a session last changed at `last_active_ms` is past its time at `now_ms`.
pub fn expired(last_active_ms: u64, retention_days: u32, now_ms: u64) -> bool {
    kept_until(last_active_ms, retention_days).is_some_and(|until| until < now_ms)
}

/// `GET /api/info`: what this server tells every visitor about how it keeps data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Days a session is kept after its last change; 0 keeps it forever.
    pub retention_days: u32,
    /// The organisation running the server (`--org-name`); may be empty.
    #[serde(default)]
    pub org_name: String,
    /// Whom to ask about stored data (`--privacy-contact`); may be empty.
    #[serde(default)]
    pub privacy_contact: String,
}

/// `GET /api/sessions/{room}` with one of the room's keys: how long the session is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionKept {
    pub last_active_ms: u64,
    /// Milliseconds since the epoch; `None` when the server keeps sessions forever.
    pub kept_until_ms: Option<u64>,
}

/// One session of a series, as `GET /api/sessions/{room}/series` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesEntry {
    pub room: String,
    pub title: String,
    /// When it was created, in milliseconds since the epoch.
    pub held_ms: u64,
    /// Deleted since (an earlier session a follow-up still holds a copy of).
    #[serde(default)]
    pub gone: bool,
}

/// `GET /api/sessions/{room}/series` with one of the room's keys: the sessions linked to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// When this session was created: its date in the route.
    #[serde(default)]
    pub held_ms: u64,
    /// The sessions it follows, oldest first, from its own copy (so also those deleted since).
    pub earlier: Vec<SeriesEntry>,
    /// The follow-ups made from it and from those, oldest first; a deleted one is not listed.
    pub later: Vec<SeriesEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_goes_the_day_after_its_last_change_plus_the_retention_time() {
        let last = 1_000 * DAY_MS;
        assert_eq!(kept_until(last, 365), Some(last + 365 * DAY_MS));
        assert_eq!(kept_until(last, 0), None);
        assert!(!expired(last, 365, last + 364 * DAY_MS));
        assert!(!expired(last, 365, last + 365 * DAY_MS));
        assert!(expired(last, 365, last + 366 * DAY_MS));
        assert!(!expired(0, 0, u64::MAX), "0 days keeps forever");
        assert_eq!(kept_until(u64::MAX, 1), Some(u64::MAX));
    }

    #[test]
    fn the_bodies_read_as_documented() {
        let info: ServerInfo = serde_json::from_str(r#"{"retention_days":30}"#).unwrap();
        assert_eq!((info.retention_days, info.org_name.as_str()), (30, ""));
        let kept = SessionKept {
            last_active_ms: 5,
            kept_until_ms: None,
        };
        assert_eq!(
            serde_json::to_string(&kept).unwrap(),
            r#"{"last_active_ms":5,"kept_until_ms":null}"#
        );
    }
}
