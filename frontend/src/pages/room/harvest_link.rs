//! The harvest in the participant's client: not carried, one full page load away. "Oogst openen"
//! opens this room in the full client on its harvest (`#k=...&oogst`), where the same key and the
//! participant key kept for this room make them the same participant again.

use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use crate::route::{HARVEST_FLAG, to_full_client};
use leptos::prelude::*;

/// Whether this browser shows the harvest instead of the current step (here: goes to it).
#[derive(Clone, Copy)]
pub struct HarvestOpen(pub RwSignal<bool>);

/// Whether the link asked to open on the harvest; the full client shows it.
pub fn asked_for() -> bool {
    window().location().hash().is_ok_and(|h| {
        h.trim_start_matches('#')
            .split('&')
            .any(|p| p == HARVEST_FLAG)
    })
}

/// Asked for on a join link: the full client shows it.
#[component]
pub fn Harvest() -> impl IntoView {
    let live = use_live();
    to_full_client(&live.room.get_value(), "", true);
}

/// Opens the harvest in the full client.
#[component]
pub fn HarvestButton() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let open = move |_| to_full_client(&live.room.get_value(), &format!("&{HARVEST_FLAG}"), false);
    view! {
        <button class="secondary harvest-button" data-testid="open-harvest" on:click=open>
            {i18n.t(T::OpenHarvest)}
        </button>
    }
}
