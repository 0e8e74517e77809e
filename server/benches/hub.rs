//! The server's fan-out path, outside the (private) hub: encode a relay once into the hub's frame
//! type (`Utf8Bytes`), then clone it into 9 bounded per-connection queues (`tokio::sync::mpsc`,
//! 256 frames like `Tuning::outgoing_queue`) with `try_send`, as `room::delivery` does; the
//! writers' side drains them. `cargo bench -p koersbord-server --bench hub`.

use axum::extract::ws::Utf8Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use koersbord_shared::protocol::ServerMsg;
use koersbord_shared::room::Event;
use koersbord_shared::{DotRef, Drive, ParticipantId, Zone};
use std::hint::black_box;
use tokio::sync::mpsc;

const SOCKETS: usize = 9;

fn fan_out(c: &mut Criterion) {
    let (txs, mut rxs): (Vec<_>, Vec<_>) = (0..SOCKETS)
        .map(|_| mpsc::channel::<Utf8Bytes>(256))
        .unzip();
    let drag = ServerMsg::Drag {
        by: ParticipantId(1),
        dot: DotRef::Drive(Drive::Impact),
        x: 0.412_34,
        y: 0.73,
    };
    let event = ServerMsg::Event {
        seq: 123,
        event: Event::DrivePlaced {
            by: ParticipantId(1),
            drive: Drive::Impact,
            zone: Some(Zone::Necessary),
        },
    };
    for (name, msg) in [("drag", &drag), ("drive_placed event", &event)] {
        c.bench_function(&format!("encode + fan out {name} to 9 queues"), |b| {
            b.iter(|| {
                let frame = Utf8Bytes::from(black_box(msg).encode());
                for tx in &txs {
                    tx.try_send(frame.clone()).expect("drained every round");
                }
                for rx in &mut rxs {
                    black_box(rx.try_recv().expect("one frame each"));
                }
            })
        });
    }
    c.bench_function("fan out a ready frame to 9 queues (no encode)", |b| {
        let frame = Utf8Bytes::from(drag.encode());
        b.iter(|| {
            for tx in &txs {
                tx.try_send(frame.clone()).expect("drained every round");
            }
            for rx in &mut rxs {
                black_box(rx.try_recv().expect("one frame each"));
            }
        })
    });
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
