//! What only the PostgreSQL store does: its schema steps, its leases and fencing, and how an
//! unreachable database is reported. Against a real server (`koersbord-pgtest`).

use crate::store::tests::{Place, changes, session};
use crate::store::{Fence, Store, StoreError};
use std::time::Duration;

async fn fresh() -> (Store, String) {
    let Place::Postgres(url) = Place::postgres().await else {
        unreachable!()
    };
    let (store, _) = Store::connect(&url).await.unwrap();
    (store, url)
}

fn fence(hub: &str, token: u64) -> Fence {
    Fence {
        hub: hub.into(),
        token,
    }
}

#[tokio::test]
async fn connecting_twice_migrates_once_and_a_newer_schema_is_refused() {
    let (store, url) = fresh().await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    // A second server on the same database finds the schema made and the session there.
    let (again, _) = Store::connect(&url).await.unwrap();
    assert!(again.load_room("r").await.unwrap().is_some());
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let version: i32 = sqlx::query_scalar("SELECT version FROM schema_version")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version as usize, super::schema::VERSION);
    sqlx::query("UPDATE schema_version SET version = 99")
        .execute(&pool)
        .await
        .unwrap();
    let refused = Store::connect(&url).await.err().expect("refused");
    assert!(
        refused.to_string().contains("schema version 99"),
        "{refused}"
    );
}

#[tokio::test]
async fn the_pool_holds_no_more_connections_than_it_is_given() {
    let (_, url) = fresh().await;
    let store = super::Store::connect(&url, 2).await.unwrap();
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    // Eight reads at once queue for two connections; all are answered.
    let reads = (0..8).map(|_| store.load_room("r"));
    for loaded in futures_util::future::join_all(reads).await {
        assert!(loaded.unwrap().is_some());
    }
    assert_eq!(store.connections(), 2);
    let wide = super::Store::connect(&url, 6).await.unwrap();
    let reads = (0..8).map(|_| wide.load_room("r"));
    futures_util::future::join_all(reads).await;
    assert!(wide.connections() > 2, "{}", wide.connections());
}

#[tokio::test]
async fn an_unreachable_database_is_reported_at_once() {
    // A port nobody listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://koersbord:secret@127.0.0.1:{port}/koersbord");
    let started = std::time::Instant::now();
    let e = Store::connect(&url).await.err().expect("nobody listens");
    let said = e.to_string();
    assert!(
        said.contains(&format!(
            "cannot connect to PostgreSQL at 127.0.0.1:{port}/koersbord"
        )),
        "{said}"
    );
    assert!(!said.contains("secret"), "the password is never shown");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_hubs_racing_for_a_free_room_exactly_one_wins() {
    let (store, _) = fresh().await;
    for round in 0..20 {
        let room = format!("room-{round}");
        let claims: Vec<_> = (0..4)
            .map(|hub| {
                let (store, room) = (store.clone(), room.clone());
                tokio::spawn(async move {
                    let hub = format!("hub-{hub}");
                    let got = store.claim(&room, &hub, Duration::from_secs(30)).await;
                    (hub, got.unwrap())
                })
            })
            .collect();
        let mut won = Vec::new();
        for claim in claims {
            if let (hub, Some(token)) = claim.await.unwrap() {
                won.push((hub, token));
            }
        }
        assert_eq!(won.len(), 1, "round {round}: {won:?}");
        assert_eq!(won[0].1, 1, "a free room's first token");
    }
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_with_a_higher_token_and_a_live_one_is_not() {
    let (store, _) = fresh().await;
    let short = Duration::from_millis(300);
    assert_eq!(store.claim("r", "a", short).await.unwrap(), Some(1));
    assert_eq!(store.claim("r", "b", short).await.unwrap(), None, "live");
    // Renewing keeps it alive past its first expiry.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        store
            .renew("a", &["r".into(), "other".into()], short)
            .await
            .unwrap()
            .held,
        vec!["r".to_owned()]
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(store.claim("r", "b", short).await.unwrap(), None, "renewed");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.claim("r", "b", short).await.unwrap(), Some(2));
    assert!(
        store
            .renew("a", &["r".into()], short)
            .await
            .unwrap()
            .held
            .is_empty()
    );
    // A release frees it at once, and the token still only grows.
    store.release("r", &fence("b", 2)).await.unwrap();
    assert_eq!(
        store
            .claim("r", "a", Duration::from_secs(30))
            .await
            .unwrap(),
        Some(3)
    );
}

#[tokio::test]
async fn a_write_under_a_stale_token_is_fenced_and_nothing_of_it_written() {
    let (store, _) = fresh().await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    let short = Duration::from_millis(200);
    assert_eq!(store.claim("r", "a", short).await.unwrap(), Some(1));
    store
        .append_fenced("r", &fence("a", 1), changes(1..=1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Hub a was paused past its lease: expired, and then taken over.
    let mut late = changes(2..=2);
    late.participant_keys
        .push(("pk".into(), koersbord_shared::domain::ParticipantId(1)));
    assert!(matches!(
        store.append_fenced("r", &fence("a", 1), late.clone()).await,
        Err(StoreError::Fenced)
    ));
    assert_eq!(
        store
            .claim("r", "b", Duration::from_secs(30))
            .await
            .unwrap(),
        Some(2)
    );
    assert!(matches!(
        store.append_fenced("r", &fence("a", 1), late.clone()).await,
        Err(StoreError::Fenced)
    ));
    // A token is the hub's own: another hub naming it is refused too.
    assert!(matches!(
        store.append_fenced("r", &fence("a", 2), late.clone()).await,
        Err(StoreError::Fenced)
    ));
    let room = store.load_room("r").await.unwrap().unwrap();
    assert_eq!(room.events.len(), 1);
    assert!(room.participant_keys.is_empty());
    store
        .append_fenced("r", &fence("b", 2), late)
        .await
        .unwrap();
    assert_eq!(store.load_room("r").await.unwrap().unwrap().events.len(), 2);
}

#[tokio::test]
async fn sqlite_grants_every_lease() {
    let place = Place::sqlite();
    let (store, _writer) = place.open().await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    let ttl = Duration::from_secs(1);
    assert!(store.claim("r", "a", ttl).await.unwrap().is_some());
    assert!(store.claim("r", "b", ttl).await.unwrap().is_some());
    store
        .append_fenced("r", &fence("a", 1), changes(1..=1))
        .await
        .unwrap();
    assert_eq!(
        store.renew("a", &["r".into()], ttl).await.unwrap().held,
        ["r"]
    );
    store.release("r", &fence("a", 1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_dies_fails_the_writes_and_after_its_restart_all_acked_is_there() {
    // A server of its own: this test kills it.
    let mut pg = tokio::task::spawn_blocking(koersbord_pgtest::Postgres::start)
        .await
        .unwrap()
        .unwrap();
    let url = pg.fresh_database("dies").unwrap();
    let (store, _) = Store::connect(&url).await.unwrap();
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    for seq in 1..=3 {
        store.append("r", changes(seq..=seq)).await.unwrap();
    }
    let mut pg = tokio::task::spawn_blocking(move || {
        pg.kill();
        pg
    })
    .await
    .unwrap();
    let refused = store.append("r", changes(4..=4)).await;
    assert!(
        matches!(refused, Err(StoreError::Database(_))),
        "{refused:?}"
    );
    pg = tokio::task::spawn_blocking(move || {
        pg.restart().unwrap();
        pg
    })
    .await
    .unwrap();
    // The same pool connects again; nothing acknowledged was lost, nothing refused was kept.
    let room = store.load_room("r").await.unwrap().unwrap();
    assert_eq!(room.events.len(), 3);
    store.append("r", changes(4..=4)).await.unwrap();
    assert_eq!(store.load_room("r").await.unwrap().unwrap().events.len(), 4);
    drop(pg);
}

#[tokio::test]
async fn a_hub_that_wants_a_room_is_heard_by_its_owner_at_the_next_renewal() {
    let (store, _) = fresh().await;
    let ttl = Duration::from_secs(30);
    assert_eq!(store.claim("r", "a", ttl).await.unwrap(), Some(1));
    assert_eq!(store.claim("s", "a", ttl).await.unwrap(), Some(1));
    let rooms = ["r".to_owned(), "s".to_owned()];
    assert!(
        store
            .renew("a", &rooms, ttl)
            .await
            .unwrap()
            .wanted
            .is_empty()
    );
    // The owner asking for its own room changes nothing.
    store.want("r", "a").await.unwrap();
    assert!(
        store
            .renew("a", &rooms, ttl)
            .await
            .unwrap()
            .wanted
            .is_empty()
    );
    assert_eq!(store.claim("r", "b", ttl).await.unwrap(), None);
    store.want("r", "b").await.unwrap();
    let renewed = store.renew("a", &rooms, ttl).await.unwrap();
    assert_eq!(
        (renewed.held, renewed.wanted),
        (rooms.to_vec(), vec!["r".to_owned()])
    );
    // Handed over: released, then claimed by the hub that asked, and the wish is spent.
    store.release("r", &fence("a", 1)).await.unwrap();
    assert_eq!(store.claim("r", "b", ttl).await.unwrap(), Some(2));
    assert!(
        store
            .renew("b", &["r".into()], ttl)
            .await
            .unwrap()
            .wanted
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_paused_inside_a_write_holds_up_a_takeover_for_seconds_not_forever() {
    use sqlx::Connection;
    let (store, url) = fresh().await;
    assert!(store.create_session(session("r", "AAAAAA")).await.unwrap());
    let ttl = Duration::from_millis(500);
    assert_eq!(store.claim("r", "a", ttl).await.unwrap(), Some(1));
    // Hub a's write, frozen after its fence check: the lease row is held FOR SHARE.
    let mut paused = sqlx::PgConnection::connect_with(&super::connect_options(&url).unwrap())
        .await
        .unwrap();
    let mut tx = paused.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM leases WHERE room = 'r' AND token = 1 FOR SHARE")
        .execute(&mut *tx)
        .await
        .unwrap();
    tokio::time::sleep(ttl).await;
    // The lease has lapsed; b's claim waits for a's transaction, which PostgreSQL ends.
    let began = std::time::Instant::now();
    let claimed = tokio::time::timeout(Duration::from_secs(10), store.claim("r", "b", ttl))
        .await
        .expect("the takeover waited on a paused hub for good");
    assert_eq!(claimed.unwrap(), Some(2));
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "{:?}",
        began.elapsed()
    );
    // And a, resumed, cannot finish its write.
    assert!(
        tx.commit().await.is_err(),
        "a committed after its transaction was ended"
    );
}
