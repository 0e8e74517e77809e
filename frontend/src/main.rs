//! The board in the browser. `main` only mounts; `app` chooses the page.

mod app;
mod boards;
mod connection;
mod export;
mod i18n;
mod live;
mod pages;
mod route;
mod storage;
mod ui;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
