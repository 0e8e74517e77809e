//! The invitation to print: the planned date and time set and changed, then printed to PDF by
//! Chromium with the title, the date, the ambition, the join link and code; its QR holds exactly
//! the join link. And the facilitator's own links on a page of their own, marked secret.

use anyhow::{Context, Result, ensure};
use koersbord_e2e::fantoccini::wd::PrintConfiguration;
use koersbord_e2e::page::{click, set_value, tid};
use koersbord_e2e::{Viewport, run};
use koersbord_shared::protocol::{join_link, room_link};

/// The SVG path the client draws for `data` (`ui::qr_path`), from the same encoder.
fn qr_path(data: &str) -> Result<String> {
    let code = qrcode::QrCode::new(data.as_bytes())?;
    let width = code.width();
    let mut d = String::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            d.push_str(&format!("M{} {}h1v1h-1z", i % width, i / width));
        }
    }
    Ok(d)
}

#[test]
fn the_invitation_prints_with_its_date_code_and_a_qr_of_the_join_link() -> Result<()> {
    run("invitation_printed", |h| async move {
        let s = h
            .create_session(
                "Koers Noord",
                "Samen beter leren",
                ["Eerste doel", "Tweede doel"],
            )
            .await?;
        let f = h
            .browser(
                "facilitator",
                Viewport {
                    width: 1366,
                    height: 768,
                    ..Viewport::DESKTOP
                },
            )
            .await?;
        f.goto(&format!(
            "{}&uitnodiging",
            room_link(&s.room, &s.facilitator_key)
        ))
        .await?;
        f.wait_for_text(&tid("invitation-code"), &s.join_code)
            .await?;
        set_value(&f, &tid("planned-date"), "2027-02-28").await?;
        click(&f, &tid("planned-save")).await?;
        f.wait_for_text(&tid("invitation-when"), "28 februari 2027")
            .await?;
        // Plans change: another day, now with a time.
        set_value(&f, &tid("planned-date"), "2027-03-01").await?;
        set_value(&f, &tid("planned-time"), "09:30").await?;
        click(&f, &tid("planned-save")).await?;
        f.wait_for_text(&tid("invitation-when"), "1 maart 2027, 09:30")
            .await?;
        f.screenshot("invitation-1366x768").await?;
        koersbord_e2e::axe::check(&f, "the invitation").await?;

        let join = h.url(&join_link(&s.room, &s.join_key));
        let drawn = f
            .find_css("[data-testid=invitation] svg.qr path")
            .await?
            .attr("d")
            .await?
            .context("no QR path")?;
        ensure!(
            drawn == qr_path(&join)?,
            "the QR does not hold the join link {join}"
        );

        let pdf = f.print(PrintConfiguration::default()).await?;
        let text = pdf_extract::extract_text_from_mem(&pdf).context("reading the PDF")?;
        // Bold and monospaced runs come out letter by letter: compare without any spaces.
        let squash = |t: &str| t.split_whitespace().collect::<String>();
        let text = squash(&text);
        for want in [
            "Koers Noord",
            "1 maart 2027, 09:30",
            "Samen beter leren",
            "Tweede doel",
            &s.join_code,
            &join,
        ] {
            ensure!(
                text.contains(&squash(want)),
                "the PDF lacks {want:?}: {text}"
            );
        }
        ensure!(
            !text.contains("Opslaan") && !text.contains(&s.facilitator_key),
            "{text}"
        );

        // A phone at 390 wide shows it without sideways scrolling.
        let phone = h.browser("phone", Viewport::PHONE).await?;
        phone
            .goto(&format!(
                "{}&uitnodiging",
                room_link(&s.room, &s.facilitator_key)
            ))
            .await?;
        phone
            .wait_for_text(&tid("invitation-when"), "1 maart 2027")
            .await?;
        let wide = phone
            .js("return document.documentElement.scrollWidth")
            .await?;
        ensure!(
            wide == serde_json::json!(390),
            "wider than the phone: {wide}"
        );
        phone.screenshot("invitation-390x844").await?;
        koersbord_e2e::axe::check(&phone, "the invitation on a phone").await?;

        // The facilitator's own links, apart and marked secret (a new page: a fragment change
        // alone does not load one).
        f.goto("/").await?;
        f.goto(&format!("{}&links", room_link(&s.room, &s.facilitator_key)))
            .await?;
        f.wait_for_text(&tid("secret-lead"), &s.facilitator_key)
            .await?;
        f.wait_for_text(&tid("secret-links"), "Geheim").await?;
        koersbord_e2e::axe::check(&f, "the secret links").await?;
        Ok(())
    })
}
