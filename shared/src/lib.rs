//! The heart of koersbord: the method's domain, the wire protocol, and the room as a pure state
//! machine. Compiles for the server and for the wasm client, so both apply the same rules.

pub mod compare;
pub mod domain;
pub mod protocol;
pub mod room;
pub mod sessions;
pub mod stats;

pub use domain::*;
