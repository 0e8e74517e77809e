//! The pages. The participant's client (without feature `full`) has only the room.

pub mod follow_up;
#[cfg(feature = "full")]
pub mod invitation;
#[cfg(feature = "full")]
pub mod my_sessions;
#[cfg(feature = "full")]
pub mod privacy;
pub mod room;
#[cfg(feature = "full")]
pub mod session_actions;
#[cfg(feature = "full")]
pub mod start;
