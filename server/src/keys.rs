//! Room ids, capability keys and join codes. Keys are bearer capabilities: whoever holds one holds
//! the role, so they come from the OS's CSPRNG, are compared in constant time and are never logged.

use rand::TryRngCore;
use rand::rngs::OsRng;

/// Lowercase base32 (RFC 4648 letters, digits 2-7): safe in a URL path, easy to read aloud.
const ROOM_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
pub const ROOM_ID_LEN: usize = 10;

/// Uppercase letters and digits without look-alikes (no I, L, O, 0, 1): typed on a phone in a room.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const JOIN_CODE_LEN: usize = 6;

fn os_random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without the OS's randomness no key can be trusted: failing loudly beats weak keys.
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random number generator is unavailable");
    bytes
}

/// A fresh room id: 10 characters, 50 bits. Not a secret (it is in every link), only unique.
pub fn room_id() -> String {
    os_random::<ROOM_ID_LEN>()
        .iter()
        .map(|b| ROOM_ALPHABET[usize::from(b % 32)] as char)
        .collect()
}

/// Whether `id` has the shape of a room id, so junk never costs a database lookup.
pub fn looks_like_room_id(id: &str) -> bool {
    id.len() == ROOM_ID_LEN && id.bytes().all(|b| ROOM_ALPHABET.contains(&b))
}

/// A fresh capability: 128 random bits as 32 lowercase hex digits.
pub fn capability() -> String {
    os_random::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh join code of six characters (about 30 bits); uniqueness is the registry's job.
pub fn join_code() -> String {
    // Rejection sampling keeps every character equally likely (256 is not a multiple of 31).
    let limit = 256 - 256 % CODE_ALPHABET.len();
    let mut code = String::with_capacity(JOIN_CODE_LEN);
    while code.len() < JOIN_CODE_LEN {
        for b in os_random::<16>() {
            if usize::from(b) < limit && code.len() < JOIN_CODE_LEN {
                code.push(CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()] as char);
            }
        }
    }
    code
}

/// What a person typed, as the registry stores codes: uppercase, without spaces and dashes.
pub fn normalize_join_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Compares a presented key with a stored one without leaking, through timing, how much matched.
pub fn same_key(presented: &str, stored: &str) -> bool {
    let (a, b) = (presented.as_bytes(), stored.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn room_ids_are_ten_url_safe_characters() {
        let id = room_id();
        assert_eq!(id.len(), ROOM_ID_LEN);
        assert!(id.bytes().all(|b| ROOM_ALPHABET.contains(&b)));
        assert!(looks_like_room_id(&id));
        assert!(!looks_like_room_id("ABCDEFGHIJ"));
        assert!(!looks_like_room_id("abc"));
    }

    #[test]
    fn capabilities_are_128_bit_hex_and_do_not_repeat() {
        let keys: HashSet<_> = (0..100).map(|_| capability()).collect();
        assert_eq!(keys.len(), 100);
        for k in &keys {
            assert_eq!(k.len(), 32);
            assert!(
                k.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
    }

    #[test]
    fn join_codes_avoid_look_alikes() {
        for _ in 0..100 {
            let code = join_code();
            assert_eq!(code.len(), JOIN_CODE_LEN);
            assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
            assert!(!code.contains(['O', '0', 'I', '1', 'L']));
        }
    }

    #[test]
    fn typed_codes_ignore_case_spaces_and_dashes() {
        assert_eq!(normalize_join_code(" ab3-x y9 "), "AB3XY9");
    }

    #[test]
    fn key_comparison_needs_an_exact_match() {
        assert!(same_key("abc", "abc"));
        assert!(!same_key("abd", "abc"));
        assert!(!same_key("ab", "abc"));
        assert!(!same_key("", "abc"));
    }
}
