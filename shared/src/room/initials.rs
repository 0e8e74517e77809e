//! The letters on a person's dot. A dot is small, so it carries one letter when that letter is
//! unique on its side of the table, and two ("Br", "Be") when two people share the first. Two
//! whose first two letters match (or who have the same name) get the letter and their place among
//! those who share it ("A1", "A2"), by order of joining. The other side's dots have another shape,
//! so only one's own side has to differ.

use super::RoomState;
use crate::domain::{ParticipantId, Side};
use std::collections::BTreeMap;

impl RoomState {
    /// Every participant's dot letters, unique within each side.
    pub fn initials(&self) -> BTreeMap<ParticipantId, String> {
        initials(
            self.participants
                .values()
                .map(|p| (p.id, p.side, p.name.as_str())),
        )
    }
}

/// The dot letters for `people`, given in order of joining.
pub fn initials<'a>(
    people: impl IntoIterator<Item = (ParticipantId, Side, &'a str)>,
) -> BTreeMap<ParticipantId, String> {
    let people: Vec<(ParticipantId, Side, Vec<char>)> = people
        .into_iter()
        .map(|(id, side, name)| (id, side, letters(name)))
        .collect();
    let mut out = BTreeMap::new();
    let mut numbered = Vec::new();
    for (id, side, own) in &people {
        let shares = |n: usize| {
            people.iter().any(|(other, s, theirs)| {
                s == side && other != id && prefix(theirs, n) == prefix(own, n)
            })
        };
        if !shares(1) {
            out.insert(*id, prefix(own, 1));
        } else if own.len() >= 2 && !shares(2) {
            out.insert(*id, prefix(own, 2));
        } else {
            numbered.push((*id, *side, prefix(own, 1)));
        }
    }
    // The letter labels are unique by construction (a shared prefix is never chosen). A number is
    // the lowest one free on the side, so it cannot meet a name that is itself digits ("12").
    for (id, side, first) in numbered {
        let taken = |label: &String| {
            people
                .iter()
                .any(|(other, s, _)| *s == side && out.get(other) == Some(label))
        };
        let label = (1..)
            .map(|k| format!("{first}{k}"))
            .find(|l| !taken(l))
            .expect("the numbers do not run out");
        out.insert(id, label);
    }
    out
}

/// The characters a label is made of: the name's letters, or its digits and letters when it has
/// no letters at all; "?" for a name with neither.
fn letters(name: &str) -> Vec<char> {
    let alphabetic: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if !alphabetic.is_empty() {
        return alphabetic;
    }
    let alphanumeric: Vec<char> = name.chars().filter(|c| c.is_alphanumeric()).collect();
    if alphanumeric.is_empty() {
        vec!['?']
    } else {
        alphanumeric
    }
}

/// The first `n` letters, the first in capitals and the rest in small letters.
fn prefix(letters: &[char], n: usize) -> String {
    letters
        .iter()
        .take(n)
        .enumerate()
        .flat_map(|(k, c)| {
            if k == 0 {
                c.to_uppercase().collect::<Vec<_>>()
            } else {
                c.to_lowercase().collect()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn of(people: &[(u32, Side, &str)]) -> Vec<String> {
        let map = initials(people.iter().map(|(id, s, n)| (ParticipantId(*id), *s, *n)));
        people
            .iter()
            .map(|(id, ..)| map[&ParticipantId(*id)].clone())
            .collect()
    }

    use Side::{Management as M, Network as N};

    #[test]
    fn one_letter_while_it_is_unique_on_its_side() {
        assert_eq!(
            of(&[(1, N, "anna"), (2, N, "Bram"), (3, M, "Bea")]),
            ["A", "B", "B"],
            "the other side's B has another shape"
        );
    }

    #[test]
    fn two_people_with_one_first_letter_get_two_letters() {
        assert_eq!(
            of(&[(1, N, "Bram"), (2, N, "bea"), (3, N, "Carla")]),
            ["Br", "Be", "C"]
        );
    }

    #[test]
    fn the_same_first_two_letters_or_name_number_them_in_order_of_joining() {
        assert_eq!(
            of(&[(1, M, "Anna"), (2, M, "Anne"), (3, M, "Ali")]),
            ["A1", "A2", "Al"]
        );
        assert_eq!(of(&[(4, N, "Sam"), (9, N, "Sam")]), ["S1", "S2"]);
    }

    #[test]
    fn letters_come_before_digits_and_marks() {
        assert_eq!(
            of(&[(1, N, "(élise)"), (2, N, "7"), (3, N, "…")]),
            ["É", "7", "?"]
        );
        assert_eq!(of(&[(1, N, "B1"), (2, N, "Bo")]), ["B1", "Bo"]);
        assert_eq!(
            of(&[(1, N, "12"), (2, N, "1"), (3, N, "11")]),
            ["12", "13", "11"],
            "a number skips a name made of digits"
        );
    }

    proptest! {
        #[test]
        fn labels_are_unique_per_side_and_at_most_two_letters_and_a_number(
            names in prop::collection::vec(("[a-cA-C12 ]{0,4}", any::<bool>()), 0..8)
        ) {
            let people: Vec<(ParticipantId, Side, String)> = names
                .iter()
                .enumerate()
                .map(|(k, (n, m))| (ParticipantId(k as u32 + 1), if *m { M } else { N }, n.clone()))
                .collect();
            let map = initials(people.iter().map(|(id, s, n)| (*id, *s, n.as_str())));
            prop_assert_eq!(map.len(), people.len());
            for side in [N, M] {
                let mut seen: Vec<&String> = people
                    .iter()
                    .filter(|(_, s, _)| *s == side)
                    .map(|(id, ..)| &map[id])
                    .collect();
                let count = seen.len();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), count, "a label was shared on one side");
            }
            for label in map.values() {
                prop_assert!(label.chars().count() <= 2, "{} is too long for a dot", label);
            }
        }
    }
}
