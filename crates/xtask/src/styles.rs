//! One stylesheet over the wire. The frontend keeps its CSS in files per view (`style.css`,
//! `phone.css`, …), each linked from `frontend/index.html`. Linked one by one they are six
//! render-blocking requests, and a browser opens at most six HTTP/1.1 connections to a host: the
//! boot module and the wasm then wait for a stylesheet to finish. The build joins the linked files,
//! in the order of their links (so the cascade is the same), into one `styles-HASH.css` linked
//! where the first was.

/// The local stylesheets (`href="/name.css"`) the template links, in document order, each with
/// the whole `<link …>` tag as written.
pub fn linked(template: &str) -> Vec<(String, String)> {
    let lower = template.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<link").map(|i| from + i) {
        let end = lower[at..].find('>').map_or(lower.len(), |e| at + e + 1);
        let tag = &template[at..end];
        from = end;
        let rel = attribute(tag, "rel").unwrap_or_default();
        let is_style = rel
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("stylesheet"));
        // A `media` or other condition would be lost by joining: such a link stays as it is.
        if !is_style || attribute(tag, "media").is_some() {
            continue;
        }
        if let Some(href) = attribute(tag, "href").filter(|h| is_local_css(h)) {
            found.push((href.to_string(), tag.to_string()));
        }
    }
    found
}

/// The template with the joined links replaced by one link to `bundle`, where the first was.
pub fn relink(template: &str, links: &[(String, String)], bundle: &str) -> String {
    let mut page = template.to_string();
    for (i, (_, tag)) in links.iter().enumerate() {
        let Some(at) = page.find(tag.as_str()) else {
            continue;
        };
        if i == 0 {
            page.replace_range(
                at..at + tag.len(),
                &format!("<link rel=\"stylesheet\" href=\"{bundle}\">"),
            );
        } else {
            // The tag and the line it stood on, when it had one to itself.
            let line_start = page[..at].rfind('\n').map_or(0, |n| n + 1);
            let after = at + tag.len();
            let line_end = page[after..]
                .find('\n')
                .map_or(page.len(), |n| after + n + 1);
            let alone =
                page[line_start..at].trim().is_empty() && page[after..line_end].trim().is_empty();
            if alone {
                page.replace_range(line_start..line_end, "");
            } else {
                page.replace_range(at..after, "");
            }
        }
    }
    page
}

/// The joined stylesheet: each file under a comment naming it, in the order given.
pub fn join(files: &[(String, String)]) -> String {
    let mut css = String::new();
    for (path, text) in files {
        css.push_str(&format!("/* {} */\n", path.trim_start_matches('/')));
        css.push_str(text);
        if !text.ends_with('\n') {
            css.push('\n');
        }
    }
    css
}

fn is_local_css(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && href.ends_with(".css")
        && !href.contains(['?', '#'])
}

/// The value of `name` in one tag: `name="…"`, `name='…'` or `name=bare`.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| from + i) {
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(|c| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or_default(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<head>\n  <link rel=\"icon\" href=\"/favicon.svg\">\n  \
        <link rel=\"stylesheet\" href=\"/style.css\">\n  <link rel=stylesheet href='/phone.css'>\n  \
        <link rel=\"stylesheet\" href=\"/print.css\" media=\"print\">\n  \
        <LINK REL=\"Stylesheet\" HREF=\"/screen.css\">\n  \
        <link rel=\"stylesheet\" href=\"https://example.org/x.css\">\n</head>";

    #[test]
    fn local_stylesheets_are_found_in_order() {
        let hrefs: Vec<_> = linked(TEMPLATE).into_iter().map(|(h, _)| h).collect();
        // Not the icon, not the one for print (its condition), not another site's.
        assert_eq!(hrefs, ["/style.css", "/phone.css", "/screen.css"]);
    }

    #[test]
    fn the_links_become_one_where_the_first_was() {
        let links = linked(TEMPLATE);
        let page = relink(TEMPLATE, &links, "/styles-abc.css");
        assert_eq!(
            page,
            "<head>\n  <link rel=\"icon\" href=\"/favicon.svg\">\n  \
             <link rel=\"stylesheet\" href=\"/styles-abc.css\">\n  \
             <link rel=\"stylesheet\" href=\"/print.css\" media=\"print\">\n  \
             <link rel=\"stylesheet\" href=\"https://example.org/x.css\">\n</head>"
        );
    }

    #[test]
    fn links_on_one_line_are_joined_too() {
        let template = r#"<head><link rel="stylesheet" href="/a.css"><link rel="stylesheet" href="/b.css"></head>"#;
        let page = relink(template, &linked(template), "/styles-abc.css");
        assert_eq!(
            page,
            r#"<head><link rel="stylesheet" href="/styles-abc.css"></head>"#
        );
    }

    #[test]
    fn files_are_joined_in_order_under_their_names() {
        let css = join(&[
            ("/style.css".into(), "a{}".into()),
            ("/phone.css".into(), "b{}\n".into()),
        ]);
        assert_eq!(css, "/* style.css */\na{}\n/* phone.css */\nb{}\n");
    }

    #[test]
    fn attributes_are_read_in_every_quoting() {
        assert_eq!(attribute(r#"<link href="/a.css">"#, "href"), Some("/a.css"));
        assert_eq!(attribute("<link href='/a.css'>", "href"), Some("/a.css"));
        assert_eq!(attribute("<link href=/a.css>", "href"), Some("/a.css"));
        assert_eq!(
            attribute("<link data-href=/x href=/a.css>", "href"),
            Some("/a.css")
        );
        assert_eq!(attribute("<link rel=icon>", "href"), None);
    }
}
