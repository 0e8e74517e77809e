//! The client built into the binary (feature `embed`, see `build.rs`): the same answers as serving
//! `dist/` from disk (brotli or gzip twin when the browser takes it, the page for any other path),
//! from memory, with an ETag so a reload costs a `304`.

use super::static_files::{accepts, page_for};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::{Embed, EmbeddedFile};

#[derive(Embed)]
#[folder = "../dist/"]
struct Client;

/// Whether a client was embedded that has a page (always, when this module is compiled).
pub(crate) fn has_page() -> bool {
    Client::get("index.html").is_some()
}

pub(crate) async fn serve(req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = req.uri().path().trim_start_matches('/');
    // Any path that is not a file is a page of the single-page app.
    let name = match Client::get(path) {
        Some(_) if !path.is_empty() => path,
        _ => page_for(req.uri().path(), |name| Client::get(name).is_some()),
    };
    let Some(plain) = Client::get(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (file, encoding) = twin(name, req.headers()).unwrap_or((plain.clone(), None));
    let etag = etag(&file, encoding);

    let mut response = if none_match(req.headers(), &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if req.method() == Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(file.data))
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(plain.metadata.mimetype()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// The brotli or gzip twin of `name` that the request accepts, brotli first (smaller).
fn twin(name: &str, headers: &HeaderMap) -> Option<(EmbeddedFile, Option<&'static str>)> {
    let accepted = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(&accepted, coding))
        .find_map(|(coding, suffix)| Some((Client::get(&format!("{name}{suffix}"))?, Some(coding))))
}

/// A strong ETag from the content hash the build embedded; each encoding is its own entity.
fn etag(file: &EmbeddedFile, encoding: Option<&str>) -> String {
    let hash = file.metadata.sha256_hash();
    let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    match encoding {
        Some(coding) => format!("\"{hex}-{coding}\""),
        None => format!("\"{hex}\""),
    }
}

fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}
