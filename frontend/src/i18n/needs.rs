//! Naming what an insight is about or which need an action answers, wherever it is shown: the
//! board, the harvest, the Markdown export.

use super::{Lang, T};
use koersbord_shared::room::{Need, RoomState};

/// How a need reads: "Ambitie", "Doel 1", a drive or pillar, or an insight card's opening words.
pub fn need_label(need: Need, state: &RoomState, lang: Lang) -> String {
    match need {
        Need::Ambition => T::Ambition.get(lang).to_owned(),
        Need::Goal(g) => format!("{} {}", T::Goal.get(lang), g + 1),
        Need::Drive(d) => d.dutch().to_owned(),
        Need::Pillar(p) => p.dutch().to_owned(),
        Need::Insight(id) => match state.insights.get(&id) {
            Some(i) => format!("“{}”", shorten(&i.text, 48)),
            None => "–".into(),
        },
    }
}

/// The language of a need's label where it is not the page's: a drive's or pillar's name is a
/// Dutch term of the method in every language (3.1.2).
pub fn need_lang(need: Need) -> Option<&'static str> {
    matches!(need, Need::Drive(_) | Need::Pillar(_)).then_some("nl")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_insights_are_shortened_in_labels() {
        assert_eq!(shorten("kort", 10), "kort");
        assert_eq!(shorten("abcdefghijk", 5), "abcd…");
    }
}
