//! How a dot looks: the side's colour, and a second cue that does not depend on colour (a circle for
//! the learning network, a rounded square for management) with the owner's letters
//! (`RoomState::initials`: unique on their side).

use koersbord_shared::Side;

pub fn side_class(side: Side) -> &'static str {
    match side {
        Side::Network => "network",
        Side::Management => "management",
    }
}

pub fn dot_class(side: Side) -> String {
    format!("dot dot-{}", side_class(side))
}
