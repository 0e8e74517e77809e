//! Plain HTTP to the server (and to chromedriver): hyper-util's client, no TLS.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use koersbord_shared::protocol::{CreateSession, SessionCreated};
use std::time::Duration;

/// A response, read whole.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("unexpected response body: {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends one request; `body` is sent as JSON when given. Times out after 10 s.
pub async fn request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    json: Option<&serde_json::Value>,
) -> Result<Response> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let mut builder = Request::builder().method(method.clone()).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = match json {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(json)?)
        }
        None => Bytes::new(),
    };
    let request = builder.body(Full::new(body))?;
    let send = async {
        let response = client.request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        anyhow::Ok(Response {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    };
    tokio::time::timeout(Duration::from_secs(10), send)
        .await
        .with_context(|| format!("{method} {url} timed out"))?
        .with_context(|| format!("{method} {url}"))
}

/// `GET url`.
pub async fn get(url: &str) -> Result<Response> {
    request(Method::GET, url, &[], None).await
}

/// `POST url` with a JSON body.
pub async fn post_json(url: &str, json: &serde_json::Value) -> Result<Response> {
    request(Method::POST, url, &[], Some(json)).await
}

/// `POST /api/sessions` on the server at `base` (`http://127.0.0.1:PORT`): a new session, as
/// the facilitator prepares it.
pub async fn create_session(
    base: &str,
    title: &str,
    ambition: &str,
    goals: [&str; 2],
) -> Result<SessionCreated> {
    let body = CreateSession {
        title: title.to_string(),
        ambition: ambition.to_string(),
        goals: goals.map(str::to_string),
    };
    let url = format!("{}/api/sessions", base.trim_end_matches('/'));
    let response = post_json(&url, &serde_json::to_value(&body)?).await?;
    if !(200..300).contains(&response.status) {
        bail!(
            "POST {url} answered {}: {}",
            response.status,
            response.text()
        );
    }
    response.json()
}
