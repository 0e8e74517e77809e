//! Naming what an insight is about or which need an action answers, and carrying that choice
//! through a `<select>`.

use crate::i18n::{Lang, T, need_label as label};
use koersbord_shared::room::{InsightId, Need, RoomState};
use koersbord_shared::{Drive, Pillar};
use leptos::prelude::*;

/// The value of an `<option>` for a need: `"drive:3"`, `"goal:0"`, `"insight:12"`, or `""`.
pub fn encode(need: Option<Need>) -> String {
    match need {
        None => String::new(),
        Some(Need::Ambition) => "ambition".into(),
        Some(Need::Goal(g)) => format!("goal:{g}"),
        Some(Need::Drive(d)) => format!("drive:{}", d.index()),
        Some(Need::Pillar(p)) => format!("pillar:{}", p.index()),
        Some(Need::Insight(i)) => format!("insight:{}", i.0),
    }
}

pub fn decode(value: &str) -> Option<Need> {
    let (kind, item) = value.split_once(':').unwrap_or((value, ""));
    let n: Option<usize> = item.parse().ok();
    match kind {
        "ambition" => Some(Need::Ambition),
        "goal" => n.filter(|g| *g < 2).map(|g| Need::Goal(g as u8)),
        "drive" => n.and_then(|i| Drive::ALL.get(i)).map(|d| Need::Drive(*d)),
        "pillar" => n.and_then(|i| Pillar::ALL.get(i)).map(|p| Need::Pillar(*p)),
        "insight" => n.map(|i| Need::Insight(InsightId(i as u32))),
        _ => None,
    }
}

/// The choices for a `<select>`: everything an insight can be about, plus insights for actions.
pub fn options(state: &RoomState, lang: Lang, with_insights: bool) -> Vec<(String, String)> {
    let mut out = vec![(encode(None), T::Nothing.get(lang).to_owned())];
    let mut push = |need: Need| out.push((encode(Some(need)), label(need, state, lang)));
    push(Need::Ambition);
    push(Need::Goal(0));
    push(Need::Goal(1));
    Drive::ALL.into_iter().for_each(|d| push(Need::Drive(d)));
    Pillar::ALL.into_iter().for_each(|p| push(Need::Pillar(p)));
    if with_insights {
        state
            .insights
            .keys()
            .for_each(|id| push(Need::Insight(*id)));
    }
    out
}

/// A `<select>` of needs bound to `value`.
#[component]
pub fn NeedSelect(
    value: RwSignal<Option<Need>>,
    with_insights: bool,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let live = crate::live::use_live();
    let i18n = crate::i18n::use_i18n();
    let choices = move || live.with_state(|s| options(s, i18n.lang(), with_insights));
    view! {
        <select data-testid=testid on:change=move |ev| value.set(decode(&event_target_value(&ev)))
            prop:value=move || encode(value.get())>
            {move || choices().into_iter().map(|(v, text)| {
                let selected = encode(value.get_untracked()) == v;
                view! { <option value=v selected=selected>{text}</option> }
            }).collect_view()}
        </select>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::room::Setup;

    #[test]
    fn every_option_reads_back_as_itself() {
        let state = RoomState::new(Setup::default());
        for (value, _) in options(&state, Lang::Nl, true) {
            assert_eq!(encode(decode(&value)), value);
        }
        assert_eq!(decode("insight:7"), Some(Need::Insight(InsightId(7))));
        assert_eq!(decode("goal:2"), None);
        assert_eq!(decode("drive:8"), None);
        assert_eq!(decode("nonsense"), None);
    }
}
