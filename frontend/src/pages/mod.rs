pub mod follow_up;
pub mod invitation;
pub mod my_sessions;
pub mod privacy;
pub mod room;
pub mod session_actions;
pub mod start;
