//! Per-host politeness: at most `limit` requests in flight to one host, starts at least
//! `interval` apart, and a host-wide pause after a rate limit (`Retry-After`).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Host {
    in_flight: u32,
    /// No request to this host starts before this.
    next_start: Option<Instant>,
}

/// Shared by every thread of a run.
pub struct Gate {
    limit: u32,
    interval: Duration,
    hosts: Mutex<HashMap<String, Host>>,
    changed: Condvar,
}

/// A slot for one request to a host; dropping it frees the slot.
pub struct Permit<'a> {
    gate: &'a Gate,
    host: String,
}

impl Gate {
    pub fn new(limit: u32, interval: Duration) -> Gate {
        Gate {
            limit: limit.max(1),
            interval,
            hosts: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Host>> {
        // A thread that panicked while holding the lock left the counts consistent (every
        // change is one statement), so the map is still good.
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a request to `host` may start, and takes a slot.
    pub fn acquire(&self, host: &str) -> Permit<'_> {
        let mut hosts = self.lock();
        loop {
            let now = Instant::now();
            let state = hosts.entry(host.to_owned()).or_default();
            let wait = state.next_start.filter(|t| *t > now).map(|t| t - now);
            match wait {
                None if state.in_flight < self.limit => {
                    state.in_flight += 1;
                    state.next_start = Some(now + self.interval);
                    return Permit {
                        gate: self,
                        host: host.to_owned(),
                    };
                }
                // Woken by a finished request or a new pause, or when the wait is over.
                Some(wait) => {
                    hosts = self
                        .changed
                        .wait_timeout(hosts, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => {
                    hosts = self
                        .changed
                        .wait(hosts)
                        .unwrap_or_else(PoisonError::into_inner)
                }
            }
        }
    }

    /// No request to `host` starts within `pause` from now (a 429's `Retry-After`, a backoff).
    pub fn pause(&self, host: &str, pause: Duration) {
        let until = Instant::now() + pause;
        let mut hosts = self.lock();
        let state = hosts.entry(host.to_owned()).or_default();
        state.next_start = Some(state.next_start.map_or(until, |t| t.max(until)));
        self.changed.notify_all();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut hosts = self.gate.lock();
        if let Some(state) = hosts.get_mut(&self.host) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        self.gate.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::thread;

    #[test]
    fn limits_requests_in_flight_per_host_and_spaces_their_starts() {
        let gate = Gate::new(2, Duration::from_millis(20));
        let in_flight = AtomicU32::new(0);
        let peak = AtomicU32::new(0);
        let started = Instant::now();
        thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    let _permit = gate.acquire("www.amazon.de");
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(30));
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        // Six starts at least 20 ms apart: the last one 100 ms after the first.
        assert!(started.elapsed() >= Duration::from_millis(100));
        // Another host is not held up by this one.
        let other = Instant::now();
        drop(gate.acquire("amzn.to"));
        assert!(other.elapsed() < Duration::from_millis(15));
    }

    #[test]
    fn a_pause_holds_back_every_request_to_the_host() {
        let gate = Gate::new(2, Duration::ZERO);
        gate.pause("www.amazon.com", Duration::from_millis(60));
        let started = Instant::now();
        drop(gate.acquire("www.amazon.com"));
        assert!(started.elapsed() >= Duration::from_millis(55));
    }
}
