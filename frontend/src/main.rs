//! The board in the browser. `main` only mounts; `app` chooses the page.
//!
//! Two clients come from this crate: the full one (feature `full`, the default) and, without it,
//! the participant's, which the join link loads (`/j/{room}`). The participant's has only their
//! room: every page it lacks is one full page load away (`route::to_full_client`).

// The participant's client leaves out whole pages; what only they used is then unused.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

mod app;
mod boards;
mod connection;
mod crash;
#[cfg(feature = "full")]
mod export;
#[cfg(feature = "full")]
mod export_follow_up;
mod i18n;
mod live;
mod media;
#[cfg(feature = "full")]
mod my_sessions;
mod pages;
mod route;
mod session_api;
mod storage;
mod ui;

fn main() {
    crash::install_hook();
    leptos::mount::mount_to_body(app::App);
}
