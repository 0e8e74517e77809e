//! The JSON Schema of every message, generated from the wire types themselves, so it cannot drift
//! from the decoder. Only with the `schema` feature: the server serves it at
//! `/api/protocol.schema.json` and docs/protocol.schema.json is a copy; the wasm client never
//! carries it.

use super::{ClientMsg, CreateSession, JoinCodeFound, JoinCodeLookup, ServerMsg, SessionCreated};
use crate::domain::{ParticipantId, Strength};
use crate::room::{ActionId, InsightId, Rejection, RoomState};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};
use std::borrow::Cow;

/// The whole protocol: a client message or a server message at the root, and under `$defs` every
/// type by name (the HTTP bodies, `RoomState`, `Rejection` and the rest included).
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<ClientMsg>();
    generator.subschema_for::<ServerMsg>();
    generator.subschema_for::<RoomState>();
    generator.subschema_for::<Rejection>();
    generator.subschema_for::<CreateSession>();
    generator.subschema_for::<SessionCreated>();
    generator.subschema_for::<JoinCodeLookup>();
    generator.subschema_for::<JoinCodeFound>();
    let defs = generator.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("koersbord protocol v{}", super::PROTOCOL_VERSION),
        "description": "One JSON object per WebSocket text frame, tagged by `type`. docs/PROTOCOL.md explains each.",
        "anyOf": [
            {"$ref": "#/$defs/ClientMsg"},
            {"$ref": "#/$defs/ServerMsg"}
        ],
        "$defs": defs,
    })
}

/// The schema of one named type of the document, for validating a single message.
pub fn of(name: &str) -> Value {
    let mut doc = document();
    doc["anyOf"] = Value::Null;
    let mut root = json!({ "$ref": format!("#/$defs/{name}") });
    root["$defs"] = doc["$defs"].take();
    root
}

/// Ids read as a number or as a string of digits (object keys are strings in JSON).
fn id_schema(description: &str) -> Schema {
    json_schema!({
        "description": description,
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": u32::MAX},
            {"type": "string", "pattern": "^[0-9]+$"}
        ]
    })
}

macro_rules! id_schemas {
    ($($id:ident => $what:literal),+ $(,)?) => {
        $(impl JsonSchema for $id {
            fn schema_name() -> Cow<'static, str> {
                stringify!($id).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                id_schema($what)
            }
        })+
    };
}

id_schemas!(
    ParticipantId => "A participant's number in this room; never reused.",
    InsightId => "An insight card's number in this room.",
    ActionId => "An action's number in this room.",
);

impl JsonSchema for Strength {
    fn schema_name() -> Cow<'static, str> {
        "Strength".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "How strong a pillar is: 0 (weak, the rim) to 100 (strong, the core).",
            "type": "integer",
            "minimum": 0,
            "maximum": 100
        })
    }
}
