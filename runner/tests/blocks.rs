//! Blocks with transfers, fees, creations, blob (EIP-4844) and set-code (EIP-7702)
//! transactions and every invalid-transaction reason, under Cancun, Prague and Osaka, run on
//! both targets (the runner fails on any difference between them and on a guest
//! commitment that differs from the host's own tree), checked against hand-computed
//! balances, gas and reasons.
use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario::{
    block_env, fresh_address, funded, BASE_FEE, CHAIN_ID, COINBASE, ONE_ETHER,
};
use zkos_runner::txgen::{
    address_of, encode_signed, key_from_seed, sign, sign_authorization, versioned_hash, TxSpec,
};
use zkos_runner::{AccountState, PreState, World};
use zkos_system::block::BlockEnv;
use zkos_system::ee::CreateScheme;
use zkos_system::frames::create_address;
use zkos_system::receipt::{InvalidTx, Outcome, Receipt};
use zkos_system::set_code::designator;
use zkos_system::spec::Spec;
use zkos_system::tx::TxType;
use zkos_system::{Address, B256, U256};

/// What a [`transfer`] pays per gas: min(3 * base fee, base fee + 5).
const PRICE: u64 = BASE_FEE + 5;
/// The tip per gas of a [`transfer`].
const TIP: u64 = 5;
const GAS_PER_BLOB: u64 = 1 << 17;
/// 1000 non-zero calldata bytes: intrinsic gas 21_000 + 16 * 1000; EIP-7623's floor
/// 21_000 + 10 * 4 * 1000.
const CALLDATA: [u8; 1000] = [0xff; 1000];
const CALLDATA_INTRINSIC: u64 = 37_000;
const CALLDATA_FLOOR: u64 = 61_000;
/// EIP-7825 (Osaka).
const TX_GAS_CAP: u64 = 1 << 24;
/// Prague's and Osaka's blob base fee update fraction: an excess of ten fractions prices
/// blob gas at floor(e^10) = 22_026 wei.
const BLOB_FRACTION: u64 = 5_007_716;
const DEAR_BLOB_BASE_FEE: u64 = 22_026;
/// A delegate's code: `PUSH1 42 PUSH1 0 SSTORE STOP`.
const STORE_42: [u8; 6] = [0x60, 0x2a, 0x60, 0x00, 0x55, 0x00];

fn transfer(nonce: u64, to: [u8; 20], value: u64) -> TxSpec {
    TxSpec::transfer(CHAIN_ID, nonce, to, U256::from(value), 3 * BASE_FEE, TIP)
}

/// `count` KZG versioned hashes.
fn hashes(count: u8) -> Vec<B256> {
    (0..count).map(versioned_hash).collect()
}

/// A blob transaction carrying `count` blobs with this blob fee cap, and 1 wei.
fn blob_tx(nonce: u64, to: Address, count: u8, blob_fee_cap: u64) -> TxSpec {
    transfer(nonce, to, 1).with_blobs(U256::from(blob_fee_cap), hashes(count))
}

/// A call to an account without code with [`CALLDATA`].
fn calldata_tx(nonce: u64, gas_limit: u64) -> TxSpec {
    TxSpec {
        data: CALLDATA.to_vec(),
        gas_limit,
        ..transfer(nonce, fresh_address(77), 0)
    }
}

fn account(nonce: u64, code: Vec<u8>, balance: u64) -> AccountState {
    AccountState {
        balance: U256::from(balance),
        nonce,
        code,
        ..Default::default()
    }
}

fn fork(spec: Spec, excess_blob_gas: u64) -> BlockEnv {
    BlockEnv {
        spec,
        excess_blob_gas,
        native_limits: true,
        ..block_env()
    }
}

/// A block that ran on both targets (they agreed), each transaction with the outcome its
/// case expects.
struct Ran {
    world: World,
    receipts: Vec<Receipt>,
    post: PreState,
    outcomes: Vec<Outcome>,
}

impl Ran {
    fn balance(&self, address: &Address) -> U256 {
        self.post[address].balance
    }
}

/// Runs the cases as one block under `env` on both targets and checks each outcome, that an
/// invalid transaction used no gas and that the coinbase earned every tip (all cases pay
/// [`TIP`] per gas).
fn run_cases(pre: PreState, env: BlockEnv, cases: Vec<(Vec<u8>, Outcome)>) -> Ran {
    let (txs, expected): (Vec<_>, Vec<_>) = cases.into_iter().unzip();
    let world = World::new(pre, env, txs);
    let runs = run_block(&world, Target::Both, 1 << 36).unwrap();
    let outcome = &runs.primary().outcome;
    let outcomes: Vec<Outcome> = outcome.receipts.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, expected, "under {}", world.env.spec.name());
    for receipt in &outcome.receipts {
        if let Outcome::Invalid(_) = receipt.outcome {
            assert_eq!(receipt.gas_used, 0);
        }
    }
    let post = world.post_state(outcome);
    let total_gas = outcome.receipts.last().map_or(0, |r| r.cumulative_gas_used);
    assert_eq!(
        post.get(&COINBASE).map_or(U256::ZERO, |a| a.balance),
        U256::from(total_gas * TIP)
    );
    Ran {
        receipts: outcome.receipts.clone(),
        post,
        outcomes,
        world,
    }
}

#[test]
fn transfers_pay_value_fees_and_tips() {
    let (keys, pre) = funded(2, U256::from(ONE_ETHER));
    let [a, b] = [address_of(&keys[0]), address_of(&keys[1])];
    let legacy = TxSpec {
        tx_type: TxType::Legacy,
        max_fee_per_gas: U256::from(BASE_FEE + 100),
        max_priority_fee_per_gas: U256::from(BASE_FEE + 100),
        ..transfer(0, a, 7)
    };
    let txs = vec![
        sign(&transfer(0, b, 1_000), &keys[0]),
        sign(&legacy, &keys[1]),
        sign(&transfer(1, fresh_address(9), 5), &keys[0]),
    ];
    let world = World::new(pre, block_env(), txs);
    let runs = run_block(&world, Target::Both, 1 << 36).unwrap();
    let outcome = &runs.primary().outcome;
    assert!(outcome
        .receipts
        .iter()
        .all(|r| r.outcome == Outcome::Success && r.gas_used == 21_000));
    assert_eq!(outcome.receipts[2].cumulative_gas_used, 63_000);
    let post = world.post_state(outcome);
    let ether = U256::from(ONE_ETHER);
    // 1559: price = min(3 * base, base + 5) = base + 5; legacy: price = base + 100.
    let fee_1559 = U256::from(21_000 * (BASE_FEE + 5));
    let fee_legacy = U256::from(21_000 * (BASE_FEE + 100));
    assert_eq!(
        post[&a].balance,
        ether - U256::from(1_005u64) - fee_1559 * U256::from(2) + U256::from(7)
    );
    assert_eq!(post[&a].nonce, 2);
    assert_eq!(
        post[&b].balance,
        ether + U256::from(1_000u64) - U256::from(7) - fee_legacy
    );
    assert_eq!(post[&b].nonce, 1);
    assert_eq!(post[&fresh_address(9)].balance, U256::from(5));
    assert_eq!(post[&COINBASE].balance, U256::from(21_000 * (5 + 5 + 100)));
}

/// Cancun: the Cancun-era reasons, a type-4 transaction before its fork, seven blobs over
/// Cancun's six, a valid six-blob transaction, no calldata floor yet, and a designator that
/// is still just code.
fn cancun_block() -> Vec<Outcome> {
    let (keys, mut pre) = funded(4, U256::from(ONE_ETHER));
    let rich = &keys[0];
    let low_nonce = key_from_seed(100);
    let max_nonce = key_from_seed(101);
    let with_code = key_from_seed(102);
    let poor = key_from_seed(103);
    let designated = key_from_seed(104);
    pre.insert(address_of(&low_nonce), account(3, vec![], ONE_ETHER));
    pre.insert(address_of(&max_nonce), account(u64::MAX, vec![], ONE_ETHER));
    pre.insert(address_of(&with_code), account(0, vec![0x00], ONE_ETHER));
    pre.insert(address_of(&poor), account(0, vec![], 21_000 * BASE_FEE));
    let contract = fresh_address(50);
    // INVALID (0xfe): the EVM halts, so the call consumes its whole gas limit.
    pre.insert(contract, account(1, vec![0xfe], 0));
    // A delegation designator is plain code before Prague: EIP-3607 refuses its sender.
    pre.insert(
        address_of(&designated),
        account(0, designator(&contract), ONE_ETHER),
    );

    let to = fresh_address(1);
    let cases: Vec<(Vec<u8>, Outcome)> = vec![
        (vec![0x02, 0xc0], Outcome::Invalid(InvalidTx::Malformed)),
        (
            vec![0x05, 0xc0],
            Outcome::Invalid(InvalidTx::UnsupportedType),
        ),
        (
            encode_signed(&transfer(0, to, 1), 0, U256::ZERO, U256::from(1)),
            Outcome::Invalid(InvalidTx::BadSignature),
        ),
        (
            sign(
                &TxSpec {
                    chain_id: Some(2),
                    ..transfer(0, to, 1)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::ChainIdMismatch),
        ),
        (
            sign(&transfer(2, to, 1), &low_nonce),
            Outcome::Invalid(InvalidTx::NonceTooLow),
        ),
        (
            sign(&transfer(1, to, 1), rich),
            Outcome::Invalid(InvalidTx::NonceTooHigh),
        ),
        (
            sign(&transfer(u64::MAX, to, 1), &max_nonce),
            Outcome::Invalid(InvalidTx::NonceOverflow),
        ),
        (
            sign(
                &TxSpec {
                    gas_limit: 20_999,
                    ..transfer(0, to, 1)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::IntrinsicGasTooLow),
        ),
        (
            sign(
                &TxSpec {
                    gas_limit: 30_000_001,
                    ..transfer(0, to, 1)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::GasLimitExceedsBlock),
        ),
        (
            sign(
                &TxSpec {
                    to: None,
                    data: vec![1; 49_153],
                    gas_limit: 10_000_000,
                    ..transfer(0, to, 0)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::InitCodeTooLarge),
        ),
        (
            sign(
                &TxSpec {
                    max_fee_per_gas: U256::from(BASE_FEE - 1),
                    max_priority_fee_per_gas: U256::ZERO,
                    ..transfer(0, to, 1)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::FeeCapBelowBaseFee),
        ),
        (
            sign(
                &TxSpec {
                    max_priority_fee_per_gas: U256::from(4 * BASE_FEE),
                    ..transfer(0, to, 1)
                },
                rich,
            ),
            Outcome::Invalid(InvalidTx::PriorityFeeAboveFeeCap),
        ),
        (
            sign(&transfer(0, to, 1), &poor),
            Outcome::Invalid(InvalidTx::InsufficientFunds),
        ),
        (
            sign(&transfer(0, to, 1), &with_code),
            Outcome::Invalid(InvalidTx::SenderHasCode),
        ),
        // Valid: a transfer, a creation with empty init code, a call into code that halts.
        (sign(&transfer(0, to, 1), rich), Outcome::Success),
        (
            sign(
                &TxSpec {
                    to: None,
                    gas_limit: 53_000,
                    ..transfer(1, to, 10)
                },
                rich,
            ),
            Outcome::Success,
        ),
        (
            sign(
                &TxSpec {
                    gas_limit: 30_000,
                    ..transfer(0, contract, 0)
                },
                &keys[1],
            ),
            Outcome::Failure,
        ),
        // 17: set-code transactions come with Prague.
        (
            sign(
                &TxSpec {
                    gas_limit: 100_000,
                    ..transfer(0, to, 1)
                }
                .with_authorizations(vec![sign_authorization(CHAIN_ID, contract, 0, &keys[2])]),
                &keys[2],
            ),
            Outcome::Invalid(InvalidTx::TypeNotActive),
        ),
        // 18..19: Cancun allows six blobs a transaction (and a block).
        (
            sign(&blob_tx(0, to, 7, 1), &keys[2]),
            Outcome::Invalid(InvalidTx::BlobCount),
        ),
        (sign(&blob_tx(0, to, 6, 1), &keys[2]), Outcome::Success),
        // 20: no calldata floor before Prague.
        (
            sign(&calldata_tx(0, CALLDATA_FLOOR - 1), &keys[3]),
            Outcome::Success,
        ),
        (
            sign(&transfer(0, to, 1), &designated),
            Outcome::Invalid(InvalidTx::SenderHasCode),
        ),
    ];
    let ran = run_cases(pre, fork(Spec::Cancun, 0), cases);
    let (receipts, post) = (&ran.receipts, &ran.post);
    let rich_address = address_of(rich);
    let created = create_address(&rich_address, 1, &CreateScheme::Create, &[]);
    assert_eq!(receipts[15].contract_address, Some(created));
    assert_eq!(receipts[15].gas_used, 53_000);
    assert_eq!(
        (post[&created].nonce, post[&created].balance),
        (1, U256::from(10))
    );
    // The call into code halts and consumes its whole gas limit.
    assert_eq!(receipts[16].gas_used, 30_000);
    assert_eq!(post[&address_of(&keys[1])].nonce, 1);
    // Invalid transactions change nothing: their senders are untouched.
    for key in [&low_nonce, &max_nonce, &with_code, &poor, &designated] {
        assert_eq!(post[&address_of(key)], ran.world.pre[&address_of(key)]);
    }
    let price = U256::from(PRICE);
    let spent = U256::from(21_000u64 + 53_000) * price + U256::from(11);
    assert_eq!(ran.balance(&rich_address), U256::from(ONE_ETHER) - spent);
    assert_eq!(post[&rich_address].nonce, 2);
    // The blob transaction pays its execution gas and six blobs at the blob base fee of 1
    // (burned); the type-4 one before it changed nothing.
    assert_eq!(receipts[19].gas_used, 21_000);
    assert_eq!(
        ran.balance(&address_of(&keys[2])),
        U256::from(ONE_ETHER - 21_000 * PRICE - 6 * GAS_PER_BLOB - 1)
    );
    assert_eq!(post[&address_of(&keys[2])].nonce, 1);
    assert!(post[&address_of(&keys[2])].code.is_empty());
    assert_eq!(receipts[20].gas_used, CALLDATA_INTRINSIC);
    ran.outcomes
}

/// Prague: blob rules with Prague's schedule (nine blobs), EIP-7623's floor, set-code
/// transactions (refused ones and one that delegates three authorities, one of them on a
/// foreign chain), and a designated account sending.
fn prague_block() -> Vec<Outcome> {
    let (keys, mut pre) = funded(8, U256::from(ONE_ETHER));
    let delegate = fresh_address(60);
    pre.insert(delegate, account(1, STORE_42.to_vec(), 0));
    let designated = key_from_seed(301);
    pre.insert(
        address_of(&designated),
        account(0, designator(&delegate), ONE_ETHER),
    );
    let authority = &keys[4];
    let new_authority = key_from_seed(300);
    let foreign_authority = &keys[5];
    let to = fresh_address(2);
    let mut bad_version = hashes(2);
    bad_version[1][0] = 0x02;
    let set_code = TxSpec {
        gas_limit: 200_000,
        ..transfer(0, address_of(authority), 0)
    }
    .with_authorizations(vec![
        sign_authorization(CHAIN_ID, delegate, 0, authority),
        // Chain id 0: valid on any chain; the authority does not exist yet.
        sign_authorization(0, delegate, 0, &new_authority),
        // Another chain's: skipped, but paid for as intrinsic gas.
        sign_authorization(2, delegate, 0, foreign_authority),
    ]);
    // A self-sponsored authorization (the sender's nonce after its own bump) with its y
    // parity replaced.
    let with_y_parity = |y_parity: u64| {
        let mut authorization = sign_authorization(CHAIN_ID, delegate, 1, &keys[7]);
        authorization.y_parity = U256::from(y_parity);
        TxSpec {
            gas_limit: 100_000,
            ..transfer(0, to, 1)
        }
        .with_authorizations(vec![authorization])
    };
    let cases: Vec<(Vec<u8>, Outcome)> = vec![
        (
            sign(
                &transfer(0, to, 1).with_blobs(U256::ONE, bad_version),
                &keys[0],
            ),
            Outcome::Invalid(InvalidTx::BlobHashVersion),
        ),
        (
            sign(&blob_tx(0, to, 0, 1), &keys[0]),
            Outcome::Invalid(InvalidTx::BlobCount),
        ),
        (
            sign(&blob_tx(0, to, 10, 1), &keys[0]),
            Outcome::Invalid(InvalidTx::BlobCount),
        ),
        (
            sign(
                &TxSpec {
                    to: None,
                    ..blob_tx(0, to, 1, 1)
                },
                &keys[0],
            ),
            Outcome::Invalid(InvalidTx::CreationNotAllowed),
        ),
        (
            sign(
                &TxSpec {
                    to: None,
                    ..set_code.clone()
                },
                &keys[0],
            ),
            Outcome::Invalid(InvalidTx::CreationNotAllowed),
        ),
        (
            sign(&set_code.clone().with_authorizations(vec![]), &keys[0]),
            Outcome::Invalid(InvalidTx::EmptyAuthorizationList),
        ),
        (
            sign(&calldata_tx(0, CALLDATA_FLOOR - 1), &keys[0]),
            Outcome::Invalid(InvalidTx::GasBelowCalldataFloor),
        ),
        // 7: exactly the floor, which is what it uses (above its intrinsic gas).
        (
            sign(&calldata_tx(0, CALLDATA_FLOOR), &keys[0]),
            Outcome::Success,
        ),
        // 8..10: seven blobs (more than Cancun allows), then three more would pass the
        // block's nine, two reach them. The fee caps are above the blob base fee of 1.
        (sign(&blob_tx(0, to, 7, 10), &keys[1]), Outcome::Success),
        (
            sign(&blob_tx(0, to, 3, 10), &keys[2]),
            Outcome::Invalid(InvalidTx::BlockBlobGasExceeded),
        ),
        (sign(&blob_tx(0, to, 2, 10), &keys[2]), Outcome::Success),
        // 11: delegates `authority` and `new_authority` and runs the delegate's code in
        // `authority`.
        (sign(&set_code, &keys[3]), Outcome::Success),
        // 12..13: designated accounts may send (EIP-3607 as EIP-7702 amends it); the
        // authorization bumped `authority`'s nonce.
        (sign(&transfer(1, to, 1), authority), Outcome::Success),
        (sign(&transfer(0, to, 1), &designated), Outcome::Success),
        // 14: the gas cap comes with Osaka.
        (
            sign(
                &TxSpec {
                    gas_limit: TX_GAS_CAP + 1,
                    ..transfer(0, to, 1)
                },
                &keys[6],
            ),
            Outcome::Success,
        ),
        // 15..16: an authorization's y parity is a byte: past it the transaction is
        // malformed; a byte other than 0 or 1 only skips the entry.
        (
            sign(&with_y_parity(256), &keys[7]),
            Outcome::Invalid(InvalidTx::Malformed),
        ),
        (sign(&with_y_parity(255), &keys[7]), Outcome::Success),
    ];
    let ran = run_cases(pre, fork(Spec::Prague, 0), cases);
    let (receipts, post) = (&ran.receipts, &ran.post);
    let ether = |spent: u64| U256::from(ONE_ETHER - spent);
    assert_eq!(receipts[7].gas_used, CALLDATA_FLOOR);
    assert_eq!(
        ran.balance(&address_of(&keys[0])),
        ether(CALLDATA_FLOOR * PRICE)
    );
    assert_eq!(post[&address_of(&keys[0])].nonce, 1);
    // Blob gas is charged at the blob base fee (1), not at the cap (10), and burned.
    assert_eq!(
        ran.balance(&address_of(&keys[1])),
        ether(21_000 * PRICE + 7 * GAS_PER_BLOB + 1)
    );
    assert_eq!(
        ran.balance(&address_of(&keys[2])),
        ether(21_000 * PRICE + 2 * GAS_PER_BLOB + 1)
    );
    // Intrinsic 21_000 + 3 * 25_000; the delegate's code: 3 + 3 + a cold SSTORE of a new
    // value 22_100 (the top-level call to a designated account warms the delegate without
    // charging for it); refund 25_000 - 12_500 for `authority`, which existed, under the
    // cap of a fifth.
    let set_code_gas = 96_000 + 22_106 - 12_500;
    assert_eq!(receipts[11].gas_used, set_code_gas);
    assert_eq!(
        ran.balance(&address_of(&keys[3])),
        ether(set_code_gas * PRICE)
    );
    let authority = &post[&address_of(authority)];
    assert_eq!(authority.code, designator(&delegate));
    assert_eq!(authority.nonce, 2);
    assert_eq!(authority.storage.get(&[0u8; 32]), Some(&U256::from(42u64)));
    assert_eq!(authority.balance, ether(21_000 * PRICE + 1));
    let new_authority = &post[&address_of(&new_authority)];
    assert_eq!(
        (
            &new_authority.code,
            new_authority.nonce,
            new_authority.balance
        ),
        (&designator(&delegate), 1, U256::ZERO)
    );
    assert!(new_authority.storage.is_empty());
    let foreign = address_of(foreign_authority);
    assert_eq!(post[&foreign], ran.world.pre[&foreign]);
    assert_eq!(post[&address_of(&designated)].nonce, 1);
    assert_eq!(receipts[14].gas_used, 21_000);
    // The skipped authorization is still paid for.
    assert_eq!(receipts[16].gas_used, 46_000);
    let skipped = &post[&address_of(&keys[7])];
    assert_eq!((skipped.code.len(), skipped.nonce), (0, 1));
    ran.outcomes
}

/// Osaka: EIP-7825's gas cap, EIP-7594's six blobs a transaction, and a dear blob base fee.
fn osaka_block() -> Vec<Outcome> {
    let (keys, pre) = funded(3, U256::from(ONE_ETHER));
    let to = fresh_address(3);
    let cases: Vec<(Vec<u8>, Outcome)> = vec![
        (
            sign(
                &TxSpec {
                    gas_limit: TX_GAS_CAP + 1,
                    ..transfer(0, to, 1)
                },
                &keys[0],
            ),
            Outcome::Invalid(InvalidTx::GasLimitAboveCap),
        ),
        (
            sign(
                &TxSpec {
                    gas_limit: TX_GAS_CAP,
                    ..transfer(0, to, 1)
                },
                &keys[0],
            ),
            Outcome::Success,
        ),
        (
            sign(&blob_tx(0, to, 7, DEAR_BLOB_BASE_FEE), &keys[1]),
            Outcome::Invalid(InvalidTx::BlobCount),
        ),
        (
            sign(&blob_tx(0, to, 6, DEAR_BLOB_BASE_FEE - 1), &keys[1]),
            Outcome::Invalid(InvalidTx::BlobFeeCapBelowBaseFee),
        ),
        (
            sign(&blob_tx(0, to, 6, DEAR_BLOB_BASE_FEE), &keys[1]),
            Outcome::Success,
        ),
        (
            sign(&calldata_tx(0, CALLDATA_FLOOR - 1), &keys[2]),
            Outcome::Invalid(InvalidTx::GasBelowCalldataFloor),
        ),
    ];
    let ran = run_cases(pre, fork(Spec::Osaka, 10 * BLOB_FRACTION), cases);
    assert_eq!(ran.receipts[1].gas_used, 21_000);
    // The blob fee is charged at the blob base fee, not the cap, and burned.
    assert_eq!(
        ran.balance(&address_of(&keys[1])),
        U256::from(ONE_ETHER - 21_000 * PRICE - 6 * GAS_PER_BLOB * DEAR_BLOB_BASE_FEE - 1)
    );
    assert_eq!(
        ran.post[&address_of(&keys[2])],
        ran.world.pre[&address_of(&keys[2])]
    );
    ran.outcomes
}

#[test]
fn every_invalid_reason_is_skipped_and_the_block_goes_on() {
    let blocks: [fn() -> Vec<Outcome>; 3] = [cancun_block, prague_block, osaka_block];
    // The blocks are independent: run them side by side.
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let runs: Vec<_> = blocks.iter().map(|block| scope.spawn(block)).collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    // The block's native resources take a block of heavy transactions to use up:
    // `benches/tests/native_limits.rs` covers that reason.
    let covered_elsewhere = [InvalidTx::BlockNativeExhausted];
    for reason in InvalidTx::ALL {
        if covered_elsewhere.contains(&reason) {
            continue;
        }
        assert!(
            outcomes.contains(&Outcome::Invalid(reason)),
            "{} not covered",
            reason.name()
        );
    }
}

/// The generator's blob and set-code transactions decode to what was asked for, with the
/// signer as sender and as authority.
#[test]
fn blob_and_set_code_transactions_decode_as_built() {
    use zkos_system::tx::{decode, recover_sender};
    let key = key_from_seed(7);
    let blob = blob_tx(3, fresh_address(4), 2, 9);
    let tx = decode(&sign(&blob, &key)).unwrap();
    assert_eq!(tx.tx_type, TxType::Blob);
    assert_eq!(
        (tx.nonce, tx.to, tx.max_fee_per_blob_gas),
        (3, Some(fresh_address(4)), U256::from(9))
    );
    assert_eq!(tx.max_priority_fee_per_gas, U256::from(TIP));
    assert_eq!(tx.blob_hashes, hashes(2));
    assert_eq!(recover_sender(&tx), Some(address_of(&key)));

    let authorization = sign_authorization(CHAIN_ID, fresh_address(5), 8, &key);
    let set_code = transfer(4, fresh_address(6), 0).with_authorizations(vec![authorization]);
    let tx = decode(&sign(&set_code, &key)).unwrap();
    assert_eq!(tx.tx_type, TxType::SetCode);
    assert_eq!(tx.authorization_list, set_code.authorization_list);
    assert_eq!(tx.authorization_list[0].authority(), Some(address_of(&key)));
    assert_eq!(recover_sender(&tx), Some(address_of(&key)));
}

#[test]
fn an_empty_block_keeps_the_commitment() {
    let (_, pre) = funded(3, U256::from(ONE_ETHER));
    let world = World::new(pre, block_env(), vec![]);
    let runs = run_block(&world, Target::Both, 1 << 36).unwrap();
    assert_eq!(runs.primary().outcome.commitment, world.commitment());
}
