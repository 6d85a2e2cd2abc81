//! One call frame of ours against a host with no state, and the same code as the callee
//! of a revm 43 transaction: what the tests of single instructions compare.

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

pub const CONTRACT: Address = [0xc0; 20];
pub const CALLER: Address = [0xa0; 20];
#[allow(dead_code)] // used by some of the tests that include this module
pub const GAS: u64 = 1_000_000;

/// A host for code that touches no state.
pub struct StatelessHost {
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
pub enum Run {
    Returned { output: Vec<u8>, gas_used: u64 },
    Halted,
}

/// Our frame's result on `code` with `gas_limit`.
#[allow(dead_code)]
pub fn run_frame(spec: Spec, code: &[u8], gas_limit: u64) -> FrameResult {
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

/// Our run of `code` as one call frame with `gas` (a halt for every exceptional end).
pub fn ours(spec: Spec, code: &[u8], gas: u64) -> Run {
    let result = run_frame(spec, code, gas);
    match result.status {
        Status::Success => Run::Returned {
            output: result.output,
            gas_used: gas - result.gas_left,
        },
        Status::Halt(_) => Run::Halted,
        Status::Revert => panic!("the program does not revert"),
    }
}

/// revm's run of `code` as a transaction's callee with `gas` for the call.
pub fn revm(spec: SpecId, code: &[u8], gas: u64) -> Run {
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
        .gas_limit(gas + 21_000)
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
