//! The checks catch what they are for: each rule broken on purpose in rows shaped like the
//! database's, and the clean case passes.

use super::*;
use crate::report::{Acked, ClientReport, Placement, Role};
use koersbord_shared::{Drive, Zone};

type Row = (i64, String, Option<i64>);

fn rows(tokens: &[Option<i64>]) -> Vec<Row> {
    tokens
        .iter()
        .enumerate()
        .map(|(k, t)| (k as i64 + 1, "{}".to_owned(), *t))
        .collect()
}

fn hubs(tokens: &[i64]) -> HashMap<i64, String> {
    tokens.iter().map(|t| (*t, format!("hub-{t}"))).collect()
}

#[test]
fn fencing_passes_runs_of_rising_tokens() {
    let mut v = Verdict::default();
    check_fencing(
        "r",
        &rows(&[Some(1), Some(1), Some(2), Some(3)]),
        &hubs(&[1, 2, 3]),
        &mut v,
    );
    assert!(v.fencing.is_empty(), "{:?}", v.fencing);
    assert_eq!(v.owners["r"].len(), 3);
}

#[test]
fn fencing_catches_interleaving_unfenced_and_unclaimed_writes() {
    let mut v = Verdict::default();
    // A paused hub (token 1) writing after its successor (token 2) took over.
    check_fencing(
        "r",
        &rows(&[Some(1), Some(2), Some(1)]),
        &hubs(&[1, 2]),
        &mut v,
    );
    assert_eq!(v.fencing.len(), 1, "{:?}", v.fencing);
    let mut v = Verdict::default();
    check_fencing("r", &rows(&[Some(1), None]), &hubs(&[1]), &mut v);
    assert_eq!(v.fencing.len(), 1, "{:?}", v.fencing);
    let mut v = Verdict::default();
    check_fencing("r", &rows(&[Some(1), Some(2)]), &hubs(&[1]), &mut v);
    assert_eq!(v.fencing.len(), 1, "{:?}", v.fencing);
}

#[test]
fn seqs_must_run_from_one_without_gaps() {
    let mut v = Verdict::default();
    check_seqs("r", &rows(&[None, None]), &mut v);
    assert!(v.seqs.is_empty());
    let mut gap = rows(&[None, None, None]);
    gap[2].0 = 4;
    check_seqs("r", &gap, &mut v);
    assert_eq!(v.seqs.len(), 1);
}

fn drop_at(seq: u64, by: u32, p: Placement) -> (u64, Event) {
    let event = Event::DrivePlaced {
        by: ParticipantId(by),
        drive: p.drive,
        zone: Some(p.zone),
    };
    (seq, event)
}

fn client(acked: &[(u64, Placement)], pending: Option<Placement>) -> ClientReport {
    ClientReport {
        room: "r".into(),
        role: Role::Participant(ParticipantId(1)),
        acked: acked
            .iter()
            .map(|(seq, p)| Acked {
                op: format!("op-{seq}"),
                placement: *p,
                seq: *seq,
            })
            .collect(),
        pending,
        sessions: Vec::new(),
        rejected: Vec::new(),
        errors: Vec::new(),
        elsewhere: 0,
    }
}

#[test]
fn drops_must_be_in_the_log_once_each_at_their_seq() {
    let a = Placement::nth(0);
    let b = Placement::nth(1);
    let c = Placement::nth(2);
    assert_ne!(a, b);
    let other = Placement {
        drive: Drive::Impact,
        zone: Zone::Neutral,
    };
    let clean: BTreeMap<u64, Event> = [drop_at(2, 1, a), drop_at(3, 2, other), drop_at(4, 1, b)]
        .into_iter()
        .collect();
    let run = |events: &BTreeMap<u64, Event>, c: &ClientReport| {
        let mut v = Verdict::default();
        check_drops("r", ParticipantId(1), c, events, &mut v);
        v.exactly_once
    };
    assert!(run(&clean, &client(&[(2, a), (4, b)], None)).is_empty());
    // The unanswered last drop may or may not have got in.
    assert!(run(&clean, &client(&[(2, a)], Some(b))).is_empty());
    let mut pending_in = clean.clone();
    pending_in.extend([drop_at(5, 1, c)]);
    assert!(run(&pending_in, &client(&[(2, a), (4, b)], Some(c))).is_empty());
    // An acked drop missing (acked by a hub that never wrote it).
    assert!(!run(&clean, &client(&[(2, a), (4, b), (4, c)], None)).is_empty());
    // A drop applied twice: the resend of `a` after `b` moved the dot back.
    let mut doubled = clean.clone();
    doubled.extend([drop_at(5, 1, a)]);
    assert!(!run(&doubled, &client(&[(2, a), (4, b)], None)).is_empty());
    // An ack naming another seq than the drop's.
    assert!(!run(&clean, &client(&[(3, a), (4, b)], None)).is_empty());
}
