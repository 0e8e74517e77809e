//! The people at the table and who may see what.

use anyhow::{Result, ensure};
use koersbord_e2e::page::{advance, join};
use koersbord_e2e::{Browser, DragOptions, Harness, TIMEOUT, Viewport, wait_value};
use koersbord_shared::protocol::join_link;
use std::fmt::Debug;
use std::future::Future;

pub const PIEN: u32 = 1;
pub const KEES: u32 = 2;
pub const MILA: u32 = 3;

/// The people at the table: a phone on the network side, a keyboard user and a mouse user for
/// management, the facilitator and the shared screen.
pub struct Table {
    pub facilitator: Browser,
    pub screen: Browser,
    /// Network, phone, touch.
    pub pien: Browser,
    /// Management, keyboard only.
    pub kees: Browser,
    /// Management, mouse.
    pub mila: Browser,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Viewer {
    Facilitator,
    Screen,
    Participant(u32),
}

impl Viewer {
    pub fn me(self) -> Option<u32> {
        match self {
            Viewer::Participant(id) => Some(id),
            _ => None,
        }
    }

    /// Whether this viewer sees `owner`'s dots on a board that is `revealed` or hidden.
    pub fn sees(self, owner: u32, revealed: bool) -> bool {
        revealed || self == Viewer::Facilitator || self == Viewer::Participant(owner)
    }
}

impl Table {
    /// Seats everyone in a new session called `title`, takes the room through `steps` and starts
    /// noting which pointers the participants use.
    pub async fn at_step(h: &Harness, title: &str, steps: &[&str]) -> Result<Table> {
        let table = Table::set_up(h, title).await?;
        table.advance_to(steps).await?;
        table.record_pointers().await?;
        Ok(table)
    }

    async fn set_up(h: &Harness, title: &str) -> Result<Table> {
        let session = h
            .create_session(title, "Samen sterker", ["Doel 1", "Doel 2"])
            .await?;
        let join_link = join_link(&session.room, &session.join_key);
        let (facilitator, screen) = h.facilitator_and_screen(&session).await?;
        let pien = h.browser("pien-phone", Viewport::PHONE).await?;
        let kees = h.browser("kees-keyboard", Viewport::DESKTOP).await?;
        let mila = h.browser("mila-mouse", Viewport::DESKTOP).await?;
        let ids = (
            join(&pien, &join_link, "Pien", "network").await?,
            join(&kees, &join_link, "Kees", "management").await?,
            join(&mila, &join_link, "Mila", "management").await?,
        );
        ensure!(ids == (PIEN, KEES, MILA), "ids in join order: {ids:?}");
        Ok(Table {
            facilitator,
            screen,
            pien,
            kees,
            mila,
        })
    }

    pub fn all(&self) -> [&Browser; 5] {
        [
            &self.facilitator,
            &self.screen,
            &self.pien,
            &self.kees,
            &self.mila,
        ]
    }

    /// Every browser with who it is.
    pub fn viewers(&self) -> [(&Browser, Viewer); 5] {
        [
            (&self.facilitator, Viewer::Facilitator),
            (&self.screen, Viewer::Screen),
            (&self.pien, Viewer::Participant(PIEN)),
            (&self.kees, Viewer::Participant(KEES)),
            (&self.mila, Viewer::Participant(MILA)),
        ]
    }

    /// Starts noting in each participant's page which kinds of pointer press it.
    async fn record_pointers(&self) -> Result<()> {
        for browser in [&self.pien, &self.kees, &self.mila] {
            browser
                .js("window.__e2ePointers = [];
                     document.addEventListener('pointerdown',
                         (e) => window.__e2ePointers.push(e.pointerType), true);")
                .await?;
        }
        Ok(())
    }

    /// Pien used only her finger, Kees no pointer at all, Mila only the mouse.
    pub async fn check_pointers(&self) -> Result<()> {
        for (browser, kind) in [
            (&self.pien, Some("touch")),
            (&self.kees, None),
            (&self.mila, Some("mouse")),
        ] {
            let kinds = browser.js("return window.__e2ePointers").await?;
            let kinds: Vec<String> = serde_json::from_value(kinds)?;
            ensure!(
                kinds.iter().all(|k| Some(k.as_str()) == kind)
                    && (kind.is_none() == kinds.is_empty()),
                "{} pressed with {kinds:?}",
                browser.label()
            );
        }
        Ok(())
    }

    /// The facilitator moves on through `steps`, one at a time; everyone follows.
    async fn advance_to(&self, steps: &[&str]) -> Result<()> {
        advance(&self.facilitator, &self.all(), steps).await
    }
}

pub fn side_of(id: u32) -> &'static str {
    if id == PIEN { "network" } else { "management" }
}

/// Pien's finger: a touch drag in 12 steps.
pub fn finger() -> DragOptions {
    DragOptions {
        steps: 12,
        ..DragOptions::touch()
    }
}

/// Polls `fetch` until it returns `want`; on a timeout says what it returned last.
pub async fn wait_equal<T, F, Fut>(what: &str, want: &T, fetch: F) -> Result<()>
where
    T: PartialEq + Debug + Clone,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let what = format!("{what}: {want:?}");
    wait_value(&what, TIMEOUT, fetch, |got| got == want).await?;
    Ok(())
}
