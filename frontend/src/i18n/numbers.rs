//! Numbers as people write them: a median of 42.5 is "42,5" in Dutch (the comma is the Dutch
//! decimal mark) and "42.5" in English; whole numbers have no decimals.

use super::Lang;

/// `v` with at most one decimal, none when whole, in `lang`'s decimal mark.
pub fn decimal(v: f64, lang: Lang) -> String {
    let text = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `v` with its sign (a gap between the sides: "+12,5", "-5", "0").
pub fn signed(v: f64, lang: Lang) -> String {
    let sign = if v > 0.0 { "+" } else { "" };
    format!("{sign}{}", decimal(v, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_take_the_languages_decimal_mark_and_whole_numbers_none() {
        assert_eq!(decimal(42.5, Lang::Nl), "42,5");
        assert_eq!(decimal(42.5, Lang::En), "42.5");
        assert_eq!(decimal(40.0, Lang::Nl), "40");
        assert_eq!(decimal(32.25, Lang::Nl), "32,2");
        assert_eq!(signed(12.5, Lang::Nl), "+12,5");
        assert_eq!(signed(-5.0, Lang::Nl), "-5");
        assert_eq!(signed(0.0, Lang::En), "0");
    }
}
