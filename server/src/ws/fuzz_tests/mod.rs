//! Hostile input through the server's own path, in process and synchronous: text →
//! `ClientMsg::decode` → `route::route` → the room's `Hub`, whose changes are "committed" at
//! once (a store that never fails). Property tests, a few seconds in all:
//! - arbitrary bytes, JSON-ish text, and valid messages mutated (fields changed, removed, added or
//!   retagged; huge, negative and fractional numbers, NaN-like tokens, control characters and odd
//!   unicode, deep nesting, truncation, oversize) never panic, every refusal leaves the room exactly
//!   as it was and tells nobody anything, and the stored events replay to the room's state;
//! - no sequence of commands by anyone but the facilitator changes the step, the timer, the boards'
//!   switches, the texts, the insight cards or the facilitator's actions, and nobody changes another
//!   participant's dots, reflection or actions.
//!
//! The shared crate proves the same rules over `decide` alone; these go through what the server
//! adds around it: decoding, routing by connection, the hub's bookkeeping of who is who.

mod harness;
mod mutations;
mod strategies;

use super::route::{Route, route};
use crate::room::hub::ConnId;
use crate::room::hub::RoomMsg;
use harness::{EVERYONE, NOT_THE_FACILITATOR, Room, corpus};
use koersbord_shared::protocol::{ClientMsg, MAX_FRAME_BYTES, ProtocolError, ServerMsg, Undecoded};
use koersbord_shared::room::{Rejection, RoomState};
use mutations::{Input, input};
use proptest::prelude::*;
use proptest::sample::select;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use strategies::{any_step, attack};

/// Feeds one frame from `conn` as its socket would (after the rate budget), and checks what a
/// refusal must leave alone.
fn feed(room: &mut Room, conn: ConnId, text: &str) -> Result<(), TestCaseError> {
    let before = room.state().clone();
    let msg = match ClientMsg::decode(text) {
        Ok(msg) => match route(msg, conn, room.now) {
            Route::Room(msg) | Route::Drag(msg) => msg,
            Route::Reply(reply) => {
                prop_assert!(
                    matches!(
                        *reply,
                        ServerMsg::Pong { .. }
                            | ServerMsg::Error {
                                error: ProtocolError::Malformed { .. }
                            }
                    ),
                    "{reply:?}"
                );
                return Ok(());
            }
            Route::Nothing => return Ok(()),
        },
        Err(Undecoded::Frame(ProtocolError::TooLarge { .. })) => {
            prop_assert!(text.len() > MAX_FRAME_BYTES);
            return Ok(());
        }
        Err(Undecoded::Frame(ProtocolError::Malformed { .. })) => return Ok(()),
        // Refused by its id, through the room like every answer to a command.
        Err(Undecoded::Command { id, reason }) => {
            prop_assert!(
                matches!(reason, Rejection::InvalidCommand { .. }),
                "{reason:?}"
            );
            RoomMsg::Undecodable { conn, id, reason }
        }
        Err(other) => {
            return Err(TestCaseError::fail(format!("decode gave {other:?}")));
        }
    };
    let stored = room.handle(msg);
    let told = room.drain();
    let refused = told[&conn]
        .iter()
        .any(|m| matches!(m, ServerMsg::Rejected { .. }));
    if refused {
        prop_assert_eq!(room.state(), &before, "a refusal changed the room");
        prop_assert!(!stored, "a refusal left something to store");
        for (to, msgs) in &told {
            prop_assert!(
                msgs.iter()
                    .all(|m| !matches!(m, ServerMsg::Event { .. } | ServerMsg::Snapshot { .. })),
                "a refusal told {to} something: {msgs:?}"
            );
        }
    }
    if room.state() != &before {
        prop_assert!(stored, "a change that would not be stored");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 160,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_frames_never_panic_and_refusals_change_nothing(
        phase in any_step(),
        hidden in any::<bool>(),
        locked in any::<bool>(),
        frames in prop::collection::vec((select(EVERYONE.to_vec()), input()), 1..24),
    ) {
        let mut room = Room::new(phase, hidden, locked);
        for (conn, input) in &frames {
            feed(&mut room, *conn, &input.render())?;
        }
        prop_assert_eq!(&room.replayed(), room.state(), "the store would load another room");
    }

    #[test]
    fn only_the_facilitator_moves_the_step_the_timer_or_the_content_and_dots_only_their_owner(
        phase in any_step(),
        hidden in any::<bool>(),
        locked in any::<bool>(),
        frames in prop::collection::vec((select(NOT_THE_FACILITATOR.to_vec()), attack()), 1..40),
    ) {
        let mut room = Room::new(phase, hidden, locked);
        let start = room.state().clone();
        let facilitators_actions = |s: &RoomState| {
            s.actions.values().filter(|a| a.author.is_none()).cloned().collect::<Vec<_>>()
        };
        for (conn, text) in &frames {
            let actor = room.you.get(conn).copied();
            let before = room.state().clone();
            feed(&mut room, *conn, text)?;
            let after = room.state();
            prop_assert_eq!(after.phase, start.phase);
            prop_assert_eq!(after.timer, start.timer);
            prop_assert_eq!((after.drives_board, after.pillars_board), (start.drives_board, start.pillars_board));
            prop_assert_eq!(&after.setup, &start.setup);
            prop_assert_eq!(&after.insights, &start.insights);
            prop_assert_eq!(facilitators_actions(after), facilitators_actions(&start));
            for (id, p) in &before.participants {
                let q = after.participants.get(id);
                prop_assert!(q.is_some(), "participant {} was removed by {}", id, conn);
                if actor == Some(*id) {
                    continue;
                }
                let q = q.unwrap();
                prop_assert_eq!(&q.drives, &p.drives, "{}'s drives changed by {}", id, conn);
                prop_assert_eq!(&q.pillars, &p.pillars, "{}'s pillars changed by {}", id, conn);
                prop_assert_eq!(after.reflections.get(id), before.reflections.get(id));
                let by = |s: &RoomState| {
                    s.actions.values().filter(|a| a.author == Some(*id)).cloned().collect::<Vec<_>>()
                };
                prop_assert_eq!(by(after), by(&before), "{}'s actions changed by {}", id, conn);
            }
        }
        prop_assert_eq!(&room.replayed(), room.state());
    }
}

/// The mutator does reach what it is meant to: refusals, acceptances and malformed frames.
#[test]
fn the_mutations_reach_every_outcome() {
    let mut rng = StdRng::seed_from_u64(7);
    let (mut malformed, mut rejected, mut decoded, mut too_large) = (0, 0, 0, 0);
    for base in 0..corpus().len() * 20 {
        let seeds = (0..rng.random_range(1..4)).map(|_| rng.random()).collect();
        let text = Input::Mutated { base, seeds }.render();
        match ClientMsg::decode(&text) {
            Ok(_) => decoded += 1,
            Err(Undecoded::Frame(ProtocolError::Malformed { .. })) => malformed += 1,
            Err(Undecoded::Command { .. }) => rejected += 1,
            Err(Undecoded::Frame(ProtocolError::TooLarge { .. })) => too_large += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(
        decoded > 50 && malformed > 50 && rejected > 20 && too_large > 0,
        "{decoded} {malformed} {rejected} {too_large}"
    );
}
