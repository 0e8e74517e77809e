//! Dragging with WebDriver actions. Chromium turns them into real input: the page sees
//! `pointerdown`, a series of `pointermove`s and `pointerup` (with `pointerType` mouse, touch or
//! pen), and `setPointerCapture` works.

use anyhow::Result;
use fantoccini::Client;
use fantoccini::actions::{
    InputSource, MOUSE_BUTTON_LEFT, MouseActions, PenActions, PointerAction, TouchActions,
};
use fantoccini::elements::Element;
use std::time::Duration;

/// Which kind of pointer performs a drag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    Mouse,
    /// A finger. Use it in a [`crate::Viewport::PHONE`] browser (touch emulation on).
    Touch,
    Pen,
}

/// How a drag is performed.
#[derive(Clone, Copy, Debug)]
pub struct DragOptions {
    pub kind: PointerKind,
    /// Moves between down and up; each arrives as at least one `pointermove`.
    pub steps: u32,
    /// Time per step.
    pub step: Duration,
    /// Pause after pointer down before moving (a long press).
    pub hold: Duration,
}

impl Default for DragOptions {
    fn default() -> Self {
        DragOptions {
            kind: PointerKind::Mouse,
            steps: 10,
            step: Duration::from_millis(16),
            hold: Duration::ZERO,
        }
    }
}

impl DragOptions {
    pub fn touch() -> Self {
        DragOptions {
            kind: PointerKind::Touch,
            ..DragOptions::default()
        }
    }
}

/// Drags `element` from its centre by (`dx`, `dy`) CSS pixels with the mouse, in 10 steps.
pub async fn drag_by(client: &Client, element: &Element, dx: f64, dy: f64) -> Result<()> {
    drag_by_with(client, element, dx, dy, DragOptions::default()).await
}

/// Drags `element` from its centre to the centre of `target` with the mouse.
pub async fn drag_to(client: &Client, element: &Element, target: &Element) -> Result<()> {
    drag_to_with(client, element, target, DragOptions::default()).await
}

/// [`drag_to`] with options.
pub async fn drag_to_with(
    client: &Client,
    element: &Element,
    target: &Element,
    options: DragOptions,
) -> Result<()> {
    let (x, y, w, h) = element.rectangle().await?;
    let (tx, ty, tw, th) = target.rectangle().await?;
    let (dx, dy) = (
        (tx + tw / 2.0) - (x + w / 2.0),
        (ty + th / 2.0) - (y + h / 2.0),
    );
    drag_by_with(client, element, dx, dy, options).await
}

/// [`drag_by`] with options.
pub async fn drag_by_with(
    client: &Client,
    element: &Element,
    dx: f64,
    dy: f64,
    options: DragOptions,
) -> Result<()> {
    let mut actions = vec![
        PointerAction::MoveToElement {
            element: element.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    if !options.hold.is_zero() {
        actions.push(PointerAction::Pause {
            duration: options.hold,
        });
    }
    for (x, y) in steps(dx, dy, options.steps) {
        actions.push(PointerAction::MoveBy {
            duration: Some(options.step),
            x,
            y,
        });
    }
    actions.push(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    perform(client, options.kind, actions).await
}

/// Performs pointer actions with one pointer of `kind`, then releases everything.
pub async fn perform(
    client: &Client,
    kind: PointerKind,
    actions: Vec<PointerAction>,
) -> Result<()> {
    fn fold<S: InputSource<Action = PointerAction>>(source: S, actions: Vec<PointerAction>) -> S {
        actions.into_iter().fold(source, |s, a| s.then(a))
    }
    match kind {
        PointerKind::Mouse => {
            client
                .perform_actions(fold(MouseActions::new("mouse".into()), actions))
                .await?
        }
        PointerKind::Touch => {
            client
                .perform_actions(fold(TouchActions::new("finger".into()), actions))
                .await?
        }
        PointerKind::Pen => {
            client
                .perform_actions(fold(PenActions::new("pen".into()), actions))
                .await?
        }
    }
    client.release_actions().await?;
    Ok(())
}

/// Whole-pixel steps that add up to exactly (`dx`, `dy`): WebDriver wants integer offsets.
pub fn steps(dx: f64, dy: f64, n: u32) -> Vec<(f64, f64)> {
    let n = n.max(1);
    let at = |i: u32| {
        let f = f64::from(i) / f64::from(n);
        ((dx * f).round(), (dy * f).round())
    };
    (1..=n)
        .map(|i| {
            let (x1, y1) = at(i);
            let (x0, y0) = at(i - 1);
            (x1 - x0, y1 - y0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_add_up_in_whole_pixels() {
        let s = steps(100.0, -33.0, 7);
        assert_eq!(s.len(), 7);
        let (x, y) = s.iter().fold((0.0, 0.0), |(x, y), (a, b)| (x + a, y + b));
        assert_eq!((x, y), (100.0, -33.0));
        assert!(s.iter().all(|(a, b)| a.fract() == 0.0 && b.fract() == 0.0));
        assert_eq!(steps(5.0, 5.0, 0), [(5.0, 5.0)]);
    }
}
