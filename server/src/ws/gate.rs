//! A future that is polled again only after its own waker fired.
//!
//! `select!` polls every branch whenever the task is woken, whichever branch the wake-up was for.
//! A connection's task is woken mostly for frames to send, so each of those wake-ups also polled
//! the socket's reader (through tungstenite, which zeroes its free read buffer and registers
//! wakers before it finds nothing to read), the kick and the shutdown token (a mutex each). Behind
//! a [`Gate`], those quiet branches cost an atomic load per wake-up that is not theirs.

use futures_util::task::AtomicWaker;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

pub(super) struct Gate<F> {
    inner: Pin<Box<F>>,
    flag: Arc<Flag>,
    /// Hands wake-ups of `inner` to `flag`.
    waker: Waker,
    /// The task's waker as last registered in `flag`, to skip registering it again.
    registered: Option<Waker>,
}

struct Flag {
    /// Set when `inner` was woken (and at first, so it is polled once).
    woken: AtomicBool,
    /// The task's waker, woken with `inner`.
    task: AtomicWaker,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

impl<F: Future> Gate<F> {
    pub(super) fn new(inner: F) -> Gate<F> {
        let flag = Arc::new(Flag {
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        Gate {
            inner: Box::pin(inner),
            waker: Waker::from(flag.clone()),
            flag,
            registered: None,
        }
    }
}

impl<F: Future> Future for Gate<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        if !this.flag.woken.load(Ordering::Acquire) {
            // Not ours. `flag` still holds the task's waker (only a wake-up takes it), unless the
            // task's waker changed: the common case costs one load and no atomic write.
            if !this
                .registered
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                this.flag.task.register(cx.waker());
                this.registered = Some(cx.waker().clone());
                // A wake-up may have come before the registration; look again.
                if !this.flag.woken.load(Ordering::Acquire) {
                    return Poll::Pending;
                }
            } else {
                return Poll::Pending;
            }
        }
        // Cleared before the task's waker is registered again (the wake-up took it) and before
        // `inner` is polled: a wake-up from here on sets the flag again and wakes the task.
        this.flag.woken.store(false, Ordering::Release);
        this.flag.task.register(cx.waker());
        if !this
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            this.registered = Some(cx.waker().clone());
        }
        this.inner
            .as_mut()
            .poll(&mut Context::from_waker(&this.waker))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn a_gated_future_completes_when_its_own_waker_fires() {
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let mut other = tokio::time::interval(Duration::from_millis(1));
        let gated = Gate::new(async move { rx.recv().await });
        tokio::pin!(gated);
        let sender = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send(7).await.unwrap();
        });
        // Other branches wake the task many times before the gated one is ready.
        let mut ticks = 0;
        let got = loop {
            tokio::select! {
                got = &mut gated => break got,
                _ = other.tick() => ticks += 1,
            }
        };
        assert_eq!(got, Some(7));
        assert!(ticks > 1);
        sender.await.unwrap();
    }

    #[tokio::test]
    async fn a_gated_future_is_polled_once_at_first() {
        assert_eq!(Gate::new(async { 3 }).await, 3);
    }
}
