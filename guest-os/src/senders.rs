//! Sender recovery ahead of execution. Recovering a signature is most of a transfer's
//! time and reads no state, so natively (the sequencer's run) helper threads decode the
//! block's transactions and recover their senders in order while the block executes, and
//! the executing thread recovers too whenever it would otherwise wait. On RISC-V there is
//! one core: each transaction recovers its sender as it runs, where the profiler
//! attributes the cycles to it.
use alloc::vec::Vec;
use zkos_system::tx::Recovered;
use zkos_system::Fatal;

/// Runs `execute` on each transaction in order, with its [`Recovered`] if it was
/// recovered ahead (`None` for a deposit, or where nothing runs ahead). Stops at the
/// first error.
pub fn for_each_recovered(
    transactions: &[Vec<u8>],
    execute: impl FnMut(&[u8], Option<Recovered>) -> Result<(), Fatal>,
) -> Result<(), Fatal> {
    #[cfg(target_arch = "riscv32")]
    {
        let mut execute = execute;
        return transactions.iter().try_for_each(|raw| execute(raw, None));
    }
    #[cfg(not(target_arch = "riscv32"))]
    recover_ahead(transactions, execute)
}

#[cfg(not(target_arch = "riscv32"))]
fn recover_ahead(
    transactions: &[Vec<u8>],
    mut execute: impl FnMut(&[u8], Option<Recovered>) -> Result<(), Fatal>,
) -> Result<(), Fatal> {
    let ahead = Ahead::new(transactions);
    // Helpers on rayon's standing pool: spawning threads and asking the system how many
    // cores it has were a twentieth of a block's native time. A helper that has not
    // started yet claims nothing, so the executing thread never waits for it.
    let helpers = rayon::current_num_threads().saturating_sub(1);
    rayon::in_place_scope(|scope| {
        for _ in 0..helpers.min(transactions.len()) {
            scope.spawn(|_| while ahead.recover_next() {});
        }
        let result = transactions
            .iter()
            .enumerate()
            .try_for_each(|(index, raw)| execute(raw, ahead.take(index)));
        ahead.stop();
        result
    })
}

/// The shared work list: transactions are claimed in order, and each result waits in its
/// slot for the executing thread.
#[cfg(not(target_arch = "riscv32"))]
struct Ahead<'t> {
    transactions: &'t [Vec<u8>],
    next: core::sync::atomic::AtomicUsize,
    slots: Vec<std::sync::Mutex<Option<Option<Recovered>>>>,
    executing: std::thread::Thread,
}

#[cfg(not(target_arch = "riscv32"))]
impl<'t> Ahead<'t> {
    fn new(transactions: &'t [Vec<u8>]) -> Self {
        Ahead {
            transactions,
            next: Default::default(),
            slots: transactions.iter().map(|_| Default::default()).collect(),
            executing: std::thread::current(),
        }
    }

    /// Recovers the next unclaimed transaction; `false` when none is left.
    fn recover_next(&self) -> bool {
        use zkos_system::{deposit, tx};
        let index = self
            .next
            .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        let Some(raw) = self.transactions.get(index) else {
            return false;
        };
        let recovered = (!deposit::is_deposit(raw)).then(|| tx::decode_and_recover(raw));
        *self.slots[index].lock().unwrap() = Some(recovered);
        self.executing.unpark();
        true
    }

    /// The executing thread's wait for transaction `index`: it recovers what is still
    /// unclaimed itself, and sleeps only while a helper finishes the one it needs.
    fn take(&self, index: usize) -> Option<Recovered> {
        loop {
            if let Some(recovered) = self.slots[index].lock().unwrap().take() {
                return recovered;
            }
            if !self.recover_next() {
                std::thread::park();
            }
        }
    }

    /// Lets the helpers finish after the transaction they hold (the block stopped early).
    fn stop(&self) {
        self.next.store(
            self.transactions.len(),
            core::sync::atomic::Ordering::Relaxed,
        );
    }
}
