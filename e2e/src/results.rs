//! The boards' outcomes as the product computes and prints them, to hold the pages and exports
//! against: medians with their spread, the gap between the sides, the weakest pillars.

/// (median, min, max) of `values`, or `None` when empty.
pub fn spread(values: &[u8]) -> Option<(f64, u8, u8)> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => f64::from(v[n / 2]),
        _ => (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0,
    };
    Some((median, v[0], v[n - 1]))
}

/// The median of `values`, or `None` when empty.
pub fn median(values: &[u8]) -> Option<f64> {
    spread(values).map(|(median, _, _)| median)
}

/// A median as the product prints it in Dutch: whole numbers plainly, halves with one decimal
/// after a comma ("42,5").
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// A side's pillar result cell: "median (min–max)", or "–" when nobody placed the pillar.
pub fn median_text(values: &[u8]) -> String {
    match spread(values) {
        Some((median, min, max)) => format!("{} ({min}–{max})", number(median)),
        None => "–".into(),
    }
}

/// The gap cell: network minus management with its sign, or "–" when a side has no median.
pub fn gap_text(gap: Option<f64>) -> String {
    match gap {
        Some(g) => format!("{}{}", if g > 0.0 { "+" } else { "" }, number(g)),
        None => "–".into(),
    }
}

/// The weakest pillars: every one whose overall median is at most the third lowest.
/// `medians` holds (pillar, overall median) for each placed pillar; it must not be empty.
pub fn weakest<P: Copy>(medians: &[(P, f64)]) -> Vec<P> {
    let mut sorted: Vec<f64> = medians.iter().map(|(_, m)| *m).collect();
    sorted.sort_by(f64::total_cmp);
    let cut = sorted[2.min(sorted.len() - 1)];
    medians
        .iter()
        .filter(|(_, m)| *m <= cut)
        .map(|(p, _)| *p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_the_product_prints_them() {
        assert_eq!(spread(&[]), None);
        assert_eq!(spread(&[40, 10, 30]), Some((30.0, 10, 40)));
        assert_eq!(median_text(&[10, 25]), "17,5 (10–25)");
        assert_eq!(median_text(&[]), "–");
        assert_eq!(gap_text(Some(5.0)), "+5");
        assert_eq!(gap_text(Some(-2.5)), "-2,5");
        assert_eq!(gap_text(Some(0.0)), "0");
        assert_eq!(gap_text(None), "–");
        assert_eq!(
            weakest(&[(0, 50.0), (1, 20.0), (2, 30.0), (3, 30.0), (4, 90.0)]),
            [1, 2, 3]
        );
    }
}
