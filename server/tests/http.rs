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
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    assert_eq!(r.headers["x-frame-options"], "SAMEORIGIN");
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

/// `--join-code-days 0`: every code has expired, and answers exactly as an unknown one does.
#[tokio::test]
async fn an_expired_join_code_is_unknown() {
    let server = TestServer::with_tuning(|t| t.join_code_days = 0).await;
    let s = server.create_session().await;
    let r = server.lookup_code(&s.join_code).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, r#"{"code":"unknown_code"}"#);
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
    let r = server.lookup_code(&typed).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let found: JoinCodeFound = serde_json::from_str(&r.body).unwrap();
    assert_eq!(found.room, s.room);
    assert_eq!(found.join_key, s.join_key);

    let r = server.lookup_code("ZZZZZZ").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, r#"{"code":"unknown_code"}"#);
    // Ten guesses a minute per address: two were used, eight remain.
    for _ in 0..8 {
        let r = server.lookup_code("ZZZZZZ").await;
        assert_eq!(r.status, 404);
    }
    let r = server.lookup_code(&s.join_code).await;
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
async fn the_client_is_served_with_brotli_and_gzip_twins_and_an_spa_fallback() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>koersbord</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log('plain')").unwrap();
    std::fs::write(dist.path().join("app.js.gz"), b"\x1f\x8bfake-gzip").unwrap();
    std::fs::write(dist.path().join("app.js.br"), b"fake-brotli").unwrap();
    std::fs::write(dist.path().join("app-0123456789.js"), "console.log('v1')").unwrap();
    let config = Config {
        dist: Some(dist.path().to_owned()),
        ..Config::default()
    };
    let server = TestServer::with(config).await;

    let r = server.http("GET", "/", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<title>koersbord</title>"));
    assert_security_headers(&r);
    // The page is checked on every load; a file with a content hash in its name is kept a year.
    assert_eq!(r.headers["cache-control"], "no-cache");
    let r = server.http("GET", "/app-0123456789.js", None).await;
    assert_eq!(r.body, "console.log('v1')");
    assert_eq!(
        r.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let r = server.http("GET", "/app.js?v=0123456789", None).await;
    assert_eq!(
        r.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let r = server.http("GET", "/app.js", None).await;
    assert_eq!(r.headers["cache-control"], "no-cache");
    // The API keeps its own rule: nothing with a key in it is stored.
    let r = server.http("POST", "/api/nothing-here", None).await;
    assert_eq!(r.headers["cache-control"], "no-store");
    // A page of the app that is no file: index.html, with 200 so reloads work.
    let r = server.http("GET", "/r/abcdefghij", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<title>koersbord</title>"));
    // A join link, in a build without a page of its own: the one page.
    let r = server.http("GET", "/j/abcdefghij", None).await;
    assert!(r.body.contains("<title>koersbord</title>"));
    // With one (what `cargo xtask build` writes): that page, checked on every load like the other.
    std::fs::write(dist.path().join("join.html"), "<title>meedoen</title>").unwrap();
    let r = server.http("GET", "/j/abcdefghij", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "<title>meedoen</title>");
    assert_eq!(r.headers["cache-control"], "no-cache");
    let r = server.http("GET", "/r/abcdefghij", None).await;
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
    // What Chromium sends over HTTPS or to localhost: brotli wins.
    let r = http(
        server.addr,
        "GET",
        "/app.js",
        &[("Accept-Encoding", "gzip, deflate, br, zstd")],
        None,
    )
    .await;
    assert_eq!(r.headers["content-encoding"], "br");
    assert_eq!(r.body, "fake-brotli");
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

/// The script policy: our own files and WebAssembly compilation, nothing inline, no `eval`.
fn assert_strict_scripts(r: &common::HttpResponse) {
    let csp = &r.headers["content-security-policy"];
    let scripts = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("a script-src directive");
    assert_eq!(scripts, "script-src 'self' 'wasm-unsafe-eval'");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dist.path().join("app.js"), "export {}").unwrap();
    let mut config = common::test_config();
    config.dist = Some(dist.path().to_owned());
    config.tuning.join_codes_per_min = 1.0;
    let server = TestServer::with(config).await;
    let big = format!(r#"{{"title":"{}"}}"#, "x".repeat(20 * 1024));
    let requests: [(&str, &str, Option<&str>, u16); 11] = [
        ("GET", "/", None, 200),
        ("GET", "/app.js", None, 200),
        ("GET", "/r/abcdefghij", None, 200),
        ("GET", "/healthz", None, 200),
        ("POST", "/api/sessions", Some(r#"{"title":"t"}"#), 201),
        ("POST", "/api/sessions", Some("{"), 400),
        ("POST", "/api/sessions", Some(&big), 413),
        ("GET", "/api/sessions", None, 405),
        ("GET", "/api/nothing", None, 404),
        ("POST", "/api/join-code", Some(r#"{"code":"ZZZZZZ"}"#), 404),
        ("POST", "/api/join-code", Some(r#"{"code":"ZZZZZZ"}"#), 429),
    ];
    for (method, path, body, status) in requests {
        let r = server.http(method, path, body).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        assert_security_headers(&r);
        assert_strict_scripts(&r);
        if path.starts_with("/api/") {
            assert_eq!(r.headers["cache-control"], "no-store", "{path}");
        }
    }
    // A plain GET of the socket's path, and a socket from a foreign page.
    let r = server.http("GET", "/ws", None).await;
    assert!(r.status >= 400, "{}", r.status);
    assert_security_headers(&r);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/ws",
            server.addr
        ))
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let Err(tokio_tungstenite::tungstenite::Error::Http(response)) =
        tokio_tungstenite::connect_async(request).await
    else {
        panic!("a foreign page got a socket")
    };
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn an_api_body_over_16_kib_gets_413() {
    let server = TestServer::start().await;
    // Just under the limit: read, and refused for what it says.
    let near = format!(r#"{{"title":"{}"}}"#, "x".repeat(16 * 1024 - 20));
    let r = server.http("POST", "/api/sessions", Some(&near)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let over = format!(r#"{{"title":"{}"}}"#, "x".repeat(17 * 1024));
    for path in ["/api/sessions", "/api/join-code"] {
        let r = server.http("POST", path, Some(&over)).await;
        assert_eq!(r.status, 413, "{path}: {}", r.body);
        assert_eq!(r.body, r#"{"code":"too_large","max":16384}"#);
    }
}

#[tokio::test]
async fn creating_sessions_is_limited_per_address() {
    let server = TestServer::with_tuning(|t| {
        t.sessions_per_hour = 20.0;
        t.sessions_burst = 3.0;
    })
    .await;
    // A refused form costs nothing: the facilitator may fix a typo.
    for _ in 0..5 {
        let r = server
            .http("POST", "/api/sessions", Some(r#"{"title":"a\u0007"}"#))
            .await;
        assert_eq!(r.status, 400);
    }
    for _ in 0..3 {
        server.create_session().await;
    }
    for _ in 0..5 {
        let r = server
            .http("POST", "/api/sessions", Some(r#"{"title":"Nog een"}"#))
            .await;
        assert_eq!(r.status, 429);
        assert_eq!(r.body, r#"{"code":"slow_down"}"#);
        // 20 an hour: the next one in three minutes.
        let retry: u64 = r.headers["retry-after"].parse().unwrap();
        assert!((170..=180).contains(&retry), "{retry}");
    }
    // Guessing join codes has its own budget.
    let r = server.lookup_code("ZZZZZZ").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let create = |server: &TestServer, client: &'static str| {
        let addr = server.addr;
        async move {
            http(
                addr,
                "POST",
                "/api/sessions",
                &[("X-Forwarded-For", client)],
                Some(r#"{"title":"t"}"#),
            )
            .await
            .status
        }
    };
    let mut config = common::test_config();
    config.tuning.sessions_burst = 1.0;
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let behind_proxy = TestServer::with(config.clone()).await;
    assert_eq!(create(&behind_proxy, "198.51.100.1").await, 201);
    assert_eq!(create(&behind_proxy, "198.51.100.1").await, 429);
    assert_eq!(create(&behind_proxy, "198.51.100.2").await, 201);
    // What a client wrote to the left of the entry our proxy appended buys no fresh budget.
    assert_eq!(
        create(&behind_proxy, "198.51.100.9, 198.51.100.2").await,
        429
    );

    config.trusted_proxies.clear();
    let direct = TestServer::with(config).await;
    assert_eq!(create(&direct, "198.51.100.1").await, 201);
    assert_eq!(create(&direct, "198.51.100.2").await, 429);
}
