//! Hostile frames: nasty values, mutations of valid messages (as values and as text), and the
//! strategy that makes them.

use super::harness::corpus;
use koersbord_shared::protocol::MAX_FRAME_BYTES;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// Values a hostile client might put anywhere.
fn nasty(rng: &mut StdRng) -> Value {
    let strings = [
        "",
        "   ",
        "\u{0}",
        "\u{7}",
        "a\nb",
        "a\r\nb",
        "\u{1b}[31m",
        "\u{202e}gnp.exe",
        "\u{200b}",
        "\u{feff}x",
        "<script>alert(1)</script>",
        "'; DROP TABLE sessions; --",
        "../../etc/passwd",
        "NaN",
        "Infinity",
        "facilitator",
        "participant",
        "2026-02-30",
        "9999-12-31",
        "impact",
        "network",
        "drives",
        "necessary",
    ];
    match rng.random_range(0..12) {
        0 => json!(pick(rng, &strings)),
        1 => json!("😀".repeat(rng.random_range(1..700))),
        2 => json!("é".repeat(rng.random_range(1..700))),
        3 => json!(pick(
            rng,
            &[
                json!(0),
                json!(-1),
                json!(1),
                json!(100),
                json!(101),
                json!(255),
                json!(256),
                json!(u32::MAX),
                json!(u64::from(u32::MAX) + 1),
                json!(u64::MAX),
                json!(i64::MIN),
                json!(i64::MAX),
            ]
        )),
        4 => json!(pick(
            rng,
            &[
                1e308,
                -1e308,
                0.5,
                -0.0,
                1e-320,
                1.5,
                0.999_999_9,
                1.000_000_1
            ]
        )),
        5 => Value::Null,
        6 => json!(rng.random_bool(0.5)),
        7 => json!([]),
        8 => json!({}),
        9 => json!({"kind": pick(rng, &["insight", "goal", "drive", "ambition", "x"]), "item": 1}),
        10 => {
            // Deeper than serde_json reads (128), or not.
            let mut v = json!(1);
            for _ in 0..rng.random_range(1..200) {
                v = if rng.random_bool(0.5) {
                    json!([v])
                } else {
                    json!({ "a": v })
                };
            }
            v
        }
        _ => json!(rng.random::<i64>()),
    }
}

fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// Every `type` tag a message or command has, and near misses.
const TAGS: &[&str] = &[
    "hello",
    "command",
    "drag",
    "drag_end",
    "ping",
    "welcome",
    "event",
    "join",
    "remove_participant",
    "edit_setup",
    "go_to_phase",
    "start_timer",
    "pause_timer",
    "adjust_timer",
    "reset_timer",
    "place_drive",
    "place_pillar",
    "set_locked",
    "set_revealed",
    "set_results_shown",
    "set_listed",
    "add_insight",
    "edit_insight",
    "remove_insight",
    "add_action",
    "edit_action",
    "remove_action",
    "set_reflection",
    "set_review",
    "carry_open_actions",
    "set_comparison_shown",
    "Command",
    "PLACE_DRIVE",
    "place_drive ",
    "",
];

/// Keys a client might add hoping the server believes them.
const SNEAKY_KEYS: &[&str] = &[
    "by",
    "participant",
    "role",
    "actor",
    "author",
    "you",
    "id",
    "type",
    "seq",
    "__proto__",
];

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

/// Every node's path, the root's (empty) first.
fn paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(Seg::Key(k.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Seg::Idx(i));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Idx(i) => &mut v[*i],
    })
}

/// Changes one thing in a message, as a hostile or broken client would.
fn mutate(v: &mut Value, rng: &mut StdRng) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    let path = pick(rng, &all);
    match rng.random_range(0..5) {
        // Any field (or the whole message) becomes something nasty.
        0 | 1 => *node(v, &path) = nasty(rng),
        // A field goes missing.
        2 => {
            if let Some((Seg::Key(k), parent)) = path.split_last()
                && let Value::Object(map) = node(v, parent)
            {
                map.remove(k);
            }
        }
        // A field is added, often one naming someone.
        3 => {
            let objects: Vec<_> = all
                .iter()
                .filter(|p| node(v, p).is_object())
                .cloned()
                .collect();
            if !objects.is_empty() {
                let at = pick(rng, &objects);
                let key = pick(rng, SNEAKY_KEYS).to_string();
                let value = if rng.random_bool(0.5) {
                    json!(pick(rng, &[1, 2, 3]))
                } else {
                    nasty(rng)
                };
                node(v, &at)[key.as_str()] = value;
            }
        }
        // A message or command takes another's tag, keeping its fields.
        _ => {
            let tagged: Vec<_> = all
                .iter()
                .filter(|p| node(v, p).get("type").is_some())
                .cloned()
                .collect();
            if !tagged.is_empty() {
                let at = pick(rng, &tagged);
                node(v, &at)["type"] = json!(pick(rng, TAGS));
            }
        }
    }
}

/// Changes the text itself: numbers JSON has no word for, cuts, junk, a repeated tag, oversize.
fn mutate_text(text: &mut String, rng: &mut StdRng) {
    let boundary = |text: &str, rng: &mut StdRng| {
        let mut at = rng.random_range(0..=text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match rng.random_range(0..5) {
        0 => {
            if let Some(start) = text.find(|c: char| c.is_ascii_digit()) {
                let len = text[start..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len() - start);
                let token = pick(
                    rng,
                    &[
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "1e999",
                        "-1e999",
                        "0x1F",
                        "01",
                        "1.0",
                        "-0",
                        "18446744073709551616",
                        "340282366920938463463374607431768211456",
                        "1e400",
                        "+1",
                    ],
                );
                text.replace_range(start..start + len, token);
            }
        }
        1 => {
            let at = boundary(text, rng);
            text.truncate(at);
        }
        2 => {
            let at = boundary(text, rng);
            let junk = pick(
                rng,
                &["\"", "}", "{", ",", "\\", "\u{0}", "\\ud800", "]", ":"],
            );
            text.insert_str(at, junk);
        }
        3 => {
            if let Some(at) = text.find('{') {
                let tag = format!("\"type\":\"{}\",", pick(rng, TAGS));
                text.insert_str(at + 1, &tag);
            }
        }
        _ => {
            if rng.random_bool(0.2) {
                // Past the frame limit: refused before parsing.
                text.push_str(&" ".repeat(MAX_FRAME_BYTES));
            }
        }
    }
}

/// What a hostile frame is made of.
#[derive(Clone, Debug)]
pub(super) enum Input {
    Bytes(Vec<u8>),
    Text(String),
    /// `corpus()[base]`, mutated by each seed in turn (as a value, then some as text).
    Mutated {
        base: usize,
        seeds: Vec<u64>,
    },
}

impl Input {
    pub(super) fn render(&self) -> String {
        match self {
            Input::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Input::Text(text) => text.clone(),
            Input::Mutated { base, seeds } => {
                let corpus = corpus();
                let mut v = serde_json::to_value(&corpus[base % corpus.len()]).unwrap();
                let mut text_seeds = Vec::new();
                for &seed in seeds {
                    let mut rng = StdRng::seed_from_u64(seed);
                    if rng.random_bool(0.25) {
                        text_seeds.push(rng);
                    } else {
                        mutate(&mut v, &mut rng);
                    }
                }
                let mut text = v.to_string();
                for mut rng in text_seeds {
                    mutate_text(&mut text, &mut rng);
                }
                text
            }
        }
    }
}

pub(super) fn input() -> impl Strategy<Value = Input> {
    let json_ish = r#"\{"type":"(command|drag|drag_end|ping|hello)"(,"[a-z_]{1,8}":("[^"\\]{0,10}"|-?[0-9]{1,25}(\.[0-9]{1,5})?(e[+-]?[0-9]{1,4})?|null|true|\[\]|\{\}|\{"type":"[a-z_]{1,20}"\}))*\}"#;
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Input::Bytes),
        1 => json_ish.prop_map(Input::Text),
        6 => (any::<usize>(), prop::collection::vec(any::<u64>(), 1..4))
            .prop_map(|(base, seeds)| Input::Mutated { base, seeds }),
    ]
}
