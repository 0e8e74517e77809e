use super::*;
use crate::domain::{ParticipantId, Strength};
use crate::room::{Participant, Setup, summary_of};
use proptest::prelude::*;

fn person(state: &mut RoomState, id: u32, side: Side) -> &mut Participant {
    state
        .participants
        .entry(ParticipantId(id))
        .or_insert_with(|| Participant::new(ParticipantId(id), format!("p{id}"), side))
}

fn rate(state: &mut RoomState, id: u32, side: Side, pillar: Pillar, v: u8) {
    person(state, id, side)
        .pillars
        .insert(pillar, Strength::new(v).unwrap());
}

fn place(state: &mut RoomState, id: u32, side: Side, drive: Drive, zone: Zone) {
    person(state, id, side).drives.insert(drive, zone);
}

#[test]
fn the_arrow_needs_the_stated_threshold_and_both_medians() {
    assert_eq!(MOVE_THRESHOLD, 10.0);
    assert_eq!(arrow(Some(40.0), Some(50.0)), Some(Arrow::Stronger));
    assert_eq!(arrow(Some(40.0), Some(49.5)), Some(Arrow::Same));
    assert_eq!(arrow(Some(40.0), Some(30.0)), Some(Arrow::Weaker));
    assert_eq!(arrow(Some(40.0), Some(30.5)), Some(Arrow::Same));
    assert_eq!(arrow(Some(40.0), Some(40.0)), Some(Arrow::Same));
    assert_eq!(arrow(None, Some(40.0)), None);
    assert_eq!(arrow(Some(40.0), None), None);
}

#[test]
fn pillars_per_side_then_and_now_with_one_side_missing() {
    let mut then = RoomState::new(Setup::default());
    rate(&mut then, 1, Side::Network, Pillar::Time, 20);
    rate(&mut then, 2, Side::Network, Pillar::Time, 40);
    rate(&mut then, 3, Side::Management, Pillar::Time, 60);
    let record = summary_of(&then, "r1", 0);
    // Now four people of the network and none of management rated time: different group sizes.
    let mut now = RoomState::new(Setup::default());
    for (id, v) in [(1, 50), (2, 50), (3, 30), (4, 60)] {
        rate(&mut now, id, Side::Network, Pillar::Time, v);
    }
    person(&mut now, 5, Side::Management);
    let time = &pillars(&record, &now)[Pillar::Time.index()];
    assert_eq!(
        time.by_side[&Side::Network],
        SideMove {
            then: Some(30.0),
            now: Some(50.0),
            arrow: Some(Arrow::Stronger)
        }
    );
    assert_eq!(
        time.by_side[&Side::Management],
        SideMove {
            then: Some(60.0),
            now: None,
            arrow: None
        }
    );
    let nobody = &pillars(&record, &now)[Pillar::Structure.index()];
    assert!(
        nobody
            .by_side
            .values()
            .all(|m| m.then.is_none() && m.now.is_none() && m.arrow.is_none())
    );
    assert_eq!(record.participants[&Side::Network], 2);
    assert_eq!(now.side_count(Side::Network), 4);
}

#[test]
fn drive_tallies_then_and_now_with_signals_that_appeared_or_went() {
    let mut then = RoomState::new(Setup::default());
    place(
        &mut then,
        1,
        Side::Network,
        Drive::Autonomy,
        Zone::Necessary,
    );
    place(
        &mut then,
        2,
        Side::Management,
        Drive::Autonomy,
        Zone::Important,
    );
    place(&mut then, 1, Side::Network, Drive::Meaning, Zone::Necessary);
    let record = summary_of(&then, "r1", 0);
    let mut now = RoomState::new(Setup::default());
    place(&mut now, 1, Side::Network, Drive::Autonomy, Zone::Important);
    place(
        &mut now,
        2,
        Side::Management,
        Drive::Meaning,
        Zone::Necessary,
    );
    // Impact: nobody rated it then; now someone calls it necessary.
    place(
        &mut now,
        3,
        Side::Management,
        Drive::Impact,
        Zone::Necessary,
    );
    let moves = drives(&record, &now);
    let autonomy = &moves[Drive::Autonomy.index()];
    assert_eq!(autonomy.then[&Side::Network], [1, 0, 0]);
    assert_eq!(autonomy.then[&Side::Management], [0, 1, 0]);
    assert_eq!(autonomy.now[&Side::Network], [0, 1, 0]);
    assert_eq!(autonomy.now[&Side::Management], [0, 0, 0]);
    assert_eq!(autonomy.signal, SignalChange::Gone);
    assert_eq!(moves[Drive::Meaning.index()].signal, SignalChange::Kept);
    let impact = &moves[Drive::Impact.index()];
    assert_eq!(impact.signal, SignalChange::Appeared);
    assert_eq!(impact.then[&Side::Network], [0, 0, 0]);
    assert_eq!(impact.necessary(), (0, 1));
    assert_eq!(
        moves[Drive::Sustainability.index()].signal,
        SignalChange::None
    );
}

#[test]
fn ties_make_no_arrow_and_an_even_count_takes_the_middle_two() {
    let mut then = RoomState::new(Setup::default());
    rate(&mut then, 1, Side::Network, Pillar::Time, 40);
    rate(&mut then, 2, Side::Network, Pillar::Time, 60);
    let record = summary_of(&then, "r1", 0);
    let mut now = RoomState::new(Setup::default());
    rate(&mut now, 1, Side::Network, Pillar::Time, 50);
    let time = pillars(&record, &now)[Pillar::Time.index()].by_side[&Side::Network];
    assert_eq!(
        (time.then, time.now, time.arrow),
        (Some(50.0), Some(50.0), Some(Arrow::Same))
    );
}

proptest! {
    /// The arrow says the sign of the move once it reaches the threshold, and turns around when
    /// then and now swap.
    #[test]
    fn the_arrow_follows_the_move(then in 0u8..=100, now in 0u8..=100) {
        let (t, n) = (f64::from(then), f64::from(now));
        let a = arrow(Some(t), Some(n)).unwrap();
        let back = arrow(Some(n), Some(t)).unwrap();
        let expected = if n - t >= MOVE_THRESHOLD { Arrow::Stronger } else if t - n >= MOVE_THRESHOLD { Arrow::Weaker } else { Arrow::Same };
        prop_assert_eq!(a, expected);
        let flipped = match a { Arrow::Stronger => Arrow::Weaker, Arrow::Weaker => Arrow::Stronger, Arrow::Same => Arrow::Same };
        prop_assert_eq!(back, flipped);
    }

    /// The comparison of a session with its own copy shows nothing moved, whoever placed what.
    #[test]
    fn a_session_beside_itself_moved_nowhere(
        dots in prop::collection::vec((0usize..2, prop::option::of(0usize..3), prop::option::of(0u8..=100)), 0..8)
    ) {
        let mut s = RoomState::new(Setup::default());
        for (i, (side, zone, strength)) in dots.iter().enumerate() {
            let side = Side::ALL[*side];
            person(&mut s, i as u32 + 1, side);
            if let Some(z) = zone { place(&mut s, i as u32 + 1, side, Drive::Impact, Zone::ALL[*z]); }
            if let Some(v) = strength { rate(&mut s, i as u32 + 1, side, Pillar::Time, *v); }
        }
        let record = summary_of(&s, "r", 0);
        for d in drives(&record, &s) {
            prop_assert_eq!(&d.then, &d.now);
            prop_assert!(matches!(d.signal, SignalChange::Kept | SignalChange::None));
        }
        for p in pillars(&record, &s) {
            for m in p.by_side.values() {
                prop_assert_eq!(m.then, m.now);
                prop_assert_eq!(m.arrow, m.then.map(|_| Arrow::Same));
            }
        }
    }

    /// Tallies then and now count every dot placed in each session, whatever the group sizes.
    #[test]
    fn tallies_count_each_sessions_dots(then_n in 0usize..9, now_n in 0usize..9, zone in 0usize..3) {
        let mut then = RoomState::new(Setup::default());
        for i in 0..then_n { place(&mut then, i as u32 + 1, Side::ALL[i % 2], Drive::Meaning, Zone::ALL[zone]); }
        let mut now = RoomState::new(Setup::default());
        for i in 0..now_n { place(&mut now, i as u32 + 1, Side::ALL[i % 2], Drive::Meaning, Zone::ALL[zone]); }
        let m = &drives(&summary_of(&then, "r", 0), &now)[0];
        let total = |c: &BTreeMap<Side, ZoneCounts>| c.values().flatten().sum::<u32>() as usize;
        prop_assert_eq!(total(&m.then), then_n);
        prop_assert_eq!(total(&m.now), now_n);
        let signal = zone == 0;
        prop_assert_eq!(m.signal, SignalChange::of(signal && then_n > 0, signal && now_n > 0));
    }
}
