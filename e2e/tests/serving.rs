//! How the server serves the client build that `cargo xtask build` writes: precompressed assets
//! (gzip and brotli), the single-page-app fallback, no inline script. Plain HTTP, no browser.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::{Server, http, paths};

/// The hashed names of the build, from `dist/`.
fn asset(suffix: &str) -> Result<String> {
    let dist = paths::dist()?;
    for entry in std::fs::read_dir(&dist)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("koersbord-frontend-") && name.ends_with(suffix) {
            return Ok(name);
        }
    }
    anyhow::bail!("no koersbord-frontend-*{suffix} in {}", dist.display())
}

#[tokio::test]
async fn the_build_is_served_precompressed_with_a_spa_fallback() -> Result<()> {
    let server = tokio::task::spawn_blocking(Server::start).await??;

    let index = http::get(&server.url("/")).await?;
    ensure!(index.status == 200, "/ answered {}", index.status);
    let page = index.text();
    ensure!(
        page.contains("<script type=\"module\" src=\"/boot-"),
        "{page}"
    );

    let wasm = asset("_bg.wasm")?;
    let gz = http::request(
        hyper::Method::GET,
        &server.url(&format!("/{wasm}")),
        &[("accept-encoding", "gzip")],
        None,
    )
    .await?;
    ensure!(gz.status == 200, "/{wasm} answered {}", gz.status);
    ensure!(
        gz.header("content-encoding") == Some("gzip"),
        "/{wasm} not served gzipped: {:?}",
        gz.headers
    );
    ensure!(
        gz.header("content-type") == Some("application/wasm"),
        "/{wasm} content-type {:?}",
        gz.header("content-type")
    );
    let raw = http::get(&server.url(&format!("/{wasm}"))).await?;
    ensure!(raw.status == 200 && raw.header("content-encoding").is_none());
    ensure!(raw.body.starts_with(b"\0asm"), "/{wasm} is not wasm");
    ensure!(gz.body.len() < raw.body.len());
    // Over HTTPS and from localhost Chromium takes brotli, which the build writes smaller still.
    let br = http::request(
        hyper::Method::GET,
        &server.url(&format!("/{wasm}")),
        &[("accept-encoding", "gzip, deflate, br, zstd")],
        None,
    )
    .await?;
    ensure!(
        br.status == 200 && br.header("content-encoding") == Some("br"),
        "/{wasm} not served as brotli: {:?}",
        br.headers
    );
    ensure!(br.body.len() < gz.body.len());

    // A room link is a client route: the server answers with the page.
    let room = http::get(&server.url("/r/some-room")).await?;
    ensure!(room.status == 200, "/r/some-room answered {}", room.status);
    ensure!(room.text() == page, "/r/some-room is not index.html");

    let glue = asset(".js")?;
    let js = http::get(&server.url(&format!("/{glue}"))).await?;
    let content_type = js.header("content-type").context("no content-type")?;
    ensure!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    Ok(())
}

#[tokio::test]
async fn a_restarted_server_answers_on_the_same_port() -> Result<()> {
    let mut server = tokio::task::spawn_blocking(Server::start).await??;
    let (port, data_dir) = (server.port(), server.data_dir().to_path_buf());
    ensure!(http::get(&server.url("/healthz")).await?.status == 200);
    let server = tokio::task::spawn_blocking(move || server.restart().map(|()| server)).await??;
    ensure!(server.port() == port && server.data_dir() == data_dir);
    ensure!(http::get(&server.url("/healthz")).await?.status == 200);
    Ok(())
}
