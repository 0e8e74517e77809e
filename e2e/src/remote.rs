//! Participants without a browser of their own: each speaks the protocol over a WebSocket that an
//! open page makes (`new WebSocket` in that page, so the connection comes from a real browser on
//! the server's origin). A remote participant joins once and keeps the personal participant key
//! the server gave it; every later batch of commands opens a connection that says hello with that
//! key, so the server takes it for the same person, as it would a returning phone.

use crate::browser::Browser;
use anyhow::{Context, Result, bail, ensure};
use koersbord_shared::Side;
use koersbord_shared::room::Command;
use serde_json::{Value, json};

/// Opens a WebSocket from the page, says hello (`arguments[0..3]`: room, key, participant key or
/// null), sends the commands `arguments[3]` one after the other, each once the previous one is
/// answered, and resolves with `{you, participant_key, role, state, replies}`. Rejects on a connection
/// error, a protocol error or after 8 s without an answer.
const SEND_COMMANDS: &str = r#"
    const [room, key, participantKey, commands] = arguments;
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        const out = { you: null, participant_key: participantKey, role: null, state: null, replies: [] };
        let next = 0;
        const timer = setTimeout(() => {
            ws.close();
            reject(new Error('no answer after ' + JSON.stringify(out)));
        }, 8000);
        const sendNext = () => {
            if (next === commands.length) {
                clearTimeout(timer);
                ws.close();
                resolve(out);
                return;
            }
            ws.send(JSON.stringify({ type: 'command', id: next + 1, command: commands[next] }));
        };
        ws.onopen = () => ws.send(JSON.stringify(
            { type: 'hello', protocol_version: 1, room, key, participant_key: participantKey }));
        ws.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === 'welcome') {
                out.role = m.role;
                out.you = m.you ?? null;
                out.state = m.state;
                sendNext();
            } else if (m.type === 'joined') {
                out.you = m.you;
                out.participant_key = m.participant_key;
            } else if ((m.type === 'ack' || m.type === 'rejected') && m.id === next + 1) {
                out.replies.push(m);
                next += 1;
                sendNext();
            } else if (m.type === 'error') {
                clearTimeout(timer);
                ws.close();
                reject(new Error('protocol error ' + JSON.stringify(m.error)));
            }
        };
        ws.onerror = () => { clearTimeout(timer); reject(new Error('websocket error')); };
    });
"#;

/// What one connection got back for a batch of commands.
#[derive(Clone, Debug)]
pub struct Replies {
    /// `welcome.you`, or the id a `join` in the batch gave.
    pub you: Option<u32>,
    /// The participant key sent in hello, or the one a `join` gave.
    pub participant_key: Option<String>,
    /// `welcome.role`.
    pub role: String,
    /// `welcome.state`: the room as the server showed it to this connection.
    pub state: Value,
    /// One `ack` or `rejected` per command, in order.
    pub replies: Vec<Value>,
}

/// Connects from `page` with `key` (and `participant_key`), sends `commands` in order and returns
/// every answer, refused ones included.
pub async fn send_commands(
    page: &Browser,
    room: &str,
    key: &str,
    participant_key: Option<&str>,
    commands: &[Command],
) -> Result<Replies> {
    let commands = serde_json::to_value(commands)?;
    let out = page
        .execute(
            SEND_COMMANDS,
            vec![json!(room), json!(key), json!(participant_key), commands],
        )
        .await
        .with_context(|| format!("{}: a protocol client in the page", page.label()))?;
    Ok(Replies {
        you: out["you"].as_u64().map(|id| id as u32),
        participant_key: out["participant_key"].as_str().map(str::to_owned),
        role: out["role"].as_str().unwrap_or_default().to_owned(),
        state: out["state"].clone(),
        replies: out["replies"].as_array().cloned().unwrap_or_default(),
    })
}

/// A participant who takes part over the protocol only.
#[derive(Clone, Debug)]
pub struct Remote {
    pub name: String,
    pub side: Side,
    pub id: u32,
    /// The personal key from `joined`: every later connection says hello with it.
    pub participant_key: String,
    room: String,
    join_key: String,
}

impl Remote {
    /// Joins `room` as `name` on `side` with the participant link's `join_key`, over a WebSocket
    /// made by `page`.
    pub async fn join(
        page: &Browser,
        room: &str,
        join_key: &str,
        name: &str,
        side: Side,
    ) -> Result<Remote> {
        let join = Command::Join {
            name: name.to_owned(),
            side,
        };
        let out = send_commands(page, room, join_key, None, &[join]).await?;
        let reply = &out.replies[0];
        ensure!(reply["type"] == "ack", "{name} joining: {reply}");
        let (Some(id), Some(participant_key)) = (out.you, out.participant_key) else {
            bail!("{name} joined without an id or a participant key");
        };
        Ok(Remote {
            name: name.to_owned(),
            side,
            id,
            participant_key,
            room: room.to_owned(),
            join_key: join_key.to_owned(),
        })
    }

    /// Sends `commands` as this participant (a new connection from `page`, hello with the
    /// participant key); fails unless the server knew them as themselves and acknowledged every one.
    pub async fn commands(&self, page: &Browser, commands: &[Command]) -> Result<()> {
        let out = self.try_commands(page, commands).await?;
        for (command, reply) in commands.iter().zip(&out.replies) {
            ensure!(
                reply["type"] == "ack",
                "{}: {command:?} answered {reply}",
                self.name
            );
        }
        Ok(())
    }

    /// [`Remote::commands`] that returns the answers, refusals included.
    pub async fn try_commands(&self, page: &Browser, commands: &[Command]) -> Result<Replies> {
        let out = send_commands(
            page,
            &self.room,
            &self.join_key,
            Some(&self.participant_key),
            commands,
        )
        .await?;
        ensure!(
            out.role == "participant" && out.you == Some(self.id),
            "{}: the server took the participant key for {:?} as {:?}",
            self.name,
            out.you,
            out.role
        );
        ensure!(
            out.replies.len() == commands.len(),
            "{}: {} answers to {} commands",
            self.name,
            out.replies.len(),
            commands.len()
        );
        Ok(out)
    }
}
