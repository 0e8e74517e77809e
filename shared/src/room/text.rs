//! Checks on free text typed by people: length limits and no control characters.

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
        .any(|c| c.is_control() && !(multiline && c == '\n'))
    {
        return Err(Rejection::TextInvalid { field });
    }
    Ok(text.to_owned())
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
}
