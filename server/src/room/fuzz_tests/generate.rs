//! Random commands: mostly what each role would send, sometimes anything, valid or not.

use koersbord_shared::domain::{Board, Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};
use koersbord_shared::room::{Actor, Command};
use rand::Rng;
use rand::rngs::StdRng;

pub(super) fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// Mostly what this actor would send (so many commands pass), sometimes anything at all.
/// A participant places on the board of the step it believes the room is in.
pub(super) fn random_command(rng: &mut StdRng, actor: Actor, phase: Option<Phase>) -> Command {
    let kind = match actor {
        _ if rng.random_bool(0.2) => rng.random_range(0..16),
        Actor::Guest => 0,
        Actor::Participant(_) if phase == Some(Phase::Drives) => 2,
        Actor::Participant(_) if phase == Some(Phase::Pillars) => 6,
        Actor::Participant(_) => rng.random_range(2..9),
        Actor::Facilitator => rng.random_range(9..16),
        Actor::Screen => rng.random_range(0..16),
    };
    let board = pick(rng, &Board::ALL);
    match kind {
        0 | 1 => Command::Join {
            name: if rng.random_bool(0.8) {
                pick(rng, &["Anna", "Bart", " Cor ", "Dirk", "Eva"]).into()
            } else {
                pick(rng, &["", "\u{7}", &"x".repeat(41)]).into()
            },
            side: pick(rng, &Side::ALL),
        },
        2..=5 => Command::PlaceDrive {
            drive: pick(rng, &Drive::ALL),
            zone: rng.random_bool(0.8).then(|| pick(rng, &Zone::ALL)),
        },
        6..=8 => Command::PlacePillar {
            pillar: pick(rng, &Pillar::ALL),
            strength: rng
                .random_bool(0.8)
                .then(|| Strength::new(rng.random_range(0..=100)).unwrap()),
        },
        9 => {
            // The boards' steps most of the time, so placements often pass.
            let any = pick(rng, &Phase::ALL);
            Command::GoToPhase {
                phase: pick(rng, &[Phase::Drives, Phase::Pillars, any]),
            }
        }
        10 => {
            let delta_ms = rng.random_range(-120_000..120_000);
            pick(
                rng,
                &[
                    Command::StartTimer,
                    Command::PauseTimer,
                    Command::ResetTimer,
                    Command::AdjustTimer { delta_ms },
                ],
            )
        }
        11 => Command::SetLocked {
            board,
            locked: rng.random_bool(0.3),
        },
        12 | 13 => Command::SetRevealed {
            board,
            revealed: rng.random_bool(0.5),
        },
        14 => Command::SetResultsShown {
            board,
            shown: rng.random_bool(0.5),
        },
        _ => {
            if rng.random_bool(0.5) {
                Command::RemoveParticipant {
                    id: ParticipantId(rng.random_range(0..10)),
                }
            } else {
                Command::EditSetup {
                    title: pick(rng, &["Titel", "", &"t".repeat(121)]).into(),
                    ambition: pick(rng, &["Samen", "a\nb"]).into(),
                    goals: ["Een".into(), pick(rng, &["Twee", "\u{1b}"]).into()],
                }
            }
        }
    }
}
