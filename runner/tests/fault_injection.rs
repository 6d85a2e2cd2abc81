//! Oracle fault injection. Every word of the honest stream of a sample block is corrupted,
//! one at a time, and the guest run again on the corrupted stream. Each word is classified
//! by the question it answers: a word bound by the public input (the previous chain state,
//! the block environment, the transactions) must change the public input when it changes
//! (or make the guest abort); a word the guest checks instead (tree proofs, preimages, code,
//! the block-hash window) must make it abort. A lie that neither aborts nor shows in the
//! public input would be a soundness bug.
use rayon::prelude::*;
use zkos_guest_os::protocol::question;
use zkos_runner::chain_scenario::deposit;
use zkos_runner::native::run_guest_native;
use zkos_runner::reconstruct::Reconstruction;
use zkos_runner::replay::ReplayTransport;
use zkos_runner::riscv::{run_guest_riscv, RiscvExit};
use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario::{block_env, fresh_address, funded, BASE_FEE, CHAIN_ID, ONE_ETHER};
use zkos_runner::server::Answer;
use zkos_runner::txgen::{address_of, sign, TxSpec};
use zkos_runner::{AccountState, World};
use zkos_system::U256;

/// What the guest does with the answers to a question.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answered {
    /// Bound by the public input: a different answer must change it (or abort).
    Bound,
    /// Checked: a different answer must make the guest abort.
    Checked,
    /// The host's free choice (whether it wants the report): a different answer must abort
    /// or leave the public input as it was.
    Free,
}

fn answered(id: u32) -> Answered {
    match id {
        question::PREVIOUS_CHAIN_STATE
        | question::BLOCK_ENV
        | question::TRANSACTION_COUNT
        | question::TRANSACTION => Answered::Bound,
        question::BLOCK_HASHES
        | question::READ_KEY
        | question::LEAF_PATH
        | question::ACCOUNT_PREIMAGE
        | question::BYTECODE
        | question::ADVICE => Answered::Checked,
        question::WANTS_REPORT => Answered::Free,
        other => panic!("question {other} is not classified"),
    }
}

/// Asserts what a run on a stream whose word `position` (answering `question`) was
/// corrupted may end in: `None` if it aborted, else whether it changed the public input.
fn judge(
    question: u32,
    position: usize,
    output: Option<[u32; 8]>,
    honest: [u32; 8],
) -> &'static str {
    let Some(output) = output else {
        return "aborted";
    };
    match answered(question) {
        Answered::Checked => panic!(
            "a lie in word {position} (answering question {question}, which is checked) was accepted"
        ),
        Answered::Bound => {
            assert_ne!(
                output, honest,
                "corrupting word {position} (question {question}) kept the honest public input"
            );
            "changed the public input"
        }
        Answered::Free => {
            assert_eq!(
                output, honest,
                "a different report choice in word {position} changed the public input"
            );
            "kept the public input"
        }
    }
}

/// The question each word of the stream answers.
fn questions_by_word(answers: &[Answer], len: usize) -> Vec<u32> {
    let mut by_word = vec![u32::MAX; len];
    for answer in answers {
        by_word[answer.words.clone()].fill(answer.question);
    }
    assert!(
        by_word.iter().all(|&q| q != u32::MAX),
        "a word answers no question"
    );
    by_word
}

/// A deposit, two transfers (to a new and to an existing account), a call into code
/// (bytecode from the oracle) and an invalid transaction.
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
        deposit(
            1,
            fresh_address(8),
            fresh_address(9),
            U256::from(50),
            U256::from(5),
        ),
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
    let honest = honest_native_run(&world);
    assert_eq!(
        run_guest_native(&mut ReplayTransport::new(&honest.stream)),
        Ok(honest.output)
    );
    // The public input commits to the pubdata, which names existing keys by the leaf index
    // a READ_KEY proof gave and new keys by preimage: a lie there must abort too.
    let pubdata = Reconstruction::from_genesis(world.pre.clone())
        .apply(world.env.number, &honest.outcome.pubdata)
        .unwrap();
    assert!(!pubdata.existing.is_empty() && !pubdata.new.is_empty());
    let stream = &honest.stream;
    assert!(
        stream.len() >= 500,
        "sample stream has only {} words",
        stream.len()
    );
    std::panic::set_hook(Box::new(|_| {}));
    let questions = questions_by_word(&honest.answers, stream.len());
    let results: Vec<(usize, Result<[u32; 8], _>)> = (0..stream.len())
        .into_par_iter()
        .map(|position| {
            let words = corrupted_stream(stream, position);
            (
                position,
                run_guest_native(&mut ReplayTransport::new(&words)),
            )
        })
        .collect();
    let _ = std::panic::take_hook();
    let mut counts = std::collections::BTreeMap::<(u32, &str), usize>::new();
    for (position, result) in &results {
        let question = questions[*position];
        let verdict = judge(question, *position, result.clone().ok(), honest.output);
        *counts.entry((question, verdict)).or_default() += 1;
    }
    for question in [
        question::READ_KEY,
        question::BLOCK_HASHES,
        question::BYTECODE,
    ] {
        assert!(
            counts.contains_key(&(question, "aborted")),
            "the sample exercises question {question}"
        );
    }
    eprintln!("{} words corrupted: {counts:?}", results.len());
}

fn honest_native_run(world: &World) -> zkos_runner::native::GuestRun {
    run_block(world, Target::Native, 0).unwrap().native.unwrap()
}

fn honest_riscv_run() -> zkos_runner::riscv::RiscvRun {
    let world = sample_block();
    let runs = run_block(&world, Target::Riscv, 1 << 36).unwrap();
    runs.riscv.unwrap()
}

#[test]
fn corrupted_words_abort_or_change_the_output_riscv_sample() {
    let honest = honest_riscv_run();
    let stream = &honest.run.stream;
    let limit = honest.cycles.raw * 2;
    let questions = questions_by_word(&honest.run.answers, stream.len());
    let positions: Vec<usize> = (0..stream.len()).step_by(stream.len() / 24).collect();
    let changed: Vec<usize> = positions
        .par_iter()
        .filter_map(|&position| {
            let mut words = ReplayTransport::new(&corrupted_stream(stream, position)).into_owned();
            let output = run_guest_riscv(&mut words, limit)
                .ok()
                .map(|RiscvExit { output, .. }| output);
            let verdict = judge(questions[position], position, output, honest.run.output);
            (verdict == "changed the public input").then_some(position)
        })
        .collect();
    eprintln!(
        "{} words corrupted on RISC-V, {} changed the output, the rest aborted",
        positions.len(),
        changed.len()
    );
}

/// Advice (inverses, roots and slopes for signature recovery) is asked only on RISC-V:
/// its words, corrupted, make the guest abort. The count and the first and last answers
/// of each signature's advice, and a spread of about a hundred other words (each RISC-V
/// run of the block takes a few million cycles; `crypto/secp256k1/tests/riscv.rs`
/// corrupts every word of a recovery's advice).
#[test]
fn corrupted_advice_words_abort_riscv() {
    let honest = honest_riscv_run();
    let stream = &honest.run.stream;
    let advice: Vec<std::ops::Range<usize>> = honest
        .run
        .answers
        .iter()
        .filter(|answer| answer.question == question::ADVICE)
        .map(|answer| answer.words.clone())
        .collect();
    assert_eq!(advice.len(), 4, "one advice answer per signature");
    // A count word, then answers of 9 words: the inverse, the root and over a hundred slopes.
    assert!(advice
        .iter()
        .all(|words| words.len() > 100 * 9 && words.len() % 9 == 1));
    let every: Vec<usize> = advice.iter().flat_map(|words| words.clone()).collect();
    let mut positions: Vec<usize> = every.iter().copied().step_by(every.len() / 100).collect();
    for words in &advice {
        positions.extend(words.start..words.start + 10);
        positions.extend(words.end - 9..words.end);
    }
    let limit = honest.cycles.raw * 2;
    let accepted: Vec<usize> = positions
        .par_iter()
        .copied()
        .filter(|&position| {
            let mut words = ReplayTransport::new(&corrupted_stream(stream, position)).into_owned();
            run_guest_riscv(&mut words, limit).is_ok()
        })
        .collect();
    assert!(
        accepted.is_empty(),
        "lies in advice words {accepted:?} were accepted"
    );
}

/// The host's report choice: told 0 the guest sends no report and told 1 it does, with the
/// same public input either way; any other answer aborts. On RISC-V the silent run costs
/// fewer cycles than the reporting one and ends in the same public input.
#[test]
fn the_report_choice_changes_nothing_the_public_input_commits_to() {
    let world = sample_block();
    let honest = honest_native_run(&world);
    let at = honest
        .answers
        .iter()
        .find(|answer| answer.question == question::WANTS_REPORT)
        .expect("the guest asks whether to report")
        .words
        .start;
    assert_eq!(
        honest.stream[at], 1,
        "the native run is asked for its report"
    );
    let answered = |answer: u32| {
        let mut words = honest.stream.clone();
        words[at] = answer;
        run_guest_native(&mut ReplayTransport::new(&words))
    };
    assert_eq!(answered(0), Ok(honest.output));
    for answer in [2, u32::MAX] {
        match answered(answer) {
            Err(zkos_runner::native::GuestFault::Abort(reason)) => {
                assert!(reason.contains("WANTS_REPORT"), "{reason}")
            }
            other => panic!("answer {answer}: {other:?}"),
        }
    }
    let reporting = honest_riscv_run();
    let silent = zkos_runner::riscv::run_riscv_silent(&world, 1 << 36, &honest).unwrap();
    assert!(reporting.run.report.is_some() && silent.run.report.is_none());
    assert_eq!(silent.run.output, reporting.run.output);
    assert!(
        silent.cycles.raw < reporting.cycles.raw,
        "silent {} vs reporting {} cycles",
        silent.cycles.raw,
        reporting.cycles.raw
    );
    // A silent run takes another run's outcome only if the public inputs agree.
    let mut other = honest_native_run(&world);
    other.output[0] ^= 1;
    assert!(matches!(
        zkos_runner::riscv::run_riscv_silent(&world, 1 << 36, &other),
        Err(zkos_runner::native::GuestFault::Diverged { .. })
    ));
}
