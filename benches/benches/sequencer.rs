//! The sequencer's native forward run of a block beside revm on the same transactions:
//! `examples/erc20` (32 ERC-20 transfers of a solc-compiled token, each from a fresh
//! sender). Ours is the whole guest OS natively: decoding, signature recovery, execution,
//! the state commitment and the block's output. revm executes the same transactions,
//! senders given (recovery excluded), against its in-memory database. The ratio to report
//! is `zkos / revm`, and ours per transaction.
use criterion::{criterion_group, criterion_main, Criterion};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteCommitEvm, MainBuilder, MainContext};
use zkos_runner::native::run_native;
use zkos_runner::world::{PreState, World};
use zkos_system::block::BlockEnv;
use zkos_system::receipt::Outcome;
use zkos_system::tx::{decode, recover_sender};

fn revm_db(pre: &PreState) -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, account) in pre {
        let mut info = AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            ..Default::default()
        };
        if !account.code.is_empty() {
            info = info.with_code(Bytecode::new_raw(Bytes::from(account.code.clone())));
        }
        db.insert_account_info(RAddress::from(*address), info);
        for (slot, value) in &account.storage {
            db.insert_account_storage(
                RAddress::from(*address),
                RU256::from_be_bytes(*slot),
                *value,
            )
            .unwrap();
        }
    }
    db
}

/// The block's transactions as revm's, each sender recovered here, outside the timing.
fn revm_transactions(world: &World) -> Vec<TxEnv> {
    world
        .transactions
        .iter()
        .map(|raw| {
            let tx = decode(raw).expect("the example's transactions decode");
            let sender = recover_sender(&tx).expect("the example's signatures recover");
            let kind = match tx.to {
                Some(to) => TxKind::Call(RAddress::from(to)),
                None => TxKind::Create,
            };
            let tx_type = tx.tx_type.type_byte();
            let dynamic_fee = tx_type.is_some_and(|t| t >= 2);
            TxEnv::builder()
                .tx_type(tx_type)
                .caller(RAddress::from(sender))
                .nonce(tx.nonce)
                .gas_limit(tx.gas_limit)
                .gas_price(tx.max_fee_per_gas.to::<u128>())
                .gas_priority_fee(dynamic_fee.then(|| tx.max_priority_fee_per_gas.to::<u128>()))
                .chain_id(tx.chain_id)
                .kind(kind)
                .value(tx.value)
                .data(Bytes::from(tx.data.clone()))
                .build()
                .expect("a valid revm transaction")
        })
        .collect()
}

/// Runs the transactions in revm from a fresh copy of the pre-state; the successful ones.
fn run_revm(env: &BlockEnv, db: &CacheDB<EmptyDB>, transactions: &[TxEnv]) -> usize {
    let mut evm = Context::mainnet()
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN);
            cfg.chain_id = env.chain_id;
        })
        .modify_block_chained(|block: &mut revm::context::BlockEnv| {
            block.number = RU256::from(env.number);
            block.timestamp = RU256::from(env.timestamp);
            block.beneficiary = RAddress::from(env.coinbase);
            block.gas_limit = env.gas_limit;
            block.basefee = env.base_fee.to::<u64>();
        })
        .with_db(db.clone())
        .build_mainnet();
    transactions
        .iter()
        .filter(|tx| {
            evm.transact_commit((*tx).clone())
                .expect("revm runs the transaction")
                .is_success()
        })
        .count()
}

fn sequencer_benches(c: &mut Criterion) {
    let world = zkos_benches::erc20_example_world();
    let count = world.transactions.len();
    let ours = run_native(&world).expect("the example block runs natively");
    let succeeded = ours
        .outcome
        .receipts
        .iter()
        .filter(|receipt| receipt.outcome == Outcome::Success)
        .count();
    assert_eq!(succeeded, count, "every transfer of the example succeeds");
    let db = revm_db(&world.pre);
    let transactions = revm_transactions(&world);
    assert_eq!(
        run_revm(&world.env, &db, &transactions),
        count,
        "revm runs every transfer successfully too"
    );
    let mut group = c.benchmark_group(format!("sequencer/erc20, {count} transfers"));
    group.bench_function("zkos (recovery included)", |b| {
        b.iter(|| run_native(&world).expect("the block runs"))
    });
    group.bench_function("revm (senders given)", |b| {
        b.iter(|| run_revm(&world.env, &db, &transactions))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = sequencer_benches
}
criterion_main!(benches);
