//! Random commands: mostly what each role would send, sometimes anything, valid or not.

use koersbord_shared::domain::{Board, Drive, ParticipantId, Phase, Pillar, Side, Strength, Zone};
use koersbord_shared::room::{ActionDraft, ActionId, Actor, Command, InsightId, Need};
use rand::Rng;
use rand::rngs::StdRng;

/// The kinds of command `random_command` draws from: 0..16 the room's, 16..23 the outcomes'.
const ROOM_KINDS: u32 = 16;
const ALL_KINDS: u32 = 23;

pub(super) fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// Mostly what this actor would send (so many commands pass), sometimes anything at all.
/// A participant places on the board of the step it believes the room is in.
/// With `outcomes` off, no insight, action or reflection commands are drawn.
pub(super) fn random_command(
    rng: &mut StdRng,
    actor: Actor,
    phase: Option<Phase>,
    outcomes: bool,
) -> Command {
    let kinds = if outcomes { ALL_KINDS } else { ROOM_KINDS };
    let kind = match actor {
        _ if rng.random_bool(0.2) => rng.random_range(0..kinds),
        Actor::Guest => 0,
        Actor::Participant(_) if phase == Some(Phase::Drives) => 2,
        Actor::Participant(_) if phase == Some(Phase::Pillars) => 6,
        Actor::Participant(_) if outcomes => pick(rng, &[2, 6, 22]),
        Actor::Participant(_) => rng.random_range(2..9),
        Actor::Facilitator => rng.random_range(9..kinds.min(22)),
        Actor::Screen => rng.random_range(0..kinds),
    };
    let kind = kind % kinds;
    if kind >= ROOM_KINDS {
        return outcome_command(rng, kind);
    }
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

/// Insight cards, actions and reflections, with ids that may or may not exist.
fn outcome_command(rng: &mut StdRng, kind: u32) -> Command {
    let text: String = pick(rng, &["Inzicht", "Samen leren", "", "\u{1b}"]).into();
    let about = match rng.random_range(0..5) {
        0 => None,
        1 => Some(Need::Ambition),
        2 => Some(Need::Goal(rng.random_range(0..3))),
        3 => Some(Need::Drive(pick(rng, &Drive::ALL))),
        _ => Some(Need::Pillar(pick(rng, &Pillar::ALL))),
    };
    let action = ActionDraft {
        what: pick(rng, &["Plan maken", "", "Overleg"]).into(),
        owners: vec![ParticipantId(rng.random_range(0..6))],
        other_owner: String::new(),
        due: pick(
            rng,
            &[None, Some("2026-12-01".to_string()), Some("ooit".into())],
        ),
        answers: about,
    };
    let (insight, item) = (
        InsightId(rng.random_range(0..5)),
        ActionId(rng.random_range(0..5)),
    );
    match kind {
        16 | 17 => Command::AddInsight { text, about },
        18 => Command::EditInsight {
            id: insight,
            text,
            about,
        },
        19 => Command::RemoveInsight { id: insight },
        20 => pick(
            rng,
            &[
                Command::AddAction {
                    action: action.clone(),
                },
                Command::EditAction { id: item, action },
            ],
        ),
        21 => Command::RemoveAction { id: item },
        _ => Command::SetReflection { text },
    }
}
