//! The HTTP surface over real sockets: health, sessions, join codes, the static client, headers.

mod common;

use common::{TestServer, http};
use koersbord_server::Config;
use koersbord_shared::protocol::JoinCodeFound;
use serde_json::Value;

fn assert_security_headers(r: &common::HttpResponse) {
    let csp = &r.headers["content-security-policy"];
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    assert_eq!(r.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn healthz_answers_ok_with_the_security_headers() {
    let server = TestServer::start().await;
    let r = server.http("GET", "/healthz", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "ok");
    assert_security_headers(&r);
}

#[tokio::test]
async fn a_session_gets_a_room_three_distinct_keys_and_a_join_code() {
    let server = TestServer::start().await;
    let r = server
        .http(
            "POST",
            "/api/sessions",
            Some(r#"{"title":"  Start ","ambition":"Samen","goals":["a","b"]}"#),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_security_headers(&r);
    let s: koersbord_shared::protocol::SessionCreated = serde_json::from_str(&r.body).unwrap();
    assert_eq!(s.room.len(), 10);
    assert!(
        s.room
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    for key in [&s.facilitator_key, &s.join_key, &s.screen_key] {
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_ne!(s.facilitator_key, s.join_key);
    assert_ne!(s.join_key, s.screen_key);
    assert_eq!(s.join_code.len(), 6);
    // The texts reach the room trimmed, as the state machine cleans them.
    let (_, welcome) = server.hello(&s.room, &s.facilitator_key, None).await;
    assert_eq!(common::state_of(&welcome).setup.title, "Start");
    assert_eq!(common::state_of(&welcome).seq, 0);
}

#[tokio::test]
async fn bad_session_texts_get_the_rooms_typed_rejection() {
    let server = TestServer::start().await;
    let long = format!(r#"{{"title":"{}"}}"#, "t".repeat(121));
    let r = server.http("POST", "/api/sessions", Some(&long)).await;
    assert_eq!(r.status, 400);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["code"], "text_too_long");
    assert_eq!(v["field"], "title");
    assert_eq!(v["max"], 120);
    let r = server
        .http("POST", "/api/sessions", Some(r#"{"title":"a\u0007b"}"#))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap()["code"],
        "text_invalid"
    );
    let r = server
        .http("POST", "/api/sessions", Some("{not json"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap()["code"],
        "malformed"
    );
}

#[tokio::test]
async fn join_codes_are_found_leniently_and_guessing_is_slowed_down() {
    let server = TestServer::start().await;
    let s = server.create_session().await;
    let typed = format!(
        " {}-{} ",
        &s.join_code[..3].to_lowercase(),
        &s.join_code[3..]
    );
    let r = server
        .http(
            "POST",
            "/api/join-code",
            Some(&format!(r#"{{"code":"{typed}"}}"#)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let found: JoinCodeFound = serde_json::from_str(&r.body).unwrap();
    assert_eq!(found.room, s.room);
    assert_eq!(found.join_key, s.join_key);

    let r = server
        .http("POST", "/api/join-code", Some(r#"{"code":"ZZZZZZ"}"#))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, r#"{"code":"unknown_code"}"#);
    // Ten guesses a minute per address: two were used, eight remain.
    for _ in 0..8 {
        let r = server
            .http("POST", "/api/join-code", Some(r#"{"code":"ZZZZZZ"}"#))
            .await;
        assert_eq!(r.status, 404);
    }
    let r = server
        .http(
            "POST",
            "/api/join-code",
            Some(&format!(r#"{{"code":"{}"}}"#, s.join_code)),
        )
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body, r#"{"code":"slow_down"}"#);
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let server = TestServer::start().await;
    let r = server.http("GET", "/api/nothing", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, r#"{"code":"not_found"}"#);
}

#[tokio::test]
async fn the_client_is_served_with_gzip_twins_and_an_spa_fallback() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>koersbord</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log('plain')").unwrap();
    std::fs::write(dist.path().join("app.js.gz"), b"\x1f\x8bfake-gzip").unwrap();
    let config = Config {
        dist: dist.path().to_owned(),
        ..Config::default()
    };
    let server = TestServer::with(config).await;

    let r = server.http("GET", "/", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<title>koersbord</title>"));
    assert_security_headers(&r);
    // A page of the app that is no file: index.html, with 200 so reloads work.
    let r = server.http("GET", "/r/abcdefghij", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<title>koersbord</title>"));

    let r = http(
        server.addr,
        "GET",
        "/app.js",
        &[("Accept-Encoding", "gzip")],
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-encoding"], "gzip");
    assert!(r.headers["content-type"].contains("javascript"));
    let r = server.http("GET", "/app.js", None).await;
    assert_eq!(r.body, "console.log('plain')");
    assert!(!r.headers.contains_key("content-encoding"));
}

#[tokio::test]
async fn without_a_built_client_pages_say_how_to_build_it() {
    let server = TestServer::start().await; // dist points nowhere
    for path in ["/", "/r/abcdefghij"] {
        let r = server.http("GET", path, None).await;
        assert_eq!(r.status, 503, "{path}");
        assert!(r.body.contains("cargo xtask serve"), "{}", r.body);
    }
    // The rest of the server works regardless.
    assert_eq!(server.http("GET", "/healthz", None).await.status, 200);
}
