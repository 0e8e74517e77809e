//! Caps on open connections: how many WebSockets one room, or one client address, holds at once.
//! A [`Slot`] is one open socket; it gives its place back when dropped, so every way a socket ends
//! (a close, an error, a panic, shutdown dropping its task) counts it out.

use dashmap::DashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Open sockets per key (a room id, a client address). Keys with none open are forgotten.
pub struct Counter<K: Eq + Hash + Clone> {
    open: Arc<DashMap<K, usize>>,
}

impl<K: Eq + Hash + Clone> Default for Counter<K> {
    fn default() -> Self {
        Counter {
            open: Arc::default(),
        }
    }
}

impl<K: Eq + Hash + Clone> Counter<K> {
    /// A place for one more socket under `key`, unless `limit` are open already.
    pub fn try_take(&self, key: &K, limit: usize) -> Option<Slot<K>> {
        {
            let mut open = self.open.entry(key.clone()).or_insert(0);
            if *open < limit {
                *open += 1;
                return Some(Slot {
                    open: self.open.clone(),
                    key: key.clone(),
                });
            }
        }
        // Only a zero limit leaves an empty entry behind.
        self.open.remove_if(key, |_, n| *n == 0);
        None
    }

    /// How many are open under `key` now.
    pub fn count(&self, key: &K) -> usize {
        self.open.get(key).map_or(0, |n| *n)
    }

    /// How many keys have sockets open.
    #[cfg(test)]
    pub fn keys(&self) -> usize {
        self.open.len()
    }
}

/// One open socket's place under its key.
pub struct Slot<K: Eq + Hash + Clone> {
    open: Arc<DashMap<K, usize>>,
    key: K,
}

impl<K: Eq + Hash + Clone> Drop for Slot<K> {
    fn drop(&mut self) {
        if let Some(mut open) = self.open.get_mut(&self.key) {
            *open = open.saturating_sub(1);
        }
        self.open.remove_if(&self.key, |_, n| *n == 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_key_and_given_back_on_drop() {
        let counter = Counter::<&str>::default();
        let a1 = counter.try_take(&"a", 2).unwrap();
        let a2 = counter.try_take(&"a", 2).unwrap();
        assert!(counter.try_take(&"a", 2).is_none());
        let b = counter.try_take(&"b", 2).unwrap();
        assert_eq!((counter.count(&"a"), counter.count(&"b")), (2, 1));
        drop(a1);
        let a3 = counter.try_take(&"a", 2).expect("a place came free");
        drop((a2, a3, b));
        assert_eq!(counter.keys(), 0, "keys with nothing open are forgotten");
        assert!(counter.try_take(&"z", 0).is_none());
        assert_eq!(counter.keys(), 0);
    }

    #[test]
    fn many_threads_never_exceed_the_limit() {
        let counter = Arc::new(Counter::<u8>::default());
        let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (counter, peak) = (counter.clone(), peak.clone());
                std::thread::spawn(move || {
                    for _ in 0..2_000 {
                        if let Some(slot) = counter.try_take(&7, 3) {
                            peak.fetch_max(counter.count(&7), std::sync::atomic::Ordering::Relaxed);
                            drop(slot);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(peak.load(std::sync::atomic::Ordering::Relaxed) <= 3);
        assert_eq!(counter.count(&7), 0);
    }
}
