//! A room of the load: its session, the facilitator's step to the drives board, and 8 participants
//! joined, all through the proxy before any hub is harmed.

use crate::client::{self, Ws};
use anyhow::{Result, anyhow, bail};
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::room::Command;
use koersbord_shared::{ParticipantId, Phase, Side};
use std::net::SocketAddr;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// What the room's clients need to come back as themselves.
#[derive(Clone, Debug)]
pub struct RoomKeys {
    pub room: String,
    pub screen_key: String,
    pub join_key: String,
    /// Each participant's id and personal key, in join order.
    pub participants: Vec<(ParticipantId, String)>,
}

pub async fn setup_room(front: SocketAddr, index: usize, participants: usize) -> Result<RoomKeys> {
    let session =
        koersbord_loadgen::create_session(front, &format!("Cluster room {index}")).await?;
    let room = session.room.clone();
    let mut fac = welcomed(front, &room, &session.facilitator_key).await?;
    let go = Command::GoToPhase {
        phase: Phase::Drives,
    };
    command(&mut fac, go, None).await?;
    let _ = fac.close(None).await;
    let mut joined = Vec::new();
    for p in 0..participants {
        let mut ws = welcomed(front, &room, &session.join_key).await?;
        let side = if p % 2 == 0 {
            Side::Network
        } else {
            Side::Management
        };
        let join = Command::Join {
            name: format!("Deelnemer {p}"),
            side,
        };
        let op = format!("join-{}-{p}", rand::random::<u64>());
        joined.push(
            command(&mut ws, join, Some(op))
                .await?
                .ok_or_else(|| anyhow!("no joined"))?,
        );
        let _ = ws.close(None).await;
    }
    Ok(RoomKeys {
        room,
        screen_key: session.screen_key,
        join_key: session.join_key,
        participants: joined,
    })
}

async fn welcomed(front: SocketAddr, room: &str, key: &str) -> Result<Ws> {
    let (mut ws, _) = client::connect(front, room).await?;
    client::send(&mut ws, &client::hello(room, key, None)).await?;
    match client::recv(&mut ws, WAIT).await? {
        ServerMsg::Welcome { .. } => Ok(ws),
        other => bail!("hello answered {other:?}"),
    }
}

/// Sends `command` as id 1 and waits for its ack; returns what `joined` said, if anything.
async fn command(
    ws: &mut Ws,
    command: Command,
    op: Option<String>,
) -> Result<Option<(ParticipantId, String)>> {
    client::send(ws, &ClientMsg::Command { id: 1, op, command }).await?;
    let mut joined = None;
    loop {
        match client::recv(ws, WAIT).await? {
            ServerMsg::Joined {
                you,
                participant_key,
            } => joined = Some((you, participant_key)),
            ServerMsg::Ack { id: 1, .. } => return Ok(joined),
            ServerMsg::Rejected { reason, .. } => bail!("setup command rejected: {reason:?}"),
            ServerMsg::Error { error } => bail!("error during setup: {error:?}"),
            _ => {}
        }
    }
}
