//! docs/PROTOCOL.md cannot drift from the code: every fenced JSON example in it is read by the real
//! decoder, says nothing the decoder would ignore, and is valid against the published schema; the
//! schema equals docs/protocol.schema.json and what `GET /api/protocol.schema.json` serves.
//!
//! After changing a wire type: `KOERSBORD_WRITE_SCHEMA=1 cargo test -p koersbord-server --test
//! protocol_schema` rewrites docs/protocol.schema.json.

mod common;

use common::TestServer;
use koersbord_shared::protocol::{
    ClientMsg, CreateSession, JoinCodeFound, JoinCodeLookup, ServerMsg, SessionCreated, schema,
};
use koersbord_shared::room::{Rejection, RoomState};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::PathBuf;

const DOC: &str = include_str!("../../docs/PROTOCOL.md");

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol.schema.json")
}

fn generated() -> String {
    serde_json::to_string_pretty(&schema::document()).unwrap() + "\n"
}

/// Every fenced block tagged `json <kind>`, as (kind, line, value) for each JSON value in it.
fn examples() -> Vec<(String, usize, Value)> {
    let mut found = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (n, line) in DOC.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) if info.starts_with("json") => {
                let kind = info.trim_start_matches("json").trim();
                assert!(
                    !kind.is_empty(),
                    "line {}: say what the example is (```json client)",
                    n + 1
                );
                open = Some((kind.to_owned(), n + 1, String::new()));
            }
            (Some(_), Some("")) => {
                let (kind, at, text) = open.take().unwrap();
                for value in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
                    let value = value.unwrap_or_else(|e| panic!("line {at}: not JSON: {e}"));
                    found.push((kind.clone(), at, value));
                }
            }
            (Some((_, _, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(open.is_none(), "an example block is not closed");
    found
}

/// The value without its `null` members: an absent optional field and a `null` one decode alike.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Decodes with serde and encodes again, as text (so `f32` reads as written).
fn again<T: DeserializeOwned + Serialize>(text: &str) -> Result<String, String> {
    let decoded: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(serde_json::to_string(&decoded).unwrap())
}

#[test]
fn every_example_in_the_protocol_document_decodes_and_fits_the_schema() {
    let examples = examples();
    assert!(
        examples.len() >= 25,
        "only {} examples found",
        examples.len()
    );
    let mut validators = std::collections::HashMap::new();
    for (kind, line, value) in &examples {
        let text = value.to_string();
        let (name, encoded) = match kind.as_str() {
            "client" => (
                "ClientMsg",
                ClientMsg::decode(&text)
                    .map(|m| m.encode())
                    .map_err(|e| format!("{e:?}")),
            ),
            "server" => (
                "ServerMsg",
                ServerMsg::decode(&text)
                    .map(|m| m.encode())
                    .map_err(|e| e.to_string()),
            ),
            "state" => ("RoomState", again::<RoomState>(&text)),
            "rejection" => ("Rejection", again::<Rejection>(&text)),
            "create_session" => ("CreateSession", again::<CreateSession>(&text)),
            "session_created" => ("SessionCreated", again::<SessionCreated>(&text)),
            "join_code" => ("JoinCodeLookup", again::<JoinCodeLookup>(&text)),
            "join_code_found" => ("JoinCodeFound", again::<JoinCodeFound>(&text)),
            other => panic!("line {line}: unknown kind of example {other:?}"),
        };
        let encoded =
            encoded.unwrap_or_else(|e| panic!("line {line}: {text}\ndoes not decode: {e}"));
        let encoded: Value = serde_json::from_str(&encoded).unwrap();
        assert_eq!(
            without_nulls(&encoded),
            without_nulls(value),
            "line {line}: the decoder reads something else than the example says (a misspelt or extra field?)"
        );
        let validator = validators
            .entry(name)
            .or_insert_with(|| jsonschema::validator_for(&schema::of(name)).unwrap());
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "line {line}: {text}\nagainst {name}: {errors:?}"
        );
    }
}

#[test]
fn the_schema_refuses_what_the_decoder_refuses() {
    let client = jsonschema::validator_for(&schema::of("ClientMsg")).unwrap();
    for bad in [
        r#"{"type":"teleport"}"#,
        r#"{"type":"command","id":1,"command":{"type":"fly"}}"#,
        r#"{"type":"command","id":1,"command":{"type":"place_pillar","pillar":"time","strength":101}}"#,
        r#"{"type":"command","id":-1,"command":{"type":"start_timer"}}"#,
        r#"{"type":"drag","dot":{"kind":"drive","item":"impact"},"x":"0.5","y":0.5}"#,
    ] {
        let value: Value = serde_json::from_str(bad).unwrap();
        assert!(!client.is_valid(&value), "the schema accepts {bad}");
        assert!(ClientMsg::decode(bad).is_err(), "the decoder accepts {bad}");
    }
}

#[test]
fn the_published_schema_file_is_the_generated_one() {
    let path = schema_path();
    if std::env::var_os("KOERSBORD_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, generated()).unwrap();
    }
    let file = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        file == generated(),
        "docs/protocol.schema.json is not the generated schema: run with KOERSBORD_WRITE_SCHEMA=1"
    );
}

#[tokio::test]
async fn the_server_serves_the_schema() {
    let server = TestServer::start().await;
    let r = server.http("GET", "/api/protocol.schema.json", None).await;
    assert_eq!(r.status, 200);
    let served: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(served, schema::document());
    assert!(served["$defs"]["ClientMsg"].is_object() && served["$defs"]["ServerMsg"].is_object());
}
