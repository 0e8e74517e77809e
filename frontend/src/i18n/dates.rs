//! Dates as people write them: "1 maart 2027", "1 March 2027". The protocol and the CSV and JSON
//! exports keep ISO dates (`2027-03-01`); everything a person reads goes through here.

use super::Lang;

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2027-03-01` → "1 maart 2027" (Dutch) or "1 March 2027"; anything that is not such a date is
/// returned as it is, so nothing a person typed is lost.
pub fn long_date(iso: &str, lang: Lang) -> String {
    let mut parts = iso.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>())
    else {
        return iso.to_owned();
    };
    let months = match lang {
        Lang::Nl => &MONTHS_NL,
        Lang::En => &MONTHS_EN,
    };
    match months.get(month.wrapping_sub(1)) {
        Some(name) if (1..=31).contains(&day) && y.len() == 4 => format!("{day} {name} {year}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_the_dutch_way_and_the_english_way() {
        assert_eq!(long_date("2027-03-01", Lang::Nl), "1 maart 2027");
        assert_eq!(long_date("2026-12-31", Lang::Nl), "31 december 2026");
        assert_eq!(long_date("2027-03-01", Lang::En), "1 March 2027");
        assert_eq!(long_date("2027-05-09", Lang::Nl), "9 mei 2027");
    }

    #[test]
    fn what_is_not_a_date_stays_as_it_is() {
        for s in [
            "",
            "morgen",
            "2027-13-01",
            "2027-00-10",
            "2027-03-32",
            "27-03-01",
            "2027-03",
        ] {
            assert_eq!(long_date(s, Lang::Nl), s);
        }
    }
}
