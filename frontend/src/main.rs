//! The board in the browser. `main` only mounts; `app` chooses the page.

mod app;
mod boards;
mod connection;
mod crash;
mod export;
mod export_follow_up;
mod i18n;
mod live;
mod media;
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
