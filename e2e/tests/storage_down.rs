//! The database stops answering during a session: another process holds its write lock past the
//! server's busy timeout. The participant's page says so in words (not only "no connection"), the
//! dot dropped meanwhile stays unconfirmed and is never shown to others as placed; once the
//! database answers again it is confirmed everywhere, once.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::dots::key_drive;
use koersbord_e2e::page::{advance, attr, join, tid, wait_attr, wait_reconnected};
use koersbord_e2e::{Viewport, run, wait_for};
use koersbord_shared::protocol::{join_link, room_link};
use std::time::Duration;

const ANNA: u32 = 1;
/// The server's busy timeout (5 s), then the goodbye, with room for a loaded machine.
const BANNER_WITHIN: Duration = Duration::from_secs(15);

#[test]
fn a_database_that_stops_answering_is_said_and_loses_nothing() -> Result<()> {
    run(
        "a_database_that_stops_answering_is_said_and_loses_nothing",
        |h| async move {
            let s = h
                .create_session("Opslag", "Niets gaat verloren", ["Doel 1", "Doel 2"])
                .await?;
            let facilitator = h.browser("facilitator", Viewport::DESKTOP).await?;
            facilitator
                .goto(&room_link(&s.room, &s.facilitator_key))
                .await?;
            let anna = h.browser("anna-phone", Viewport::PHONE).await?;
            ensure!(
                join(&anna, &join_link(&s.room, &s.join_key), "Anna", "network").await? == ANNA
            );
            advance(
                &facilitator,
                &[&facilitator, &anna],
                &["ambition", "drives"],
            )
            .await?;

            // Another process takes the database's write lock and keeps it.
            let db = h.server().data_dir().join("koersbord.sqlite3");
            let blocker = rusqlite::Connection::open(&db).context("opening the database")?;
            blocker.execute_batch("BEGIN EXCLUSIVE")?;

            key_drive(&anna, 0, 1).await?;
            let own = tid("own-dot-d0");
            wait_attr(&anna, &own, "data-confirmed", "false").await?;
            wait_for(&anna, &tid("reconnecting"), BANNER_WITHIN)
                .await
                .context("no banner while the database is down")?;
            anna.wait_for_text(
                &tid("reconnecting-why"),
                "De opslag is even niet bereikbaar",
            )
            .await?;
            wait_attr(&anna, &own, "data-slot", "1").await?;
            wait_attr(&anna, &own, "data-confirmed", "false").await?;
            anna.screenshot("storage-down-390x844").await?;
            let theirs = tid(&format!("dot-{ANNA}-d0"));
            ensure!(
                attr(&facilitator, &theirs, "data-slot").await?.as_deref() == Some(""),
                "the facilitator sees a dot that was never stored"
            );

            // The database answers again: the dot is confirmed, and both screens agree.
            blocker.execute_batch("COMMIT")?;
            wait_reconnected(&anna, Duration::from_secs(30)).await?;
            wait_attr(&anna, &own, "data-confirmed", "true").await?;
            wait_attr(&facilitator, &theirs, "data-slot", "1").await?;
            Ok(())
        },
    )
}
