//! EIP-7939 CLZ (0x1e) from Osaka: the EIP's vectors, its cost (5, like MUL), a differential
//! proptest against revm 43 (SpecId::OSAKA) over random words, and an invalid opcode under
//! Cancun and Prague (as in revm under PRAGUE).
//!
//! Ours runs one call frame of `PUSH32 x, CLZ, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN`
//! against a host with no state; revm runs the same code as a transaction's callee.

use proptest::prelude::*;
use revm::context::TxEnv as RevmTx;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::rc::Rc;
use zkos_ee_evm::EvmEnvironment;
use zkos_system::account::Account;
use zkos_system::block::{BlockEnv, TxEnv};
use zkos_system::ee::{
    CallKind, CallRequest, ExecutionEnvironment, FrameInput, FrameResult, FrameStep, Host, Status,
};
use zkos_system::spec::Spec;
use zkos_system::state::{Log, SlotValue};
use zkos_system::types::KECCAK_EMPTY;
use zkos_system::{Address, Fatal, B256, U256};

const CONTRACT: Address = [0xc0; 20];
const CALLER: Address = [0xa0; 20];
const GAS: u64 = 1_000_000;
const CLZ: u8 = 0x1e;

/// A host for code that touches no state.
struct StatelessHost {
    block: BlockEnv,
    tx: TxEnv,
}

impl StatelessHost {
    fn new(spec: Spec) -> Self {
        StatelessHost {
            block: BlockEnv {
                spec,
                chain_id: 1,
                number: 1,
                timestamp: 1,
                coinbase: [0; 20],
                gas_limit: 30_000_000,
                base_fee: U256::ZERO,
                prevrandao: [0; 32],
                excess_blob_gas: 0,
                native_limits: true,
            },
            tx: TxEnv {
                origin: CALLER,
                gas_price: U256::ZERO,
                blob_hashes: Vec::new(),
            },
        }
    }
}

impl Host for StatelessHost {
    fn block(&self) -> &BlockEnv {
        &self.block
    }
    fn tx(&self) -> &TxEnv {
        &self.tx
    }
    fn account(&mut self, _address: &Address) -> Result<Account, Fatal> {
        Ok(Account {
            code_hash: KECCAK_EMPTY,
            ..Account::EMPTY
        })
    }
    fn delegation(&mut self, _: &Address) -> Result<Option<Address>, Fatal> {
        Ok(None)
    }
    fn code(&mut self, _address: &Address) -> Result<Rc<[u8]>, Fatal> {
        Ok(Rc::from(&[][..]))
    }
    fn warm_account(&mut self, _address: &Address) -> bool {
        true
    }
    fn warm_slot(&mut self, _address: &Address, _slot: &B256) -> bool {
        true
    }
    fn sload(&mut self, _address: &Address, _slot: &B256) -> Result<SlotValue, Fatal> {
        Ok(SlotValue {
            original: U256::ZERO,
            current: U256::ZERO,
        })
    }
    fn sstore(&mut self, _: &Address, _: &B256, _: U256) -> Result<SlotValue, Fatal> {
        Ok(SlotValue {
            original: U256::ZERO,
            current: U256::ZERO,
        })
    }
    fn tload(&mut self, _address: &Address, _slot: &B256) -> U256 {
        U256::ZERO
    }
    fn tstore(&mut self, _address: &Address, _slot: &B256, _value: U256) {}
    fn log(&mut self, _log: Log) {}
    fn selfdestruct(&mut self, _: &Address, _: &Address) -> Result<(), Fatal> {
        Ok(())
    }
    fn block_hash(&mut self, _number: u64) -> Result<B256, Fatal> {
        Ok([0; 32])
    }

    fn charge_native(&mut self, _cycles: u64) -> bool {
        true
    }

    fn charge_heap(&mut self, _bytes: u64) -> bool {
        true
    }

    fn heap_left(&self) -> u64 {
        u64::MAX
    }
}

/// How a run ended: returned data and gas used, or a halt (all gas gone).
#[derive(Debug, PartialEq, Eq)]
enum Run {
    Returned { output: Vec<u8>, gas_used: u64 },
    Halted,
}

fn clz_program(value: &U256) -> Vec<u8> {
    let mut code = vec![0x7f];
    code.extend_from_slice(&value.to_be_bytes::<32>());
    code.extend_from_slice(&[CLZ, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    code
}

/// Our frame's result on `code` with `gas_limit`.
fn run_frame(spec: Spec, code: &[u8], gas_limit: u64) -> FrameResult {
    let mut host = StatelessHost::new(spec);
    let request = CallRequest {
        kind: CallKind::Call,
        caller: CALLER,
        target: CONTRACT,
        code_address: CONTRACT,
        value: U256::ZERO,
        input: Vec::new(),
        gas_limit,
        is_static: false,
    };
    let mut frame = EvmEnvironment::new().new_frame(FrameInput::Call(request), Rc::from(code), 0);
    match frame.run(&mut host, None).expect("no fatal error") {
        FrameStep::Return(result) => result,
        _ => panic!("the program makes no calls"),
    }
}

fn ours(spec: Spec, code: &[u8]) -> Run {
    let result = run_frame(spec, code, GAS);
    match result.status {
        Status::Success => Run::Returned {
            output: result.output,
            gas_used: GAS - result.gas_left,
        },
        Status::Halt(_) => Run::Halted,
        Status::Revert => panic!("the program does not revert"),
    }
}

fn revm(spec: SpecId, code: &[u8]) -> Run {
    let mut db = CacheDB::new(EmptyDB::default());
    let info = AccountInfo::default().with_code(Bytecode::new_raw(Bytes::from(code.to_vec())));
    db.insert_account_info(RAddress::from(CONTRACT), info);
    db.insert_account_info(
        RAddress::from(CALLER),
        AccountInfo {
            balance: RU256::from(1u64) << 100,
            ..Default::default()
        },
    );
    let mut evm = Context::mainnet()
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(spec))
        .modify_block_chained(|block: &mut revm::context::BlockEnv| block.basefee = 0)
        .with_db(db)
        .build_mainnet();
    let tx = RevmTx::builder()
        .caller(RAddress::from(CALLER))
        .gas_limit(GAS + 21_000)
        .gas_price(0)
        .kind(TxKind::Call(RAddress::from(CONTRACT)))
        .build()
        .unwrap();
    let outcome = evm.transact(tx).expect("revm runs the transaction");
    if !outcome.result.is_success() {
        return Run::Halted;
    }
    Run::Returned {
        output: outcome.result.output().expect("a call's output").to_vec(),
        gas_used: outcome.result.gas().total_gas_spent() - 21_000,
    }
}

fn word(value: usize) -> Vec<u8> {
    U256::from(value).to_be_bytes::<32>().to_vec()
}

/// PUSH32 3, CLZ 5, PUSH0 2, MSTORE 3 + 3 (one word of memory), PUSH1 3, PUSH0 2, RETURN 0.
const PROGRAM_GAS: u64 = 3 + 5 + 2 + 6 + 3 + 2;

#[test]
fn eip_7939_vectors() {
    let one = U256::from(1u8);
    let vectors = [
        (U256::ZERO, 256),
        (one << 255, 0),
        (U256::MAX, 0),
        (one << 254, 1),
        ((one << 255) - one, 1),
        (one, 255),
        (one << 128, 127),
        ((one << 128) - one, 128),
    ];
    for (value, zeros) in vectors {
        let expected = Run::Returned {
            output: word(zeros),
            gas_used: PROGRAM_GAS,
        };
        assert_eq!(
            ours(Spec::Osaka, &clz_program(&value)),
            expected,
            "{value:#x}"
        );
    }
}

#[test]
fn clz_is_invalid_before_osaka() {
    let program = clz_program(&U256::from(1u8));
    for spec in [Spec::Cancun, Spec::Prague] {
        assert_eq!(ours(spec, &program), Run::Halted, "{spec:?}");
    }
    assert_eq!(revm(SpecId::PRAGUE, &program), Run::Halted);
    // Out of gas one short of CLZ's 5.
    let just_clz = [&clz_program(&U256::ZERO)[..34], &[0x00]].concat();
    let result = run_frame(Spec::Osaka, &just_clz, 3 + 4);
    assert!(
        matches!(result.status, Status::Halt(_)),
        "{:?}",
        result.status
    );
}

/// A word with a random number of leading zeros (all of 0..=256 are likely).
fn word_with_leading_zeros() -> impl Strategy<Value = U256> {
    (any::<[u8; 32]>(), 0usize..=256).prop_map(|(bytes, zeros)| {
        let value = U256::from_be_bytes(bytes);
        if zeros == 256 {
            U256::ZERO
        } else {
            (value >> zeros) | (U256::from(1u8) << (255 - zeros))
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn clz_matches_revm_osaka(value in prop_oneof![word_with_leading_zeros(), any::<[u8; 32]>().prop_map(U256::from_be_bytes)]) {
        let program = clz_program(&value);
        let ours = ours(Spec::Osaka, &program);
        prop_assert_eq!(&ours, &revm(SpecId::OSAKA, &program));
        prop_assert_eq!(ours, Run::Returned {
            output: word(value.leading_zeros()),
            gas_used: PROGRAM_GAS,
        });
    }
}
