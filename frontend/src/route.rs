//! Which page the address asks for. Capabilities travel in the fragment (`#k=...`), which browsers
//! never send to a server, so keys stay out of logs and Referer headers.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Start,
    Privacy,
    Room { room: String, key: Option<String> },
    NotFound,
}

impl Route {
    pub fn parse(path: &str, hash: &str) -> Route {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Start,
            ["privacy"] => Route::Privacy,
            // `/j/` is the participants' link (`protocol::join_link`): the same room page, in the
            // participant's client (only the boot script tells the two paths apart).
            ["r" | "j", room] if is_token(room) => Route::Room {
                room: room.to_string(),
                key: key_from_hash(hash),
            },
            _ => Route::NotFound,
        }
    }

    pub fn current() -> Route {
        let location = web_sys::window().expect("window").location();
        Route::parse(
            &location.pathname().unwrap_or_default(),
            &location.hash().unwrap_or_default(),
        )
    }
}

/// The fragment word that opens a room on its harvest (`#k=...&oogst`: Mijn sessies, and a
/// participant's "Oogst openen").
pub const HARVEST_FLAG: &str = "oogst";

/// The full client for this room, with `extra` (`&oogst`) added to the fragment: a full page load
/// of `/r/{room}#…`. The participant's client goes there for whatever it does not carry (another
/// role's key on a join link, the harvest); the full client shows every role and page.
#[cfg(not(feature = "full"))]
pub fn to_full_client(room: &str, extra: &str, replace: bool) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let hash = location.hash().unwrap_or_default();
    let to = format!("/r/{room}{hash}{extra}");
    let _ = if replace {
        location.replace(&to)
    } else {
        location.assign(&to)
    };
}

/// Whether this page is the facilitator's preview of the shared screen (`protocol::preview_link`).
pub fn is_preview() -> bool {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    preview_in_hash(&hash)
}

fn preview_in_hash(hash: &str) -> bool {
    hash.trim_start_matches('#')
        .split('&')
        .any(|pair| pair == koersbord_shared::protocol::PREVIEW_FLAG)
}

fn key_from_hash(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("k="))
        .filter(|k| is_token(k))
        .map(str::to_owned)
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_link_is_known_by_its_fragment_and_keeps_its_key() {
        let link = koersbord_shared::protocol::preview_link("abc123", "ff");
        let (path, hash) = link.split_once('#').unwrap();
        assert!(preview_in_hash(&format!("#{hash}")));
        assert_eq!(
            Route::parse(path, &format!("#{hash}")),
            Route::Room {
                room: "abc123".into(),
                key: Some("ff".into())
            }
        );
        assert!(!preview_in_hash("#k=ff"));
        assert!(!preview_in_hash("#k=previewed"));
    }

    #[test]
    fn reads_the_room_and_key_from_a_link() {
        assert_eq!(Route::parse("/", ""), Route::Start);
        assert_eq!(Route::parse("/privacy", ""), Route::Privacy);
        assert_eq!(
            Route::parse("/r/abc123", "#k=deadbeef"),
            Route::Room {
                room: "abc123".into(),
                key: Some("deadbeef".into())
            }
        );
        assert_eq!(
            Route::parse(
                &koersbord_shared::protocol::join_link("abc123", "deadbeef")
                    .replace("#k=deadbeef", ""),
                "#k=deadbeef"
            ),
            Route::Room {
                room: "abc123".into(),
                key: Some("deadbeef".into())
            }
        );
        assert_eq!(
            Route::parse("/r/abc123", ""),
            Route::Room {
                room: "abc123".into(),
                key: None
            }
        );
        assert_eq!(
            Route::parse("/r/abc123/", "#x=1&k=ff"),
            Route::Room {
                room: "abc123".into(),
                key: Some("ff".into())
            }
        );
    }

    #[test]
    fn refuses_odd_paths_and_keys() {
        assert_eq!(Route::parse("/r/a b", ""), Route::NotFound);
        assert_eq!(Route::parse("/elders", ""), Route::NotFound);
        assert_eq!(
            Route::parse("/r/abc", "#k=<script>"),
            Route::Room {
                room: "abc".into(),
                key: None
            }
        );
    }
}
