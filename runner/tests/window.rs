//! The guest's view of the block-hash window (slots read from an oracle and checked against
//! the root, the root after a push computed from one slot's siblings) against the host's
//! plain list of the last 8192 hashes, over random chains longer than the window: BLOCKHASH
//! serves 256 of them and the EIP-2935 history 8191. Lies about a slot abort.
use proptest::prelude::*;
use zkos_system::account::ACCOUNT_ENCODED_LEN;
use zkos_system::chain::{BlockHashes, VerifiedWindow, WindowSlot, WINDOW_SLOTS};
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::tree::{KeyRead, StateOracle};
use zkos_system::{Fatal, B256};

/// Answers slots from the host's list; `lie` flips a bit of the answer to slot `lie.0`.
struct Slots<'h> {
    hashes: &'h BlockHashes,
    last: u64,
    lie: Option<(u32, usize)>,
}

impl StateOracle for Slots<'_> {
    fn read_key(&mut self, _: &B256) -> Result<KeyRead, Fatal> {
        unreachable!()
    }
    fn leaf_path(&mut self, _: u64) -> Result<Vec<B256>, Fatal> {
        unreachable!()
    }
    fn account_preimage(&mut self, _: &B256) -> Result<[u8; ACCOUNT_ENCODED_LEN], Fatal> {
        unreachable!()
    }
    fn bytecode(&mut self, _: &B256, _: u32) -> Result<Vec<u8>, Fatal> {
        unreachable!()
    }
    fn block_hash_slot(&mut self, slot: u32) -> Result<WindowSlot, Fatal> {
        let mut answer = self
            .hashes
            .slot_proof(&SoftwareBlake2s, self.last, slot as u64);
        if let Some((_, word)) = self.lie.filter(|(lied, _)| *lied == slot) {
            let target = if word == 0 {
                &mut answer.hash
            } else {
                &mut answer.siblings[word - 1]
            };
            target[word % 32] ^= 1;
        }
        Ok(answer)
    }
}

fn hash(n: u64) -> B256 {
    let mut hash = [0u8; 32];
    hash[..8].copy_from_slice(&n.to_le_bytes());
    hash[31] = 0xaa;
    hash
}

/// The host's window after blocks `1..=last`.
fn window_after(last: u64) -> BlockHashes {
    let first = last.saturating_sub(WINDOW_SLOTS as u64 - 1).max(1);
    let recent: Vec<B256> = (first..=last).map(hash).collect();
    BlockHashes::from_recent(&recent).unwrap()
}

#[test]
fn pushing_is_appending_the_newest() {
    let pushed = (1..=9000).fold(BlockHashes::empty(), |window, n| window.pushed(hash(n)));
    assert_eq!(pushed, window_after(9000));
    assert_eq!(pushed.last(), hash(9000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn guest_window_matches_the_hosts(last in 0u64..20_000, asks in prop::collection::vec(0u64..21_000, 0..6), near in prop::collection::vec(0u64..8200, 0..6)) {
        let hasher = SoftwareBlake2s;
        let hashes = window_after(last);
        let root = hashes.root(&hasher, last);
        let number = last + 1;
        let mut window = VerifiedWindow::new(root, number);
        let mut oracle = Slots { hashes: &hashes, last, lie: None };
        let near = near.iter().map(|back| number.saturating_sub(*back));
        for k in asks.iter().copied().chain(near).chain([last]) {
            let known = k >= 1 && k <= last;
            let expected = if known && number - k <= 256 { hash(k) } else { [0; 32] };
            prop_assert_eq!(window.block_hash(&hasher, &mut oracle, k).unwrap(), expected, "BLOCKHASH({})", k);
            let expected = if known && number - k <= 8191 { hash(k) } else { [0; 32] };
            prop_assert_eq!(window.recent_hash(&hasher, &mut oracle, k, 8191).unwrap(), expected, "history({})", k);
        }
        let new = hash(number);
        let pushed = window.pushed_root(&hasher, &mut oracle, &new).unwrap();
        prop_assert_eq!(pushed, hashes.pushed(new).root(&hasher, number));
    }

    #[test]
    fn a_lie_about_a_slot_aborts(last in 1u64..20_000, back in 1u64..=8191, word in 0usize..14) {
        let hasher = SoftwareBlake2s;
        let hashes = window_after(last);
        let number = last + 1;
        prop_assume!(back <= number);
        let asked = number - back;
        let slot = (asked % WINDOW_SLOTS as u64) as u32;
        let mut window = VerifiedWindow::new(hashes.root(&hasher, last), number);
        let mut oracle = Slots { hashes: &hashes, last, lie: Some((slot, word)) };
        prop_assert!(window.recent_hash(&hasher, &mut oracle, asked, 8191).is_err());
        let mut window = VerifiedWindow::new(hashes.root(&hasher, last), number);
        let mut oracle = Slots { hashes: &hashes, last, lie: Some(((number % WINDOW_SLOTS as u64) as u32, word)) };
        prop_assert!(window.pushed_root(&hasher, &mut oracle, &hash(number)).is_err());
    }
}
