//! The guest side of the oracle protocol: asks questions and parses the answers. It
//! checks only the shape of answers; what they mean is checked by the system.
use crate::protocol::{
    escaped, pack_bytes, question, u64_to_words, unpack_bytes, words_for_bytes, OracleTransport,
    KEY_ABSENT, KEY_PRESENT, MAX_TRANSACTIONS, MAX_TRANSACTION_LEN,
};
use alloc::vec::Vec;
use zkos_guest_rt::blake2s::words_to_bytes;
use zkos_system::account::ACCOUNT_ENCODED_LEN;
use zkos_system::block::{BlockEnv, BLOCK_ENV_ENCODED_LEN};
use zkos_system::chain::{ChainState, WindowSlot, CHAIN_STATE_ENCODED_LEN, WINDOW_DEPTH};
use zkos_system::tree::{KeyRead, Leaf, LeafProof, StateOracle, TREE_DEPTH};
use zkos_system::{Fatal, B256};

pub struct OracleClient<'t> {
    transport: &'t mut dyn OracleTransport,
}

impl<'t> OracleClient<'t> {
    pub fn new(transport: &'t mut dyn OracleTransport) -> Self {
        OracleClient { transport }
    }

    fn ask(&mut self, id: u32, params: &[u32]) {
        for &word in core::iter::once(&id).chain(params) {
            let (sent, count) = escaped(word);
            for &w in &sent[..count] {
                self.transport.write_word(w);
            }
        }
    }

    fn word(&mut self) -> u32 {
        self.transport.read_word()
    }

    fn words(&mut self, count: usize) -> Vec<u32> {
        (0..count).map(|_| self.word()).collect()
    }

    fn u64(&mut self) -> u64 {
        let low = self.word() as u64;
        low | (self.word() as u64) << 32
    }

    fn bytes(&mut self, len: usize) -> Result<Vec<u8>, Fatal> {
        let words = self.words(words_for_bytes(len));
        unpack_bytes(&words, len).ok_or(Fatal::new("oracle: non-zero padding after bytes"))
    }

    /// Eight words as 32 bytes, with no vector between: proofs carry hundreds a block.
    fn b256(&mut self) -> B256 {
        words_to_bytes(&core::array::from_fn(|_| self.word()))
    }

    /// The previous chain state (bound by the public input through its hash).
    pub fn previous_chain_state(&mut self) -> Result<ChainState, Fatal> {
        self.ask(question::PREVIOUS_CHAIN_STATE, &[]);
        let bytes = self.bytes(CHAIN_STATE_ENCODED_LEN)?;
        Ok(ChainState::decode(&bytes.try_into().unwrap()))
    }

    pub fn block_env(&mut self) -> Result<BlockEnv, Fatal> {
        self.ask(question::BLOCK_ENV, &[]);
        let bytes = self.bytes(BLOCK_ENV_ENCODED_LEN)?;
        BlockEnv::decode(&bytes).ok_or(Fatal::new("oracle: malformed block environment"))
    }

    /// All raw transactions of the block.
    pub fn transactions(&mut self) -> Result<Vec<Vec<u8>>, Fatal> {
        self.ask(question::TRANSACTION_COUNT, &[]);
        let count = self.word();
        if count > MAX_TRANSACTIONS {
            return Err(Fatal::new("oracle: too many transactions"));
        }
        (0..count).map(|index| self.transaction(index)).collect()
    }

    fn transaction(&mut self, index: u32) -> Result<Vec<u8>, Fatal> {
        self.ask(question::TRANSACTION, &[index]);
        let len = self.word();
        if len > MAX_TRANSACTION_LEN {
            return Err(Fatal::new("oracle: transaction too long"));
        }
        self.bytes(len as usize)
    }

    fn leaf_proof(&mut self) -> Result<LeafProof, Fatal> {
        let index = self.u64();
        let leaf = Leaf {
            key: self.b256(),
            value: self.b256(),
            next: self.u64(),
        };
        Ok(LeafProof {
            index,
            leaf,
            siblings: self.tree_path()?,
        })
    }

    /// A sibling count (at most the tree's depth), then the siblings.
    fn tree_path(&mut self) -> Result<Vec<B256>, Fatal> {
        let count = self.word();
        if count as usize > TREE_DEPTH {
            return Err(Fatal::new("oracle: tree path longer than the tree is deep"));
        }
        Ok((0..count).map(|_| self.b256()).collect())
    }

    /// Whether the host wants the block's outcome report. The answer changes nothing
    /// the public input commits to, so the host may choose freely: a prover's run skips
    /// the report's cost, a sequencer's run reads the receipts and the state diff from it.
    pub fn wants_report(&mut self) -> Result<bool, Fatal> {
        self.ask(question::WANTS_REPORT, &[]);
        match self.word() {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Fatal::new("oracle: WANTS_REPORT answer is neither 0 nor 1")),
        }
    }

    /// Sends the block's outcome report to the host (not part of the proof).
    pub fn send_report(&mut self, report: &[u8]) {
        let mut params = Vec::with_capacity(1 + words_for_bytes(report.len()));
        params.push(report.len() as u32);
        params.extend(pack_bytes(report));
        self.ask(question::REPORT, &params);
    }
}

fn b256_words(bytes: &B256) -> Vec<u32> {
    pack_bytes(bytes)
}

impl StateOracle for OracleClient<'_> {
    fn read_key(&mut self, key: &B256) -> Result<KeyRead, Fatal> {
        self.ask(question::READ_KEY, &b256_words(key));
        match self.word() {
            KEY_PRESENT => Ok(KeyRead::Present(self.leaf_proof()?)),
            KEY_ABSENT => {
                let prev = self.leaf_proof()?;
                let next = self.leaf_proof()?;
                Ok(KeyRead::Absent { prev, next })
            }
            _ => Err(Fatal::new("oracle: unknown READ_KEY answer tag")),
        }
    }

    fn leaf_path(&mut self, index: u64) -> Result<Vec<B256>, Fatal> {
        self.ask(question::LEAF_PATH, &u64_to_words(index));
        self.tree_path()
    }

    fn account_preimage(&mut self, hash: &B256) -> Result<[u8; ACCOUNT_ENCODED_LEN], Fatal> {
        self.ask(question::ACCOUNT_PREIMAGE, &b256_words(hash));
        Ok(self.bytes(ACCOUNT_ENCODED_LEN)?.try_into().unwrap())
    }

    fn block_hash_slot(&mut self, slot: u32) -> Result<WindowSlot, Fatal> {
        self.ask(question::BLOCK_HASHES, &[slot]);
        Ok(WindowSlot {
            hash: self.b256(),
            siblings: (0..WINDOW_DEPTH).map(|_| self.b256()).collect(),
        })
    }

    fn bytecode(&mut self, code_hash: &B256, len: u32) -> Result<Vec<u8>, Fatal> {
        let mut params = b256_words(code_hash);
        params.push(len);
        self.ask(question::BYTECODE, &params);
        self.bytes(len as usize)
    }
}
