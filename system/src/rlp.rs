//! A strict RLP decoder (canonical encodings only) and the few encoders the system needs.
use crate::types::{Address, U256};
use alloc::vec::Vec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RlpError {
    UnexpectedEnd,
    NonCanonical,
    ExpectedList,
    ExpectedBytes,
    TrailingBytes,
    IntegerTooLarge,
    LeadingZero,
    BadAddressLength,
}

/// One decoded item: its payload and the whole encoding (header included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    pub is_list: bool,
    pub payload: &'a [u8],
    pub raw: &'a [u8],
}

/// Decodes the item at the start of `input`; returns it and the rest.
pub fn decode_item(input: &[u8]) -> Result<(Item<'_>, &[u8]), RlpError> {
    let (&first, _) = input.split_first().ok_or(RlpError::UnexpectedEnd)?;
    let (is_list, header_len, payload_len) = match first {
        0x00..=0x7f => (false, 0, 1),
        0x80..=0xb7 => (false, 1, (first - 0x80) as usize),
        0xb8..=0xbf => long_length(input, (first - 0xb7) as usize).map(|(h, l)| (false, h, l))?,
        0xc0..=0xf7 => (true, 1, (first - 0xc0) as usize),
        0xf8..=0xff => long_length(input, (first - 0xf7) as usize).map(|(h, l)| (true, h, l))?,
    };
    let total = header_len
        .checked_add(payload_len)
        .ok_or(RlpError::UnexpectedEnd)?;
    if input.len() < total {
        return Err(RlpError::UnexpectedEnd);
    }
    let payload = &input[header_len..total];
    if !is_list && header_len == 1 && payload_len == 1 && payload[0] < 0x80 {
        return Err(RlpError::NonCanonical);
    }
    let item = Item {
        is_list,
        payload,
        raw: &input[..total],
    };
    Ok((item, &input[total..]))
}

fn long_length(input: &[u8], len_of_len: usize) -> Result<(usize, usize), RlpError> {
    let bytes = input
        .get(1..1 + len_of_len)
        .ok_or(RlpError::UnexpectedEnd)?;
    if bytes[0] == 0 || len_of_len > 4 {
        return Err(RlpError::NonCanonical);
    }
    let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
    if len < 56 {
        return Err(RlpError::NonCanonical);
    }
    Ok((1 + len_of_len, len))
}

/// Decodes one item that must fill `input` exactly.
pub fn decode_exact(input: &[u8]) -> Result<Item<'_>, RlpError> {
    let (item, rest) = decode_item(input)?;
    if !rest.is_empty() {
        return Err(RlpError::TrailingBytes);
    }
    Ok(item)
}

impl<'a> Item<'a> {
    /// The items of a list.
    pub fn list(&self) -> Result<Vec<Item<'a>>, RlpError> {
        if !self.is_list {
            return Err(RlpError::ExpectedList);
        }
        let mut items = Vec::new();
        let mut rest = self.payload;
        while !rest.is_empty() {
            let (item, next) = decode_item(rest)?;
            items.push(item);
            rest = next;
        }
        Ok(items)
    }

    pub fn bytes(&self) -> Result<&'a [u8], RlpError> {
        if self.is_list {
            return Err(RlpError::ExpectedBytes);
        }
        Ok(self.payload)
    }

    fn integer_bytes(&self, max_len: usize) -> Result<&'a [u8], RlpError> {
        let bytes = self.bytes()?;
        if bytes.len() > max_len {
            return Err(RlpError::IntegerTooLarge);
        }
        if bytes.first() == Some(&0) {
            return Err(RlpError::LeadingZero);
        }
        Ok(bytes)
    }

    pub fn u64(&self) -> Result<u64, RlpError> {
        let bytes = self.integer_bytes(8)?;
        Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    pub fn u256(&self) -> Result<U256, RlpError> {
        Ok(U256::from_be_slice(self.integer_bytes(32)?))
    }

    /// An address, or `None` for the empty string (a creation's `to`).
    pub fn optional_address(&self) -> Result<Option<Address>, RlpError> {
        let bytes = self.bytes()?;
        match bytes.len() {
            0 => Ok(None),
            20 => Ok(Some(bytes.try_into().unwrap())),
            _ => Err(RlpError::BadAddressLength),
        }
    }

    pub fn address(&self) -> Result<Address, RlpError> {
        self.optional_address()?.ok_or(RlpError::BadAddressLength)
    }
}

/// Appends the header of a string or list of `payload_len` bytes.
pub fn encode_header(out: &mut Vec<u8>, is_list: bool, payload_len: usize) {
    let (short, long) = if is_list {
        (0xc0u8, 0xf7u8)
    } else {
        (0x80, 0xb7)
    };
    if payload_len < 56 {
        out.push(short + payload_len as u8);
    } else {
        let len_bytes = (payload_len as u64).to_be_bytes();
        let skip = len_bytes.iter().take_while(|&&b| b == 0).count();
        out.push(long + (8 - skip) as u8);
        out.extend_from_slice(&len_bytes[skip..]);
    }
}

/// The length of [`encode_header`]'s output.
pub fn header_len(payload_len: usize) -> usize {
    if payload_len < 56 {
        1
    } else {
        1 + (8 - (payload_len as u64).leading_zeros() as usize / 8)
    }
}

/// The length of [`encode_bytes`]'s output.
pub fn bytes_len(bytes: &[u8]) -> usize {
    match bytes {
        [byte] if *byte < 0x80 => 1,
        _ => header_len(bytes.len()) + bytes.len(),
    }
}

/// The length of [`encode_u64`]'s output.
pub fn u64_len(value: u64) -> usize {
    match value {
        0..=0x7f => 1,
        _ => 1 + (8 - value.leading_zeros() as usize / 8),
    }
}

pub fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() == 1 && bytes[0] < 0x80 {
        out.push(bytes[0]);
    } else {
        encode_header(out, false, bytes.len());
        out.extend_from_slice(bytes);
    }
}

pub fn encode_u64(out: &mut Vec<u8>, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    encode_bytes(out, &bytes[skip..]);
}

pub fn encode_u256(out: &mut Vec<u8>, value: U256) {
    let bytes = value.to_be_bytes::<32>();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    encode_bytes(out, &bytes[skip..]);
}

/// Wraps already-encoded items into a list.
pub fn encode_list(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 9);
    encode_list_into(&mut out, payload);
    out
}

/// Appends the list of the already-encoded items `payload` to `out`.
pub fn encode_list_into(out: &mut Vec<u8>, payload: &[u8]) {
    encode_header(out, true, payload.len());
    out.extend_from_slice(payload);
}

#[cfg(test)]
mod length_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lengths_are_those_of_the_encodings(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            value in any::<u64>(),
            small in 0u64..300,
        ) {
            let mut out = Vec::new();
            encode_bytes(&mut out, &bytes);
            prop_assert_eq!(out.len(), bytes_len(&bytes));
            for value in [value, small] {
                let mut out = Vec::new();
                encode_u64(&mut out, value);
                prop_assert_eq!(out.len(), u64_len(value));
            }
            let mut out = Vec::new();
            encode_header(&mut out, true, bytes.len() * 1000);
            prop_assert_eq!(out.len(), header_len(bytes.len() * 1000));
        }
    }
}
