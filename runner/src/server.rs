//! The host side of the oracle protocol: answers the guest's questions from the
//! pre-state, records every word the guest reads (the prover's input stream) and
//! collects the guest's report.
use crate::world::World;
use std::collections::VecDeque;
use zkos_guest_os::protocol::{
    pack_bytes, question, u64_to_words, unpack_bytes, words_for_bytes, OracleTransport, Unescaper,
    KEY_ABSENT, KEY_PRESENT,
};
use zkos_system::tree::{KeyRead, LeafProof, RevealedNodes};
use zkos_system::B256;

/// The words of the stream that answer one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub question: u32,
    pub words: std::ops::Range<usize>,
}

pub struct OracleServer<'w> {
    world: &'w World,
    unescaper: Unescaper,
    question: Vec<u32>,
    answer: VecDeque<u32>,
    /// The tree nodes the guest holds: each proof is sent up to the first of them.
    revealed: RevealedNodes,
    /// Every word the guest read, in order.
    pub stream: Vec<u32>,
    /// Which question each stretch of the stream answers, in order.
    pub answers: Vec<Answer>,
    /// Whether the guest is asked for its report ([`OracleServer::silent`]).
    pub wants_report: bool,
    /// The guest's report, once sent.
    pub report: Option<Vec<u8>>,
    /// Protocol violations seen (unknown questions, reads with no answer pending).
    pub errors: Vec<String>,
}

impl<'w> OracleServer<'w> {
    pub fn new(world: &'w World) -> Self {
        OracleServer {
            world,
            unescaper: Unescaper::default(),
            question: Vec::new(),
            answer: VecDeque::new(),
            revealed: RevealedNodes::default(),
            stream: Vec::new(),
            answers: Vec::new(),
            wants_report: true,
            report: None,
            errors: Vec::new(),
        }
    }

    /// A server that tells the guest not to send its report: the prover's run, whose
    /// public input commits to all the report would say.
    pub fn silent(world: &'w World) -> Self {
        OracleServer {
            wants_report: false,
            ..OracleServer::new(world)
        }
    }

    fn question_complete(&self) -> Option<bool> {
        let id = self.question[0];
        if id == question::REPORT {
            let len = *self.question.get(1)? as usize;
            return Some(self.question.len() == 2 + words_for_bytes(len));
        }
        Some(self.question.len() == 1 + question::param_words(id)?)
    }

    fn answer_question(&mut self) {
        let id = self.question[0];
        let params = &self.question[1..];
        let world = self.world;
        let words: Vec<u32> = match id {
            question::PREVIOUS_CHAIN_STATE => pack_bytes(&world.previous_chain_state().encode()),
            question::BLOCK_HASHES => {
                let slot = world.window_slot(params[0] as u64);
                std::iter::once(&slot.hash)
                    .chain(&slot.siblings)
                    .flat_map(|hash| pack_bytes(hash))
                    .collect()
            }
            question::BLOCK_ENV => pack_bytes(&world.env.encode()),
            question::TRANSACTION_COUNT => vec![world.transactions.len() as u32],
            question::TRANSACTION => match world.transactions.get(params[0] as usize) {
                Some(raw) => std::iter::once(raw.len() as u32)
                    .chain(pack_bytes(raw))
                    .collect(),
                None => return self.fail(format!("TRANSACTION: no transaction {}", params[0])),
            },
            question::READ_KEY => {
                let mut read = world.tree.read(&b256(params));
                self.revealed.trim_read(&mut read);
                key_read_words(&read)
            }
            question::LEAF_PATH => {
                let index = params[0] as u64 | (params[1] as u64) << 32;
                let mut siblings = world.tree.siblings(index);
                self.revealed.trim(index, &mut siblings);
                let mut words = Vec::new();
                path_words(&siblings, &mut words);
                words
            }
            question::ACCOUNT_PREIMAGE => match world.preimages.get(&b256(params)) {
                Some(preimage) => pack_bytes(preimage),
                None => return self.fail("ACCOUNT_PREIMAGE: unknown hash".into()),
            },
            question::BYTECODE => match world.codes.get(&b256(&params[..8])) {
                Some(code) => pack_bytes(code),
                None => return self.fail("BYTECODE: unknown code hash".into()),
            },
            question::ADVICE => {
                match zkos_secp256k1::advice::answer_words(params.try_into().unwrap()) {
                    Some(words) => words,
                    None => return self.fail(format!("ADVICE: recovery id {}", params[24])),
                }
            }
            question::WANTS_REPORT => vec![self.wants_report as u32],
            question::REPORT => {
                if !self.wants_report {
                    return self.fail("REPORT: sent although the host said it wants none".into());
                }
                let len = params[0] as usize;
                let Some(report) = unpack_bytes(&params[1..], len) else {
                    return self.fail("REPORT: non-zero padding after the bytes".into());
                };
                self.report = Some(report);
                Vec::new()
            }
            other => return self.fail(format!("unknown question id {other:#x}")),
        };
        let start = self.stream.len() + self.answer.len();
        self.answers.push(Answer {
            question: id,
            words: start..start + words.len(),
        });
        self.answer.extend(words);
    }

    fn fail(&mut self, error: String) {
        self.errors.push(error);
    }
}

fn b256(words: &[u32]) -> B256 {
    let bytes: Vec<u8> = words[..8]
        .iter()
        .flat_map(|word| word.to_le_bytes())
        .collect();
    bytes.try_into().unwrap()
}

fn proof_words(proof: &LeafProof, out: &mut Vec<u32>) {
    out.extend(u64_to_words(proof.index));
    out.extend(pack_bytes(&proof.leaf.key));
    out.extend(pack_bytes(&proof.leaf.value));
    out.extend(u64_to_words(proof.leaf.next));
    path_words(&proof.siblings, out);
}

fn path_words(siblings: &[B256], out: &mut Vec<u32>) {
    out.push(siblings.len() as u32);
    for sibling in siblings {
        out.extend(pack_bytes(sibling));
    }
}

fn key_read_words(read: &KeyRead) -> Vec<u32> {
    let mut words = Vec::new();
    match read {
        KeyRead::Present(proof) => {
            words.push(KEY_PRESENT);
            proof_words(proof, &mut words);
        }
        KeyRead::Absent { prev, next } => {
            words.push(KEY_ABSENT);
            proof_words(prev, &mut words);
            proof_words(next, &mut words);
        }
    }
    words
}

impl OracleTransport for OracleServer<'_> {
    fn read_word(&mut self) -> u32 {
        let word = self.answer.pop_front().unwrap_or_else(|| {
            self.errors
                .push("the guest read a word with no answer pending".into());
            0
        });
        self.stream.push(word);
        word
    }

    fn write_word(&mut self, written: u32) {
        let Some(word) = self.unescaper.push(written) else {
            return;
        };
        self.question.push(word);
        match self.question_complete() {
            Some(true) => {
                self.answer_question();
                self.question.clear();
            }
            Some(false) => {}
            None if self.question.len() == 1 && self.question[0] != question::REPORT => {
                self.errors.push(format!("unknown question id {word:#x}"));
                self.question.clear();
            }
            None => {}
        }
    }
}
