//! Where things lie on a Drijfveren row, in two layouts. Positions are kept, and drag presence
//! travels, in one frame: across the row, the tray and the three zones side by side (`Across`,
//! fractions 0..1 of the row's track). A phone stacks the zones as bands under each other
//! (`Stacked`), so every zone shows its full name and has room for eight dots in a line. A point
//! maps between the two frames one to one, so a drag on a phone glides through the same zones on
//! the projector, and a drag on the projector's laptop through the same bands on a phone.

use koersbord_shared::Zone;

/// Where a dot of a drive can be: in the tray (`None`) or in a zone.
pub type Slot = Option<Zone>;

pub const SLOTS: [Slot; 4] = [
    None,
    Some(Zone::Necessary),
    Some(Zone::Important),
    Some(Zone::Neutral),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Tray and zones side by side: a laptop, the projector.
    Across,
    /// Tray and zones as bands, one under the other: a phone.
    Stacked,
}

/// In a stacked band, the dots lie on one line below the band's name.
const BAND_DOT_LINE: f32 = 0.64;

pub fn slot_index(slot: Slot) -> usize {
    slot.map_or(0, |z| z.index() + 1)
}

/// The slot under a point (shared frame); `None` when the point is off the track.
pub fn slot_at(x: f32, y: f32) -> Option<Slot> {
    let on_track = (0.0..1.0).contains(&x) && (-0.25..1.25).contains(&y);
    on_track.then(|| SLOTS[((x * 4.0) as usize).min(3)])
}

/// Where participant number `k` (0..8, in joining order) rests inside a slot, in the shared frame.
/// Across: two rows of four in the cell; stacked: eight in a line along the band. Either way, eight
/// dots in one zone never cover each other.
pub fn slot_position(layout: Layout, slot: Slot, k: usize) -> (f32, f32) {
    let cell = slot_index(slot) as f32;
    match layout {
        Layout::Across => {
            let (col, row) = ((k % 4) as f32, (k / 4 % 2) as f32);
            // Columns at 20–80% of the cell, so even a dot at the end stays clearly inside its zone.
            ((cell + 0.2 + col * 0.2) / 4.0, 0.3 + 0.4 * row)
        }
        Layout::Stacked => {
            let along = ((k % 8) as f32 + 0.5) / 8.0;
            ((cell + along) / 4.0, BAND_DOT_LINE)
        }
    }
}

/// The centre of a slot, where one's own dot rests in the tray or is carried by keyboard.
pub fn slot_centre(layout: Layout, slot: Slot) -> (f32, f32) {
    let y = match layout {
        Layout::Across => 0.5,
        Layout::Stacked => BAND_DOT_LINE,
    };
    ((slot_index(slot) as f32 + 0.5) / 4.0, y)
}

/// A point of the shared frame as fractions of this layout's track, to draw it.
pub fn to_screen(layout: Layout, (x, y): (f32, f32)) -> (f32, f32) {
    match layout {
        Layout::Across => (x, y),
        Layout::Stacked => {
            let x = x.clamp(0.0, 0.9999) * 4.0;
            let band = x.floor();
            (x - band, (band + y.clamp(0.0, 1.0)) / 4.0)
        }
    }
}

/// A point on this layout's track (fractions, may lie outside 0..1) in the shared frame.
pub fn from_screen(layout: Layout, (x, y): (f32, f32)) -> (f32, f32) {
    match layout {
        Layout::Across => (x, y),
        Layout::Stacked => {
            let y = y.clamp(0.0, 0.9999) * 4.0;
            let band = y.floor();
            ((band + x.clamp(0.0, 1.0)) / 4.0, y - band)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUTS: [Layout; 2] = [Layout::Across, Layout::Stacked];

    #[test]
    fn the_track_splits_into_tray_and_three_zones() {
        assert_eq!(slot_at(0.1, 0.5), Some(None));
        assert_eq!(slot_at(0.3, 0.5), Some(Some(Zone::Necessary)));
        assert_eq!(slot_at(0.6, 0.5), Some(Some(Zone::Important)));
        assert_eq!(slot_at(0.99, 0.5), Some(Some(Zone::Neutral)));
        assert_eq!(slot_at(1.01, 0.5), None);
        assert_eq!(slot_at(0.5, 3.0), None);
    }

    #[test]
    fn dots_keep_clear_of_the_zone_edges() {
        for layout in LAYOUTS {
            for slot in SLOTS {
                for k in 0..8 {
                    let (x, _) = slot_position(layout, slot, k);
                    let within = x * 4.0 - slot_index(slot) as f32;
                    assert!(
                        (0.05..=0.95).contains(&within),
                        "{layout:?} slot {slot:?} k {k}: {within}"
                    );
                }
            }
        }
    }

    #[test]
    fn each_slot_position_lies_inside_its_own_zone_in_both_layouts() {
        for layout in LAYOUTS {
            for slot in SLOTS {
                for k in 0..8 {
                    let (x, y) = slot_position(layout, slot, k);
                    assert_eq!(slot_at(x, y), Some(slot), "{layout:?} slot {slot:?} k {k}");
                    // Drawn, it lies in its own band (stacked) or cell (across).
                    let (sx, sy) = to_screen(layout, (x, y));
                    let drawn_in = match layout {
                        Layout::Across => (sx * 4.0) as usize,
                        Layout::Stacked => (sy * 4.0) as usize,
                    };
                    assert_eq!(drawn_in, slot_index(slot), "{layout:?} slot {slot:?} k {k}");
                }
            }
        }
    }

    #[test]
    fn eight_dots_in_one_stacked_band_are_a_dot_apart_on_a_small_phone() {
        // A 320 px phone leaves the band ~266 px; dots are drawn 26 px wide.
        let band_px = 266.0;
        for slot in SLOTS {
            let xs: Vec<f32> = (0..8)
                .map(|k| to_screen(Layout::Stacked, slot_position(Layout::Stacked, slot, k)).0)
                .collect();
            for pair in xs.windows(2) {
                assert!((pair[1] - pair[0]) * band_px >= 30.0, "{slot:?}: {xs:?}");
            }
        }
    }

    #[test]
    fn a_point_maps_between_the_layouts_and_back() {
        for i in 0..40 {
            for j in 0..10 {
                let shared = (i as f32 / 40.0 + 0.01, j as f32 / 10.0 + 0.05);
                let screen = to_screen(Layout::Stacked, shared);
                let back = from_screen(Layout::Stacked, screen);
                assert!(
                    (back.0 - shared.0).abs() < 1e-4 && (back.1 - shared.1).abs() < 1e-4,
                    "{shared:?} -> {screen:?} -> {back:?}"
                );
                assert_eq!(slot_at(back.0, back.1), slot_at(shared.0, shared.1));
            }
        }
        assert_eq!(from_screen(Layout::Across, (1.2, -0.5)), (1.2, -0.5));
    }

    #[test]
    fn a_finger_on_a_stacked_band_is_in_that_bands_zone() {
        // The third band from the top is Belangrijk, wherever along it the finger lands.
        for x in [0.0, 0.3, 0.99] {
            let (sx, sy) = from_screen(Layout::Stacked, (x, 0.6));
            assert_eq!(slot_at(sx, sy), Some(Some(Zone::Important)), "x {x}");
        }
        // Dragged past the bottom, the dot stays in the last band.
        let (sx, sy) = from_screen(Layout::Stacked, (0.5, 1.4));
        assert_eq!(slot_at(sx, sy), Some(Some(Zone::Neutral)));
    }
}
