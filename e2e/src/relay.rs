//! A line between one browser and the server that can go dead without closing, as a phone's does
//! in a lift or a Wi-Fi hand-over: while it is cut no byte moves either way and no socket closes,
//! so neither end hears anything, not even the WebSocket pings the browser would answer below the
//! page. When it comes back, what was held moves on, as TCP delivers it late. Chromium's offline
//! emulation cannot stand in for this: it stops the page's traffic but the browser still answers
//! pings, so the server would go on hearing the line.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Relay {
    addr: SocketAddr,
    cut: watch::Sender<bool>,
    /// Where new connections go; [`Relay::switch`] changes it, as a proxy sends a room elsewhere.
    to: watch::Sender<SocketAddr>,
    accept: JoinHandle<()>,
}

impl Relay {
    /// Listens on loopback and relays every connection to `to`.
    pub async fn start(to: SocketAddr) -> Result<Relay> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .context("binding the relay")?;
        let addr = listener.local_addr()?;
        let (cut, line) = watch::channel(false);
        let (to, target) = watch::channel(to);
        let accept = tokio::spawn(async move {
            while let Ok((browser, _)) = listener.accept().await {
                let line = line.clone();
                let to = *target.borrow();
                tokio::spawn(async move {
                    let _ = connect(browser, to, line).await;
                });
            }
        });
        Ok(Relay {
            addr,
            cut,
            to,
            accept,
        })
    }

    /// `http://127.0.0.1:PORT`: open a browser on this base to put it behind the relay.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The line goes dead: nothing moves, nothing closes.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// The line is back.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }

    /// New connections go to `to` from now on; those open stay where they are, as with a proxy
    /// that now routes a room to another server.
    pub fn switch(&self, to: SocketAddr) {
        self.to.send_replace(to);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // Dropping `cut` ends every pipe (their `changed()` fails).
        self.accept.abort();
    }
}

async fn connect(
    browser: TcpStream,
    to: SocketAddr,
    mut line: watch::Receiver<bool>,
) -> Result<()> {
    // A connection made while the line is dead waits, as a SYN would be retried.
    while *line.borrow() {
        line.changed().await?;
    }
    let server = TcpStream::connect(to).await?;
    let _ = (browser.set_nodelay(true), server.set_nodelay(true));
    let (br, bw) = browser.into_split();
    let (sr, sw) = server.into_split();
    let up = tokio::spawn(pipe(br, sw, line.clone()));
    pipe(sr, bw, line).await;
    let _ = up.await;
    Ok(())
}

/// Copies `from` to `to` while the line is up; ends when either side closes or the relay goes.
async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut line: watch::Receiver<bool>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // While the line is cut nothing is read, so nothing is written and nothing closes.
        while *line.borrow_and_update() {
            if line.changed().await.is_err() {
                return;
            }
        }
        let read = tokio::select! {
            read = from.read(&mut buf) => read,
            // Cut (or the relay gone) mid-read: a TCP read is safe to drop; look again.
            changed = line.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
        };
        match read {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => {
                if to.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
