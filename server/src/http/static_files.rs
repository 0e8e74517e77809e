//! The built client. Files come from `--dist` (default `dist/`) or, in a binary built with the
//! `embed` feature and no `--dist`, from the binary itself (`embedded.rs`): brotli or gzip twins
//! when the browser takes them (browsers ask for brotli over HTTPS and from localhost); any other
//! path is a page of the single-page app, so it gets a page with 200: `join.html` for a join link
//! (it preloads the participant's client), `index.html` for the rest. Without a built client the
//! server still runs and says what to do.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};

pub(crate) const NOT_BUILT: &str = "client not built: run cargo xtask serve";

/// Where the client comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientSource {
    /// A directory `cargo xtask build` wrote.
    Dir(PathBuf),
    /// The binary itself (feature `embed`).
    Embedded,
}

impl ClientSource {
    /// `--dist` if given, else the embedded client if this binary has one, else `dist/`.
    pub fn choose(dist: Option<&Path>) -> ClientSource {
        match dist {
            Some(dir) => ClientSource::Dir(dir.to_owned()),
            None if cfg!(feature = "embed") => ClientSource::Embedded,
            None => ClientSource::Dir(PathBuf::from("dist")),
        }
    }

    /// Whether there is a page to serve (a directory may not have been built yet).
    pub fn is_built(&self) -> bool {
        match self {
            ClientSource::Dir(dir) => dir.join("index.html").is_file(),
            #[cfg(feature = "embed")]
            ClientSource::Embedded => super::embedded::has_page(),
            #[cfg(not(feature = "embed"))]
            ClientSource::Embedded => false,
        }
    }
}

/// Makes the client the router's answer to every path no route claims.
pub(crate) fn serve_client<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    source: &ClientSource,
) -> Router<S> {
    let files = match source {
        ClientSource::Dir(dist) => dir_service(dist),
        #[cfg(feature = "embed")]
        ClientSource::Embedded => Router::new().fallback(super::embedded::serve),
        #[cfg(not(feature = "embed"))]
        ClientSource::Embedded => dir_service(Path::new("dist")),
    };
    router.fallback_service(files.layer(middleware::from_fn(cache_control)))
}

/// The page a path of the single-page app gets: a join link's own page when the build made one
/// (`cargo xtask build` does), else the one page.
pub(crate) fn page_for(path: &str, has: impl Fn(&str) -> bool) -> &'static str {
    if path.starts_with(koersbord_shared::protocol::JOIN_PATH) && has(JOIN_PAGE) {
        JOIN_PAGE
    } else {
        "index.html"
    }
}

/// A join link's page, beside `index.html` in the built client (`cargo xtask build` writes it under
/// the same name, `crates/xtask/src/client.rs`).
const JOIN_PAGE: &str = "join.html";

fn dir_service(dist: &Path) -> Router {
    let dir = dist.to_owned();
    let spa = move |req: Request| {
        let page = page_for(req.uri().path(), |name| dir.join(name).is_file());
        let file = dir.join(page);
        async move { index_page(file, req).await }
    };
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(spa.into_service());
    Router::new().fallback_service(files)
}

/// Whether an `Accept-Encoding` value takes `coding` (named, with a q-value above 0).
#[cfg_attr(not(feature = "embed"), allow(dead_code))]
pub(crate) fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let named = parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding));
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        named && !refused
    })
}

/// Versioned files never change under their address: a browser keeps them for a year without
/// asking again. Everything else (the page itself, above all) is checked on every load, so a new
/// build is picked up at once, at the cost of a `304` when nothing changed.
async fn cache_control(req: Request, next: Next) -> Response {
    let value = if versioned(req.uri()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = next.run(req).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether `uri` names one version of a file: `cargo xtask build` puts a content hash in the names
/// of the wasm, its glue and the boot script (`name-0123456789.js`, `name-0123456789_bg.wasm`) and
/// `?v=HASH` on the links to everything else.
fn versioned(uri: &Uri) -> bool {
    if uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")))
    {
        return true;
    }
    let name = uri.path().rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn index_page(page: PathBuf, req: Request) -> Response {
    // Checked per request, so building the client while the server runs needs no restart.
    if !page.is_file() {
        return (StatusCode::SERVICE_UNAVAILABLE, NOT_BUILT).into_response();
    }
    match ServeFile::new(&page)
        .precompressed_br()
        .precompressed_gzip()
        .try_call(req)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(e) => {
            tracing::error!(error = %e, page = %page.display(), "cannot read the page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_q_values() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.8", "gzip"));
        assert!(accepts("BR", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
    }

    #[test]
    fn the_dist_flag_wins_and_without_it_the_binary_serves_what_it_was_built_with() {
        assert_eq!(
            ClientSource::choose(Some(Path::new("/srv/dist"))),
            ClientSource::Dir("/srv/dist".into())
        );
        let default = ClientSource::choose(None);
        if cfg!(feature = "embed") {
            assert_eq!(default, ClientSource::Embedded);
        } else {
            assert_eq!(default, ClientSource::Dir("dist".into()));
        }
    }

    #[test]
    fn a_join_link_gets_its_own_page_when_there_is_one() {
        let built = |name: &str| name == "join.html";
        assert_eq!(page_for("/j/abcdefghij", built), "join.html");
        assert_eq!(page_for("/r/abcdefghij", built), "index.html");
        assert_eq!(page_for("/", built), "index.html");
        assert_eq!(page_for("/jx", built), "index.html");
        // A client built before there were two pages: the one page serves every path.
        assert_eq!(page_for("/j/abcdefghij", |_| false), "index.html");
    }

    #[test]
    fn hashed_names_and_v_queries_are_versioned() {
        for uri in [
            "/koersbord-frontend-89ad9600b3.js",
            "/koersbord-frontend-89ad9600b3_bg.wasm",
            "/boot-2eea1eca6e.js",
            "/style.css?v=e2b4f7b47b",
            "/styles-4d2a90c1fe.css",
            "/favicon.svg?x=1&v=b52736088e",
        ] {
            assert!(versioned(&uri.parse().unwrap()), "{uri}");
        }
        for uri in [
            "/",
            "/index.html",
            "/r/abcdefghij",
            "/style.css",
            "/koersbord-frontend.js",
            "/name-notahexhash.js",
        ] {
            assert!(!versioned(&uri.parse().unwrap()), "{uri}");
        }
    }
}
