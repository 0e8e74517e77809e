//! The throwaway server starts, takes connections, makes databases, and comes back after a kill.

use koersbord_pgtest::Postgres;
use std::net::{Ipv4Addr, TcpStream};

#[test]
fn starts_makes_databases_and_survives_a_kill_and_restart() {
    let mut pg = Postgres::start().unwrap();
    let port = pg.port();
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok());
    let a = pg.fresh_database("t").unwrap();
    let b = pg.fresh_database("t").unwrap();
    assert_ne!(a, b);
    assert!(a.starts_with(&format!(
        "postgres://{}@127.0.0.1:{port}/",
        koersbord_pgtest::USER
    )));
    pg.kill();
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
    pg.restart().unwrap();
    assert!(pg.fresh_database("t").is_ok(), "up again on the same port");
    pg.stop();
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
}

#[test]
fn the_shared_server_is_one_server() {
    let a = Postgres::shared();
    let b = Postgres::shared();
    assert_eq!(a.port(), b.port());
    assert!(a.fresh_database("shared").is_ok());
}
