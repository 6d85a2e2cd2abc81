//! Oracle fault injection: a lying oracle can make the guest abort or change the public
//! output, never produce the honest output. Every word of the honest stream of a sample
//! block is corrupted, one at a time, and the guest run again on the corrupted stream.
use rayon::prelude::*;
use zkos_runner::native::run_guest_native;
use zkos_runner::replay::ReplayTransport;
use zkos_runner::riscv::run_guest_riscv;
use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario::{block_env, fresh_address, funded, BASE_FEE, CHAIN_ID, ONE_ETHER};
use zkos_runner::txgen::{address_of, sign, TxSpec};
use zkos_runner::{AccountState, World};
use zkos_system::U256;

/// Two transfers (to a new and to an existing account), a call into code (bytecode from
/// the oracle) and an invalid transaction.
fn sample_block() -> World {
    let (keys, mut pre) = funded(2, U256::from(ONE_ETHER));
    let contract = fresh_address(7);
    pre.insert(
        contract,
        AccountState {
            nonce: 1,
            code: vec![0x60, 0x01, 0x00],
            ..Default::default()
        },
    );
    let transfer = |nonce, to, value: u64| {
        TxSpec::transfer(CHAIN_ID, nonce, to, U256::from(value), 2 * BASE_FEE, 3)
    };
    let txs = vec![
        sign(&transfer(0, fresh_address(1), 10), &keys[0]),
        sign(&transfer(0, address_of(&keys[0]), 20), &keys[1]),
        sign(
            &TxSpec {
                gas_limit: 25_000,
                ..transfer(1, contract, 0)
            },
            &keys[0],
        ),
        sign(&transfer(9, fresh_address(2), 1), &keys[1]),
    ];
    World::new(pre, block_env(), txs)
}

/// A corruption that changes the word whatever it was, varied by position.
fn corrupt(word: u32, position: usize) -> u32 {
    let mask = 1u32.rotate_left((position * 7) as u32 % 32) | ((position as u32 % 3) << 9);
    word ^ mask
}

fn corrupted_stream(stream: &[u32], position: usize) -> Vec<u32> {
    let mut words = stream.to_vec();
    words[position] = corrupt(words[position], position);
    words
}

#[test]
fn every_corrupted_word_aborts_or_changes_the_output_native() {
    let world = sample_block();
    let honest = run_block(&world, Target::Native, 0)
        .unwrap()
        .native
        .unwrap();
    assert_eq!(
        run_guest_native(&mut ReplayTransport::new(&honest.stream)),
        Ok(honest.output)
    );
    let stream = &honest.stream;
    assert!(
        stream.len() >= 1_000,
        "sample stream has only {} words",
        stream.len()
    );
    std::panic::set_hook(Box::new(|_| {}));
    let results: Vec<(usize, bool)> = (0..stream.len())
        .into_par_iter()
        .map(|position| {
            let words = corrupted_stream(stream, position);
            let result = run_guest_native(&mut ReplayTransport::new(&words));
            (position, result.is_err())
        })
        .collect();
    let _ = std::panic::take_hook();
    let aborted = results.iter().filter(|(_, aborted)| *aborted).count();
    for (position, aborted) in &results {
        if !aborted {
            let words = corrupted_stream(stream, *position);
            let output = run_guest_native(&mut ReplayTransport::new(&words)).unwrap();
            assert_ne!(
                output, honest.output,
                "corrupting word {position} kept the honest output"
            );
        }
    }
    eprintln!(
        "{} words corrupted: {aborted} aborted, {} changed the output",
        results.len(),
        results.len() - aborted
    );
}

#[test]
fn corrupted_words_abort_or_change_the_output_riscv_sample() {
    let world = sample_block();
    let honest = run_block(&world, Target::Riscv, 1 << 36)
        .unwrap()
        .riscv
        .unwrap();
    let stream = &honest.run.stream;
    let limit = honest.cycles.raw * 2;
    let positions: Vec<usize> = (0..stream.len()).step_by(stream.len() / 24).collect();
    let changed: Vec<usize> = positions
        .par_iter()
        .filter_map(|&position| {
            let mut words = ReplayTransport::new(&corrupted_stream(stream, position)).into_owned();
            match run_guest_riscv(&mut words, limit) {
                Err(_) => None,
                Ok((output, _)) => {
                    assert_ne!(
                        output, honest.run.output,
                        "corrupting word {position} kept the honest output"
                    );
                    Some(position)
                }
            }
        })
        .collect();
    eprintln!(
        "{} words corrupted on RISC-V, {} changed the output, the rest aborted",
        positions.len(),
        changed.len()
    );
}
