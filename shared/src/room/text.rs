//! Checks on free text typed by people: length limits, no control characters, and no invisible
//! format characters that reorder or hide text. The client runs the same checks before it sends.

use super::rejection::{Rejection, TextField};

/// Trims `raw` and checks it against `max` characters. Newlines are allowed only where `multiline`.
pub fn clean(
    field: TextField,
    raw: &str,
    max: usize,
    required: bool,
    multiline: bool,
) -> Result<String, Rejection> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(Rejection::TextEmpty { field });
    }
    let len = text.chars().count();
    if len > max {
        return Err(Rejection::TextTooLong { field, max, len });
    }
    if text
        .chars()
        .any(|c| (c.is_control() && !(multiline && c == '\n')) || hides_or_reorders(c))
    {
        return Err(Rejection::TextInvalid { field });
    }
    Ok(text.to_owned())
}

/// Unicode format characters that change how the text around them reads without being seen: the
/// bidirectional controls (Bidi_Control: "Anna\u{202E}gnp.exe" shows as "Annaexe.png"),
/// zero-width characters (two names that look the same), and tag characters (hidden text).
pub fn hides_or_reorders(c: char) -> bool {
    matches!(c,
        '\u{061C}'                  // arabic letter mark
        | '\u{200B}'..='\u{200F}'   // zero-width space, non-joiner, joiner; LRM, RLM
        | '\u{202A}'..='\u{202E}'   // embeddings and overrides
        | '\u{2060}'                 // word joiner
        | '\u{2066}'..='\u{2069}'   // isolates
        | '\u{FEFF}'                 // zero-width no-break space (byte order mark)
        | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_ordinary_text() {
        assert_eq!(
            clean(TextField::Name, "  Anna de Vries ", 40, true, false).unwrap(),
            "Anna de Vries"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(clean(TextField::Name, &"é".repeat(40), 40, true, false).is_ok());
        assert_eq!(
            clean(TextField::Name, &"é".repeat(41), 40, true, false),
            Err(Rejection::TextTooLong {
                field: TextField::Name,
                max: 40,
                len: 41
            })
        );
    }

    #[test]
    fn refuses_empty_required_text_and_control_characters() {
        assert_eq!(
            clean(TextField::Name, "   ", 40, true, false),
            Err(Rejection::TextEmpty {
                field: TextField::Name
            })
        );
        assert!(clean(TextField::Title, "", 40, false, false).is_ok());
        assert_eq!(
            clean(TextField::Name, "a\u{7}b", 40, true, false),
            Err(Rejection::TextInvalid {
                field: TextField::Name
            })
        );
        assert_eq!(
            clean(TextField::Name, "a\nb", 40, true, false),
            Err(Rejection::TextInvalid {
                field: TextField::Name
            })
        );
        assert!(clean(TextField::Ambition, "a\nb", 40, true, true).is_ok());
        assert!(clean(TextField::Ambition, "a\r\nb", 40, true, true).is_err());
    }

    #[test]
    fn refuses_characters_that_reorder_or_hide_text() {
        for c in [
            '\u{202E}',
            '\u{202A}',
            '\u{2066}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{E0041}',
            '\u{E007F}',
        ] {
            for field in [TextField::Name, TextField::Reflection] {
                assert_eq!(
                    clean(field, &format!("Anna{c}gnp.exe"), 40, true, true),
                    Err(Rejection::TextInvalid { field }),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        // Letters of right-to-left scripts and ordinary punctuation stay welcome.
        assert!(clean(TextField::Name, "سارا", 40, true, false).is_ok());
        assert!(clean(TextField::Name, "שרה – O'Neil", 40, true, false).is_ok());
        assert!(!hides_or_reorders('\u{2010}') && !hides_or_reorders('\u{2028}'));
    }
}
