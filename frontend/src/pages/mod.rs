pub mod room;
pub mod start;
