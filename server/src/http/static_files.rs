//! The built client. Files come from `dist/` (brotli or gzip twins when the browser takes them;
//! browsers ask for brotli over HTTPS and from localhost); any other path is a page of the single-page app, so it
//! gets `index.html` with 200. Without a built client the server still runs and says what to do.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};

pub(crate) const NOT_BUILT: &str = "client not built: run cargo xtask serve";

/// Makes the client the router's answer to every path no route claims.
pub(crate) fn serve_client<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    dist: &Path,
) -> Router<S> {
    let index = dist.join("index.html");
    let spa = move |req: Request| {
        let index = index.clone();
        async move { index_page(index, req).await }
    };
    router.fallback_service(
        ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(spa.into_service()),
    )
}

async fn index_page(index: PathBuf, req: Request) -> Response {
    // Checked per request, so building the client while the server runs needs no restart.
    if !index.is_file() {
        return (StatusCode::SERVICE_UNAVAILABLE, NOT_BUILT).into_response();
    }
    match ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip()
        .try_call(req)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(e) => {
            tracing::error!(error = %e, "cannot read index.html");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
