//! A non-cryptographic 256-bit fold of a word stream, cheap on both targets, for
//! programs whose result is a long list of numbers.

#[derive(Clone, Debug)]
pub struct Digest {
    lanes: [u32; 8],
    count: u32,
}

impl Default for Digest {
    fn default() -> Self {
        Self::new()
    }
}

impl Digest {
    pub fn new() -> Self {
        Self {
            lanes: [
                0x243F_6A88,
                0x85A3_08D3,
                0x1319_8A2E,
                0x0370_7344,
                0xA409_3822,
                0x299F_31D0,
                0x082E_FA98,
                0xEC4E_6C89,
            ],
            count: 0,
        }
    }

    pub fn push(&mut self, word: u32) {
        let lane = (self.count % 8) as usize;
        let next = self.lanes[(lane + 1) % 8];
        self.lanes[lane] = (self.lanes[lane] ^ word)
            .wrapping_mul(0x9E37_79B1)
            .rotate_left(13)
            ^ next;
        self.count = self.count.wrapping_add(1);
    }

    pub fn push_u64(&mut self, value: u64) {
        self.push(value as u32);
        self.push((value >> 32) as u32);
    }

    pub fn push_words(&mut self, words: &[u32]) {
        words.iter().for_each(|&w| self.push(w));
    }

    pub fn finish(mut self) -> [u32; 8] {
        self.push(self.count);
        for _ in 0..16 {
            self.push(0);
        }
        self.lanes
    }
}
