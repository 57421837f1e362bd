//! Bytes handed from one thread to another and not yet taken, bounded: a channel bounded in
//! items alone holds, ahead of a slow consumer, as many large items as small ones.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// The bytes in flight between one producer and one consumer, and their cap.
#[derive(Debug)]
pub struct ByteBudget {
    cap: usize,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    closed: bool,
    /// The producer is waiting: only then does giving back wake it (a wake is a system call,
    /// and most items are given back while nobody waits).
    waiting: bool,
}

impl ByteBudget {
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is two plain numbers, valid whatever a panicking holder was doing.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `bytes` more fit under the cap, then counts them as in flight. An item larger
    /// than the cap goes when nothing else is in flight, so it never waits forever. False when
    /// the consumer is gone ([`ByteBudget::close`]): the producer should stop.
    pub fn take(&self, bytes: usize) -> bool {
        let mut state = self.state();
        while !state.closed && state.in_flight > 0 && state.in_flight + bytes > self.cap {
            state.waiting = true;
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.waiting = false;
        if state.closed {
            return false;
        }
        state.in_flight += bytes;
        true
    }

    /// The consumer has taken `bytes` of those in flight.
    pub fn give_back(&self, bytes: usize) {
        let mut state = self.state();
        state.in_flight = state.in_flight.saturating_sub(bytes);
        let wake = state.waiting;
        drop(state);
        if wake {
            self.changed.notify_all();
        }
    }

    /// The consumer is gone: the producer no longer waits, and [`ByteBudget::take`] says so.
    pub fn close(&self) {
        self.state().closed = true;
        self.changed.notify_all();
    }

    /// Bytes in flight now.
    #[cfg(test)]
    fn in_flight(&self) -> usize {
        self.state().in_flight
    }
}

/// Closes the budget when dropped: held by the consumer, so that a consumer that stops on an
/// error does not leave the producer waiting.
pub struct CloseOnDrop<'a>(pub &'a ByteBudget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::mpsc::{Receiver, sync_channel};
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// A producer taking `bytes` on a thread of its own; what `take` says comes through the
    /// receiver.
    fn take_on_a_thread(
        budget: &Arc<ByteBudget>,
        bytes: usize,
    ) -> (JoinHandle<()>, Receiver<bool>) {
        let (tx, rx) = sync_channel(1);
        let budget = Arc::clone(budget);
        let producer = std::thread::spawn(move || {
            let _ = tx.send(budget.take(bytes));
        });
        (producer, rx)
    }

    #[test]
    fn the_producer_waits_while_the_cap_is_reached() {
        let budget = Arc::new(ByteBudget::new(100));
        assert!(budget.take(60));
        assert!(budget.take(40));
        assert_eq!(budget.in_flight(), 100);
        let (producer, rx) = take_on_a_thread(&budget, 30);
        // Still waiting: 130 bytes would be over the cap.
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        budget.give_back(60);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));
        assert!(producer.join().is_ok());
        assert_eq!(budget.in_flight(), 70);
    }

    #[test]
    fn an_item_over_the_cap_goes_alone() {
        let budget = ByteBudget::new(100);
        assert!(budget.take(1_000));
        assert_eq!(budget.in_flight(), 1_000);
        budget.give_back(1_000);
        assert_eq!(budget.in_flight(), 0);
        // Giving back more than was taken leaves nothing in flight, never an underflow.
        budget.give_back(5);
        assert_eq!(budget.in_flight(), 0);
    }

    #[test]
    fn closing_releases_a_waiting_producer() {
        let budget = Arc::new(ByteBudget::new(10));
        assert!(budget.take(10));
        let (producer, rx) = take_on_a_thread(&budget, 10);
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        drop(CloseOnDrop(&budget));
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(false));
        assert!(producer.join().is_ok());
        assert!(!budget.take(1));
    }
}
