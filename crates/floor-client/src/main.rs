//! A participant's first screen reduced to what it cannot do without: a join form (a name, two
//! sides, a button) that opens the room's WebSocket, shows the session's title from the welcome
//! and sends the join. With the `protocol` feature the messages are the real ones, read and written
//! by serde exactly as the client does; without it they are plain strings, so the difference
//! between the two builds is the cost of the protocol's decoding alone.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn main() {
    let title = RwSignal::new(String::new());
    let host = web_sys::window()
        .and_then(|w| w.location().host().ok())
        .unwrap_or_default();
    let Ok(ws) = web_sys::WebSocket::new(&format!("ws://{host}/ws")) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string() {
                title.set(read(&text));
            }
        });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let name = RwSignal::new(String::new());
    let network = RwSignal::new(true);
    let socket = ws.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let _ = socket.send_with_str(&join(name.get(), network.get()));
    };
    mount_to_body(move || {
        view! {
            <section>
                <h1>"Meedoen"</h1>
                <p>{move || title.get()}</p>
                <form on:submit=submit>
                    <input bind:value=name/>
                    <button type="button" aria-pressed=move || network.get().to_string()
                        on:click=move |_| network.set(true)>"Leernetwerk"</button>
                    <button type="button" aria-pressed=move || (!network.get()).to_string()
                        on:click=move |_| network.set(false)>"Management"</button>
                    <button type="submit" disabled=move || name.get().trim().is_empty()>"Meedoen"</button>
                </form>
            </section>
        }
    });
}

/// What a frame from the server shows: the title of a welcome.
#[cfg(feature = "protocol")]
fn read(text: &str) -> String {
    use koersbord_shared::protocol::ServerMsg;
    match serde_json::from_str::<ServerMsg>(text) {
        Ok(ServerMsg::Welcome { state, .. }) | Ok(ServerMsg::Snapshot { state }) => {
            state.setup.title
        }
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[cfg(not(feature = "protocol"))]
fn read(text: &str) -> String {
    text.to_string()
}

/// The join, as the frame to send.
#[cfg(feature = "protocol")]
fn join(name: String, network: bool) -> String {
    use koersbord_shared::Side;
    use koersbord_shared::protocol::ClientMsg;
    use koersbord_shared::room::Command;
    let side = if network {
        Side::Network
    } else {
        Side::Management
    };
    let msg = ClientMsg::Command {
        id: 1,
        op: None,
        command: Command::Join { name, side },
    };
    serde_json::to_string(&msg).unwrap_or_default()
}

#[cfg(not(feature = "protocol"))]
fn join(name: String, network: bool) -> String {
    format!("{name}:{network}")
}
