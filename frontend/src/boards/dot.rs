//! How a dot looks: the side's colour, and a second cue that does not depend on colour (a circle for
//! the learning network, a rounded square for management) with the owner's initial.

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

pub fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::initial;

    #[test]
    fn the_initial_is_the_first_letter_in_capitals() {
        assert_eq!(initial("anna"), "A");
        assert_eq!(initial(" élise"), "É");
        assert_eq!(initial("(Bob)"), "B");
        assert_eq!(initial(""), "?");
    }
}
