//! The facilitator's sessions in a real browser: found again under *Mijn sessies* after the tab
//! closed, copied with the same texts and new keys, and deleted with everyone connected.

use anyhow::{Result, ensure};
use koersbord_e2e::page::{
    click, create_on_start_page, join, link_path, room_and_key, tid, wait_phase,
};
use koersbord_e2e::{Browser, Viewport, run, wait_until};
use koersbord_shared::protocol::{join_link, room_link};

const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 768,
    touch: false,
    pixel_ratio: 1.0,
};

/// The path and fragment the browser is at now.
async fn here(browser: &Browser) -> Result<String> {
    let url = browser.current_url().await?;
    Ok(format!(
        "{}#{}",
        url.path(),
        url.fragment().unwrap_or_default()
    ))
}

#[test]
fn a_session_closed_without_keeping_its_link_is_found_under_mijn_sessies_and_led() -> Result<()> {
    run("mijn_sessies_after_the_tab_closed", |h| async move {
        let f = h.browser("facilitator", LAPTOP).await?;
        create_on_start_page(
            &f,
            "Koers voor wijk Oost",
            "Samen leren",
            ["Doel A", "Doel B"],
        )
        .await?;
        let lead = link_path(&f, h.base(), "link-facilitator").await?;
        // The tab closes before anyone copied a link; a new tab opens the start page.
        let old = f.window().await?;
        let new = f.new_window(true).await?;
        f.close_window().await?;
        f.switch_to_window(new.handle).await?;
        ensure!(f.window().await? != old);
        f.goto("/").await?;
        let entry = f
            .wait_for_text(&tid("my-session"), "Koers voor wijk Oost")
            .await?;
        let text = entry.text().await?;
        ensure!(
            text.contains("Welkom") && text.contains("0 deelnemers"),
            "{text}"
        );
        f.wait_for_text(&tid("my-sessions"), "ander apparaat")
            .await?;
        f.screenshot("mijn-sessies-1366x768").await?;
        koersbord_e2e::axe::check(&f, "Mijn sessies on a laptop").await?;
        click(&f, &tid("my-session-lead")).await?;
        f.wait_for(&tid("next-step")).await?;
        ensure!(
            here(&f).await? == lead,
            "led {} not {lead}",
            here(&f).await?
        );
        click(&f, &tid("next-step")).await?;
        wait_phase(&[&f], "ambition").await?;

        // The step reached shows on the next visit; and on a phone the list fits too.
        f.goto("/").await?;
        f.wait_for_text(&tid("my-session"), "Ambitie").await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        create_on_start_page(&phone, "Telefoonsessie", "Ambitie", ["", ""]).await?;
        phone.goto("/").await?;
        phone
            .wait_for_text(&tid("my-session"), "Telefoonsessie")
            .await?;
        let wide = phone
            .js("return document.documentElement.scrollWidth")
            .await?;
        ensure!(
            wide == serde_json::json!(390),
            "the list is wider than the phone: {wide}"
        );
        koersbord_e2e::page::scroll_to(&phone, &tid("my-sessions")).await?;
        phone.screenshot("mijn-sessies-390x844").await?;
        koersbord_e2e::axe::check(&phone, "Mijn sessies on a phone").await?;
        // Removing it from the list deletes nothing: the link still leads the session.
        let lead_phone = koersbord_e2e::page::attr(&phone, &tid("my-session-lead"), "href")
            .await?
            .unwrap_or_default();
        click(&phone, &tid("my-session-forget")).await?;
        wait_until("the list to empty", koersbord_e2e::TIMEOUT, || async {
            Ok(phone
                .find_all(koersbord_e2e::Locator::Css(&tid("my-session")))
                .await?
                .is_empty())
        })
        .await?;
        phone.goto(&lead_phone).await?;
        phone.wait_for(&tid("next-step")).await?;
        Ok(())
    })
}

#[test]
fn a_copy_has_the_same_texts_and_other_keys() -> Result<()> {
    run("copy_a_session", |h| async move {
        let s = h
            .create_session(
                "Tweede ronde",
                "Meer managers spreken",
                ["Doel een", "Doel twee"],
            )
            .await?;
        let f = h.browser("facilitator", LAPTOP).await?;
        f.goto(&room_link(&s.room, &s.facilitator_key)).await?;
        click(&f, &tid("open-harvest")).await?;
        click(&f, &tid("copy-session")).await?;
        wait_until("the copy to open", koersbord_e2e::TIMEOUT, || async {
            Ok(!here(&f).await?.contains(&s.room))
        })
        .await?;
        let (room, key) = room_and_key(&here(&f).await?)?;
        ensure!(room != s.room && key != s.facilitator_key && key != s.join_key);
        f.wait_for_text(&tid("ambition"), "Meer managers spreken")
            .await?;
        let body = f.body_text().await?;
        ensure!(
            body.contains("Tweede ronde") && body.contains("Doel twee"),
            "{body}"
        );
        // Both are under Mijn sessies.
        f.goto("/").await?;
        f.wait_for(&format!("[data-room='{room}']")).await?;
        f.wait_for(&format!("[data-room='{}']", s.room)).await?;
        Ok(())
    })
}

#[test]
fn a_session_deleted_with_everyone_connected_is_gone_on_every_screen() -> Result<()> {
    run("delete_with_everyone_connected", |h| async move {
        let s = h
            .create_session("Weg ermee", "Alles gaat", ["", ""])
            .await?;
        let (f, screen) = h.facilitator_and_screen(&s).await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        join(&phone, &join_link(&s.room, &s.join_key), "Anna", "network").await?;
        f.wait_for_text("li.person", "Anna").await?;
        click(&f, &tid("open-harvest")).await?;
        f.wait_for_text(&tid("kept-until"), "bewaard tot").await?;
        click(&f, &tid("delete-session")).await?;
        f.wait_for_text(&tid("confirm-delete"), "Weg ermee").await?;
        koersbord_e2e::page::scroll_to(&f, &tid("confirm-delete")).await?;
        f.screenshot("delete-confirm-1280x800").await?;
        click(&f, &tid("delete-confirm")).await?;
        for b in [&f, &screen, &phone] {
            b.wait_for_text(&tid("fatal"), "bestaat niet meer").await?;
        }
        phone.screenshot("deleted-390x844").await?;
        // The links answer the same later, and the code finds nothing.
        phone.goto(&join_link(&s.room, &s.join_key)).await?;
        phone.wait_for_text(&tid("fatal"), "bestaat niet").await?;
        let code = koersbord_e2e::http::post_json(
            &h.url("/api/join-code"),
            &serde_json::json!({ "code": s.join_code }),
        )
        .await?;
        ensure!(
            code.status == 404,
            "the code still finds something: {}",
            code.status
        );
        f.goto("/").await?;
        f.wait_for(&tid("code-input")).await?;
        ensure!(
            f.find_all(koersbord_e2e::Locator::Css(&format!(
                "[data-room='{}']",
                s.room
            )))
            .await?
            .is_empty(),
            "the deleted session is still listed"
        );
        Ok(())
    })
}

#[test]
fn the_privacy_page_names_the_organisation_its_contact_and_the_retention_in_both_languages()
-> Result<()> {
    let options = koersbord_e2e::ServerOptions {
        args: [
            "--org-name",
            "Zorggroep Voorbeeld",
            "--privacy-contact",
            "privacy@voorbeeld.nl",
            "--retention-days",
            "90",
        ]
        .map(String::from)
        .to_vec(),
        ..Default::default()
    };
    koersbord_e2e::run_with("privacy_page", options, |h| async move {
        let f = h.browser("laptop", LAPTOP).await?;
        f.goto("/").await?;
        click(&f, &tid("privacy-link")).await?;
        f.wait_for_text(&tid("privacy-org"), "Zorggroep Voorbeeld")
            .await?;
        f.wait_for_text(&tid("privacy-contact"), "privacy@voorbeeld.nl")
            .await?;
        f.wait_for_text(&tid("privacy-days"), "90").await?;
        let body = f.body_text().await?;
        ensure!(body.contains("Geen accounts"), "{body}");
        f.screenshot("privacy-1366x768").await?;
        koersbord_e2e::axe::check(&f, "the privacy page").await?;
        click(&f, &tid("lang-switch")).await?;
        f.wait_for_text(&tid("privacy"), "No accounts").await?;
        koersbord_e2e::axe::check(&f, "the English privacy page").await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        phone.goto("/privacy").await?;
        phone.wait_for_text(&tid("privacy-days"), "90").await?;
        let wide = phone
            .js("return document.documentElement.scrollWidth")
            .await?;
        ensure!(
            wide == serde_json::json!(390),
            "wider than the phone: {wide}"
        );
        phone.screenshot("privacy-390x844").await?;
        koersbord_e2e::axe::check(&phone, "the privacy page on a phone").await?;
        Ok(())
    })
}

#[test]
fn after_the_close_a_participant_takes_out_their_name_and_everyone_sees_it_go() -> Result<()> {
    run("anonymise_after_the_close", |h| async move {
        let s = h.create_session("Afronding", "Samen", ["", ""]).await?;
        let f = h.browser("facilitator", LAPTOP).await?;
        f.goto(&room_link(&s.room, &s.facilitator_key)).await?;
        let phone = h.browser("phone", Viewport::PHONE).await?;
        join(
            &phone,
            &join_link(&s.room, &s.join_key),
            "Annemarie",
            "network",
        )
        .await?;
        f.wait_for_text("li.person", "Annemarie").await?;
        let steps = ["ambition", "drives", "pillars", "actions", "close"];
        koersbord_e2e::page::advance(&f, &[&f, &phone], &steps).await?;
        click(&phone, &tid("open-harvest")).await?;
        click(&phone, &tid("anonymise")).await?;
        click(&phone, &tid("anonymise-confirm")).await?;
        wait_until(
            "the name to go on the facilitator's screen",
            koersbord_e2e::TIMEOUT,
            || async { Ok(!f.body_text().await?.contains("Annemarie")) },
        )
        .await?;
        f.wait_for_text("li.person", "—").await?;
        ensure!(!phone.body_text().await?.contains("Annemarie"));
        phone.screenshot("anonymised-390x844").await?;
        Ok(())
    })
}
