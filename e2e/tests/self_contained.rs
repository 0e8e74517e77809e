//! The release binary alone is the whole product: copied into an empty directory on its own (no
//! `dist/`, no flags, no environment), it serves the board, compressed, to a real browser, and
//! keeps its database beside itself.

use anyhow::{Result, ensure};
use koersbord_e2e::page::start_page_runs;
use koersbord_e2e::{ServerOptions, Viewport, http, paths, run_with};

#[test]
fn the_release_binary_alone_serves_the_whole_board() -> Result<()> {
    let options = ServerOptions {
        alone: Some(paths::release_bin()?),
        ..ServerOptions::default()
    };
    run_with("the_release_binary_alone", options, |h| async move {
        let entries: Vec<String> = std::fs::read_dir(h.server().data_dir())?
            .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_>>()?;
        ensure!(
            !entries.iter().any(|e| e == "dist"),
            "the directory holds only the binary (and what it writes): {entries:?}"
        );

        // The page names its wasm; the wasm comes as brotli or gzip, as the browser asks.
        let page = h.get("/").await?;
        ensure!(page.status == 200, "/ answered {}", page.status);
        let page = page.text();
        let boot = page
            .split('"')
            .find(|p| p.starts_with("/boot-") && p.ends_with(".js"))
            .ok_or_else(|| anyhow::anyhow!("no boot script in {page}"))?
            .to_owned();
        let boot_js = h.get(&boot).await?.text();
        let wasm = boot_js
            .split(['"', '\''])
            .find(|p| p.ends_with("_bg.wasm"))
            .ok_or_else(|| anyhow::anyhow!("no wasm named in {boot_js}"))?
            .to_owned();
        for (accept, expected) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
            let r = http::request(
                hyper::Method::GET,
                &h.url(&wasm),
                &[("accept-encoding", accept)],
                None,
            )
            .await?;
            ensure!(r.status == 200, "{wasm} answered {}", r.status);
            ensure!(
                r.header("content-encoding") == Some(expected),
                "{wasm} for `{accept}`: {:?}",
                r.headers
            );
            ensure!(r.header("content-type") == Some("application/wasm"));
            ensure!(
                r.header("cache-control") == Some("public, max-age=31536000, immutable"),
                "a versioned file is kept a year: {:?}",
                r.header("cache-control")
            );
        }
        // A join link gets its own page, preloading the participant's client, not the full one.
        let join = h.get("/j/abcdefghij").await?;
        ensure!(join.status == 200, "a join link answered {}", join.status);
        let join = join.text();
        ensure!(
            join.contains("rel=\"preload\" href=\"/koersbord-participant-")
                && page.contains("rel=\"preload\" href=\"/koersbord-frontend-"),
            "each page preloads its own client:\n{join}\n{page}"
        );
        // The page itself is revalidated: its ETag gives a 304.
        let first = http::request(hyper::Method::GET, &h.url("/"), &[], None).await?;
        let etag = first
            .header("etag")
            .ok_or_else(|| anyhow::anyhow!("no etag on the page"))?
            .to_owned();
        let again = http::request(
            hyper::Method::GET,
            &h.url("/"),
            &[("if-none-match", &etag)],
            None,
        )
        .await?;
        ensure!(
            again.status == 304,
            "a revalidated page answered {}",
            again.status
        );

        // A real browser runs it: the start page renders from the embedded wasm, and a session
        // can be made (the database lives beside the binary).
        let browser = h.browser("desktop", Viewport::DESKTOP).await?;
        start_page_runs(&browser).await?;
        h.create_session("Alleen", "Eén bestand", ["Eén", "Twee"])
            .await?;
        ensure!(
            h.server().data_dir().join("koersbord.sqlite3").is_file(),
            "the database is made beside the binary"
        );
        Ok(())
    })
}
