//! A session moves to another server of a cluster while people are in it. Two servers share one
//! PostgreSQL; the browsers reach them through a stand-in for the proxy, which first sends the
//! room to hub A and then, as after a change in the cluster, to hub B. The first socket that
//! reaches hub B is told `elsewhere` and waits as told; hub A hands the room over, its pages hear
//! `elsewhere` too, come back through the proxy and land on hub B. Nobody reloads, nothing placed
//! is lost, and what is placed afterwards reaches everyone.

use anyhow::{Result, ensure};
use koersbord_e2e::dots::key_drive;
use koersbord_e2e::page::{advance, attr, join, tid, wait_attr};
use koersbord_e2e::relay::Relay;
use koersbord_e2e::{Server, ServerOptions, Viewport, run_with};
use koersbord_shared::protocol::{join_link, room_link};
use std::net::SocketAddr;

const ANNA: u32 = 1;

fn hub(url: &str, name: &str) -> ServerOptions {
    ServerOptions {
        database_url: Some(url.to_owned()),
        args: vec!["--hub-id".into(), name.into()],
        ..ServerOptions::default()
    }
}

fn at(port: u16) -> SocketAddr {
    ([127, 0, 0, 1], port).into()
}

#[test]
fn a_session_that_moves_to_another_server_is_followed_and_loses_nothing() -> Result<()> {
    let url = koersbord_pgtest::Postgres::shared().fresh_database("moving")?;
    let second = url.clone();
    run_with("moving_server", hub(&url, "hub-a"), |h| async move {
        let hub_b = tokio::task::spawn_blocking(move || Server::start_with(hub(&second, "hub-b")))
            .await??;
        let hub_a = at(h.server().port());
        let proxy = Relay::start(hub_a).await?;
        let s = h
            .create_session("Verhuizing", "Niets gaat verloren", ["Doel 1", "Doel 2"])
            .await?;

        // Everyone in the room on hub A; Anna places a dot there.
        let facilitator = h
            .browser_at("facilitator", &proxy.base(), Viewport::DESKTOP)
            .await?;
        facilitator
            .goto(&room_link(&s.room, &s.facilitator_key))
            .await?;
        let anna = h
            .browser_at("anna-phone", &proxy.base(), Viewport::PHONE)
            .await?;
        ensure!(join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await? == ANNA);
        advance(
            &facilitator,
            &[&facilitator, &anna],
            &["ambition", "drives"],
        )
        .await?;
        key_drive(&anna, 0, 1).await?;
        wait_attr(&anna, &tid("own-dot-d0"), "data-confirmed", "true").await?;
        let theirs = |drive: usize| tid(&format!("dot-{ANNA}-d{drive}"));
        wait_attr(&facilitator, &theirs(0), "data-slot", "1").await?;
        // A mark in the page: a reload would lose it.
        anna.js("window.__beforeTheMove = true; return null")
            .await?;

        // The proxy now routes the room to hub B. The shared screen opens there: hub B asks hub
        // A for the room, and every page follows it over.
        proxy.switch(at(hub_b.port()));
        let screen = h
            .browser_at("screen", &proxy.base(), Viewport::SCREEN)
            .await?;
        screen.goto(&room_link(&s.room, &s.screen_key)).await?;
        wait_attr(&screen, &theirs(0), "data-slot", "1").await?;

        // Placed after the move, it is stored and reaches the screen, so Anna's page and the
        // screen are on the same server, hub B: hub A no longer holds the room.
        key_drive(&anna, 1, 2).await?;
        wait_attr(&anna, &tid("own-dot-d1"), "data-confirmed", "true").await?;
        wait_attr(&screen, &theirs(1), "data-slot", "2").await?;
        wait_attr(&facilitator, &theirs(1), "data-slot", "2").await?;
        // The dot placed before the move is still where it was, for everyone.
        for page in [&anna, &facilitator, &screen] {
            let slot = if std::ptr::eq(page, &anna) {
                attr(page, &tid("own-dot-d0"), "data-slot").await?
            } else {
                attr(page, &theirs(0), "data-slot").await?
            };
            ensure!(
                slot.as_deref() == Some("1"),
                "the first dot moved: {slot:?}"
            );
        }
        // Nobody reloaded: the page came back on its own.
        let kept = anna.js("return window.__beforeTheMove === true").await?;
        ensure!(kept == true, "Anna's page was loaded again");
        drop(hub_b);
        Ok(())
    })
}
