pub mod my_sessions;
pub mod room;
pub mod session_actions;
pub mod start;
