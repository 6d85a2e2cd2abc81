//! The emulator's oracle for the `ecrecover-bench` guest: its input words, with the host's
//! answer to each advice question (`zkos_secp256k1::advice::advice_for_recovery`) placed
//! in the stream as the oracle server places it. `lie_at` corrupts one answer word.
use std::collections::VecDeque;
use zkos_emulator::Oracle;
use zkos_guest_rt::oracle::{Unescaper, ADVICE};
use zkos_secp256k1::advice::answer_words;

#[derive(Default)]
pub struct AdvisingOracle {
    input: VecDeque<u32>,
    answers: VecDeque<u32>,
    unescaper: Unescaper,
    question: Vec<u32>,
    /// Answer words sent so far.
    pub advice_words: usize,
    /// The answer word (counted over the run) to flip a bit of.
    pub lie_at: Option<usize>,
}

impl AdvisingOracle {
    pub fn new(input: Vec<u32>) -> Self {
        AdvisingOracle {
            input: input.into(),
            ..Default::default()
        }
    }

    fn answer(&mut self) {
        assert_eq!(self.question[0], ADVICE, "the guest asks only for advice");
        let words = answer_words(self.question[1..].try_into().unwrap()).expect("a recovery id");
        for word in words {
            let lie = self.lie_at == Some(self.advice_words);
            self.answers.push_back(if lie { word ^ 0x10 } else { word });
            self.advice_words += 1;
        }
        self.question.clear();
    }
}

impl Oracle for AdvisingOracle {
    fn read_word(&mut self) -> u32 {
        self.answers
            .pop_front()
            .or_else(|| self.input.pop_front())
            .unwrap_or(0)
    }

    fn write_word(&mut self, word: u32) {
        if let Some(word) = self.unescaper.push(word) {
            self.question.push(word);
            if self.question.len() == 26 {
                self.answer();
            }
        }
    }

    fn console(&mut self, _: &[u8]) {}
}
