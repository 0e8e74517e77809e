//! Waiting for the page, by polling: live updates arrive when they arrive.

use anyhow::{Context, Result, anyhow};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the helpers look again.
pub const POLL: Duration = Duration::from_millis(50);

/// Waits until an element matches `css`, and returns it.
pub async fn wait_for(client: &Client, css: &str, timeout: Duration) -> Result<Element> {
    wait_some(&format!("an element matching `{css}`"), timeout, || async {
        match client.find(Locator::Css(css)).await {
            Ok(element) => Ok(Some(element)),
            Err(e) if e.is_no_such_element() => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Waits until the element matching `css` exists and its text contains `needle`.
pub async fn wait_for_text(
    client: &Client,
    css: &str,
    needle: &str,
    timeout: Duration,
) -> Result<Element> {
    let what = format!("`{css}` to contain {needle:?}");
    wait_some(&what, timeout, || async {
        let Ok(element) = client.find(Locator::Css(css)).await else {
            return Ok(None);
        };
        let text = element.text().await?;
        Ok(text.contains(needle).then_some(element))
    })
    .await
}

/// Polls `check` until it returns `Ok(true)`. Errors count as "not yet" (an element can go stale
/// while the page redraws); the last one is reported if time runs out. `what` names the
/// condition in that message.
///
/// ```no_run
/// # async fn example(a: &koersbord_e2e::Browser, b: &koersbord_e2e::Browser) -> anyhow::Result<()> {
/// use koersbord_e2e::{Locator, TIMEOUT, wait_until};
/// let dot = Locator::Css("[data-testid=dot]");
/// wait_until("both browsers to show the dot", TIMEOUT, || async {
///     Ok(a.find(dot).await.is_ok() && b.find(dot).await.is_ok())
/// })
/// .await?;
/// # Ok(())
/// # }
/// ```
pub async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    wait_some(what, timeout, || {
        let fut = check();
        async move { Ok(fut.await?.then_some(())) }
    })
    .await
}

/// Polls `check` until it returns `Ok(Some(value))`, and returns the value. Errors count as "not
/// yet", as in [`wait_until`].
pub async fn wait_some<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut last_error = None;
    loop {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if start.elapsed() >= timeout {
            let waited = format!("waited {timeout:?} for {what}");
            return Err(match last_error {
                Some(e) => e.context(waited),
                None => anyhow!(waited),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Polls `fetch` until what it returns passes `done`, and returns that. Errors count as "not
/// yet", as in [`wait_until`]; on a timeout the message also says what `fetch` returned last.
pub async fn wait_value<T, F, Fut, D>(
    what: &str,
    timeout: Duration,
    mut fetch: F,
    done: D,
) -> Result<T>
where
    T: Debug + Clone,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
    D: Fn(&T) -> bool,
{
    let last = Mutex::new(None::<T>);
    wait_some(what, timeout, || {
        let fut = fetch();
        let (last, done) = (&last, &done);
        async move {
            let value = fut.await?;
            let passed = done(&value).then(|| value.clone());
            *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
            Ok(passed)
        }
    })
    .await
    .with_context(|| {
        let last = last.lock().unwrap_or_else(|p| p.into_inner());
        match &*last {
            Some(value) => format!("last seen: {value:?}"),
            None => "nothing seen".to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[tokio::test]
    async fn wait_until_polls_until_true() {
        let calls = Cell::new(0);
        wait_until("three calls", Duration::from_secs(5), || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move { Ok(n >= 3) }
        })
        .await
        .unwrap();
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn wait_some_times_out_with_the_last_error() {
        let err = wait_some::<(), _, _>("nothing", Duration::from_millis(120), || async {
            Err(anyhow!("still broken"))
        })
        .await
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("for nothing"), "{text}");
        assert!(text.contains("still broken"), "{text}");
    }
}
