//! Micro-benchmarks of the pure hot paths: decoding what clients send, applying a drop to a full
//! room, encoding what the server sends. `cargo bench -p koersbord-shared`; numbers in
//! docs/PERFORMANCE.md.

use criterion::{Criterion, criterion_group, criterion_main};
use koersbord_shared::protocol::{ClientMsg, ServerMsg};
use koersbord_shared::room::{Actor, Command, Event, RoomState, Setup, handle};
use koersbord_shared::{DotRef, Drive, ParticipantId, Phase, Side, Zone};
use std::hint::black_box;

const DRAG: &str = r#"{"type":"drag","dot":{"kind":"drive","item":"impact"},"x":0.41234,"y":0.73}"#;
const PLACE: &str = r#"{"type":"command","id":7,"command":{"type":"place_drive","drive":"impact","zone":"necessary"}}"#;

/// A room in the drives step with its 8 participants (4 per side).
fn full_room() -> (RoomState, Vec<ParticipantId>) {
    let mut state = RoomState::new(Setup {
        title: "Bench".into(),
        ..Setup::default()
    });
    let mut ids = Vec::new();
    for i in 0..8 {
        let side = if i % 2 == 0 {
            Side::Network
        } else {
            Side::Management
        };
        let join = Command::Join {
            name: format!("P{i}"),
            side,
        };
        let events = handle(&mut state, Actor::Guest, &join, 0).expect("joins");
        if let Some(Event::ParticipantJoined { participant }) = events.first() {
            ids.push(participant.id);
        }
    }
    let go = Command::GoToPhase {
        phase: Phase::Drives,
    };
    handle(&mut state, Actor::Facilitator, &go, 0).expect("moves to drives");
    (state, ids)
}

fn decode(c: &mut Criterion) {
    c.bench_function("decode drag", |b| {
        b.iter(|| ClientMsg::decode(black_box(DRAG)).unwrap())
    });
    c.bench_function("decode place_drive command", |b| {
        b.iter(|| ClientMsg::decode(black_box(PLACE)).unwrap())
    });
}

fn apply(c: &mut Criterion) {
    let (mut state, ids) = full_room();
    let zones = [
        Some(Zone::Necessary),
        Some(Zone::Important),
        Some(Zone::Neutral),
        None,
    ];
    let mut n = 0usize;
    c.bench_function("room::handle place_drive (full room)", |b| {
        b.iter(|| {
            n += 1;
            // Every call moves the dot somewhere new, so it always yields an event.
            let command = Command::PlaceDrive {
                drive: Drive::Impact,
                zone: zones[n % zones.len()],
            };
            let actor = Actor::Participant(ids[0]);
            handle(black_box(&mut state), actor, black_box(&command), 0).unwrap()
        })
    });
    c.bench_function(
        "RoomState::view_for participant (full room, welcome)",
        |b| b.iter(|| black_box(&state).view_for(Actor::Participant(ids[1]))),
    );
}

fn encode(c: &mut Criterion) {
    let (state, ids) = full_room();
    let drag = ServerMsg::Drag {
        by: ids[0],
        dot: DotRef::Drive(Drive::Impact),
        x: 0.412_34,
        y: 0.73,
    };
    c.bench_function("encode drag relay", |b| {
        b.iter(|| black_box(&drag).encode())
    });
    let event = ServerMsg::Event {
        seq: 123,
        event: Event::DrivePlaced {
            by: ids[0],
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
    };
    c.bench_function("encode drive_placed event", |b| {
        b.iter(|| black_box(&event).encode())
    });
    let snapshot = ServerMsg::Snapshot { state };
    c.bench_function("encode snapshot (full room)", |b| {
        b.iter(|| black_box(&snapshot).encode())
    });
}

criterion_group!(benches, decode, apply, encode);
criterion_main!(benches);
