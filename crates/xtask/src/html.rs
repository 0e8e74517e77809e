//! `dist/index.html` and `dist/join.html` from the frontend's template.
//!
//! The template is `frontend/index.html` (or [`DEFAULT_TEMPLATE`]). xtask adds the tags that load
//! the client: at the marker `<!-- koersbord:boot -->` if the template has one, otherwise just
//! before `</head>`. The client starts from an external module (`/boot-HASH.js`): the
//! Content-Security-Policy forbids inline scripts. The boot module chooses the client by the
//! address; each page also preloads its own client's wasm and glue, so both are on their way while
//! the stylesheet and the boot module still arrive (a round trip less on a slow phone). The server
//! answers a join link (`/j/…`) with `join.html`, every other page with `index.html`. References
//! to files copied from `frontend/static/` (`href="/favicon.svg"`) get `?v=HASH` so a new version
//! is never hidden by a cache.

/// Where the loading tags go, when the template wants them somewhere else than the end of `<head>`.
pub const BOOT_MARKER: &str = "<!-- koersbord:boot -->";

/// Used when the frontend has no `index.html` of its own.
pub const DEFAULT_TEMPLATE: &str = r#"<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Koersbord</title>
</head>
<body></body>
</html>
"#;

/// The files of one client build, as absolute URL paths.
#[derive(Debug)]
pub struct Bundle {
    /// The wasm-bindgen JS glue (`/koersbord-frontend-HASH.js`).
    pub glue: String,
    /// The wasm (`/koersbord-frontend-HASH_bg.wasm`).
    pub wasm: String,
}

/// Where a participant's link starts (`koersbord_shared::protocol::JOIN_PATH`; the e2e budget
/// test checks that a join link loads the participant's client).
pub const JOIN_PATH: &str = "/j/";

/// The loading tags: the client's glue and wasm preloaded, then the boot module (which fetches the
/// wasm, answered from the preload, and imports the glue). The preload is `crossorigin` because
/// `fetch` asks in CORS mode: without it the browser would not reuse the preloaded response.
pub fn boot_tags(boot: &str, client: &Bundle) -> String {
    format!(
        "<link rel=\"modulepreload\" href=\"{glue}\">\n\
         <link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n\
         <script type=\"module\" src=\"{boot}\"></script>\n",
        glue = client.glue,
        wasm = client.wasm,
    )
}

/// The boot module: on a join link the participant's client, on every other page the full one.
/// It starts fetching the wasm before the glue has arrived (the glue awaits the response it is
/// handed; the glue `wasm-bindgen-cli-support` writes has no default path).
pub fn boot_js(participant: &Bundle, full: &Bundle) -> String {
    format!(
        "const [glue, wasm] = location.pathname.startsWith('{JOIN_PATH}')\n  \
         ? ['{}', '{}']\n  : ['{}', '{}'];\n\
         const module_or_path = fetch(wasm);\n\
         import(glue).then(({{ default: init }}) => init({{ module_or_path }}));\n",
        participant.glue, participant.wasm, full.glue, full.wasm
    )
}

/// The page for `client`: the template with the loading tags in place and versioned static
/// references. `statics` are (URL path, content hash) of every file copied from `frontend/static/`.
pub fn render(template: &str, boot: &str, client: &Bundle, statics: &[(String, String)]) -> String {
    let tags = boot_tags(boot, client);
    let mut page = if template.contains(BOOT_MARKER) {
        template.replacen(BOOT_MARKER, tags.trim_end(), 1)
    } else if let Some(at) = find_ignore_case(template, "</head>") {
        format!("{}{tags}{}", &template[..at], &template[at..])
    } else if let Some(at) = find_ignore_case(template, "<body") {
        format!("{}{tags}{}", &template[..at], &template[at..])
    } else {
        format!("{template}\n{tags}")
    };
    for (path, hash) in statics {
        for quote in ['"', '\''] {
            page = page.replace(
                &format!("{quote}{path}{quote}"),
                &format!("{quote}{path}?v={hash}{quote}"),
            );
        }
    }
    page
}

/// How many `<script>` elements have no `src`: inline code the CSP will refuse to run.
pub fn inline_scripts(html: &str) -> usize {
    let lower = html.to_ascii_lowercase();
    lower
        .match_indices("<script")
        .filter(|(at, _)| {
            let tag_end = lower[*at..].find('>').map_or(lower.len(), |e| at + e);
            let tag = &lower[*at..tag_end];
            !tag.contains(" src=") && !tag.contains("type=\"application/ld+json\"")
        })
        .count()
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOT: &str = "/boot-abc.js";

    fn bundle(name: &str) -> Bundle {
        Bundle {
            glue: format!("/{name}-abc.js"),
            wasm: format!("/{name}-abc_bg.wasm"),
        }
    }

    #[test]
    fn tags_go_before_the_end_of_head() {
        let page = render(DEFAULT_TEMPLATE, BOOT, &bundle("koersbord-frontend"), &[]);
        let script = page.find(r#"<script type="module" src="/boot-abc.js"></script>"#);
        let head_end = page.find("</head>");
        assert!(script.is_some() && head_end.is_some(), "{page}");
        assert!(script < head_end, "{page}");
        assert_eq!(inline_scripts(&page), 0);
    }

    #[test]
    fn a_page_preloads_its_own_client_before_the_boot_module() {
        let page = render(
            DEFAULT_TEMPLATE,
            BOOT,
            &bundle("koersbord-participant"),
            &[],
        );
        let glue = page.find(r#"<link rel="modulepreload" href="/koersbord-participant-abc.js">"#);
        let wasm = page.find(
            r#"<link rel="preload" href="/koersbord-participant-abc_bg.wasm" as="fetch" type="application/wasm" crossorigin>"#,
        );
        let boot = page.find("/boot-abc.js");
        assert!(glue.is_some() && wasm.is_some(), "{page}");
        assert!(glue < boot && wasm < boot, "{page}");
        assert!(!page.contains("koersbord-frontend"), "{page}");
    }

    #[test]
    fn the_marker_places_the_tags() {
        let template = "<HTML><HEAD><!-- koersbord:boot --><title>x</title></HEAD></HTML>";
        let page = render(template, BOOT, &bundle("c"), &[]);
        assert!(!page.contains(BOOT_MARKER));
        assert!(page.find("/boot-abc.js").unwrap() < page.find("<title>").unwrap());
    }

    #[test]
    fn upper_case_head_is_found() {
        let page = render(
            "<HTML><HEAD></HEAD><BODY></BODY></HTML>",
            BOOT,
            &bundle("c"),
            &[],
        );
        assert!(page.find("/boot-abc.js").unwrap() < page.find("</HEAD>").unwrap());
    }

    #[test]
    fn a_fragment_without_head_still_loads() {
        let page = render("<p>hallo</p>", BOOT, &bundle("c"), &[]);
        assert!(page.starts_with("<p>hallo</p>"));
        assert!(page.contains("/boot-abc.js"));
    }

    #[test]
    fn static_references_get_a_version() {
        let template = r#"<head><link rel=stylesheet href="/style.css"><link rel=icon href='/img/icon.svg'><link href="/style.css.map"></head>"#;
        let statics = [
            ("/style.css".to_string(), "111".to_string()),
            ("/img/icon.svg".to_string(), "222".to_string()),
        ];
        let page = render(template, BOOT, &bundle("c"), &statics);
        assert!(page.contains(r#"href="/style.css?v=111""#), "{page}");
        assert!(page.contains(r#"href='/img/icon.svg?v=222'"#), "{page}");
        assert!(page.contains(r#"href="/style.css.map""#), "{page}");
    }

    #[test]
    fn boot_module_chooses_the_client_by_the_address() {
        let code = boot_js(
            &bundle("koersbord-participant"),
            &bundle("koersbord-frontend"),
        );
        assert_eq!(
            code,
            "const [glue, wasm] = location.pathname.startsWith('/j/')\n  \
             ? ['/koersbord-participant-abc.js', '/koersbord-participant-abc_bg.wasm']\n  \
             : ['/koersbord-frontend-abc.js', '/koersbord-frontend-abc_bg.wasm'];\n\
             const module_or_path = fetch(wasm);\n\
             import(glue).then(({ default: init }) => init({ module_or_path }));\n"
        );
    }

    #[test]
    fn inline_scripts_are_counted() {
        assert_eq!(inline_scripts("<script>alert(1)</script>"), 1);
        assert_eq!(inline_scripts("<SCRIPT type=module>x</SCRIPT>"), 1);
        assert_eq!(
            inline_scripts(r#"<script type="module" src="/a.js"></script>"#),
            0
        );
        assert_eq!(
            inline_scripts(r#"<script type="application/ld+json">{}</script>"#),
            0
        );
    }
}
