//! One EVM call frame against an in-memory host: what the EVM bench and its tests run.
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use zkos_ee_evm::EvmEnvironment;
use zkos_system::account::Account;
use zkos_system::block::{BlockEnv, TxEnv};
use zkos_system::ee::{
    CallKind, CallRequest, ExecutionEnvironment, FrameInput, FrameStep, Host, Status,
};
use zkos_system::state::{Log, SlotValue};
use zkos_system::types::{keccak256, KECCAK_EMPTY};
use zkos_system::{Address, Fatal, B256, U256};

pub const CONTRACT: Address = [0xc0; 20];
pub const CALLER: Address = [0xa0; 20];
pub const GAS: u64 = 100_000_000;

/// Hashes 32-byte keys that are already uniform (keccak slots) by their first 8 bytes,
/// as fast in-memory databases do; SipHash would dominate the storage workload.
#[derive(Default)]
pub struct SlotHasher(u64);

impl std::hash::Hasher for SlotHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<SlotHasher>>;
type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<SlotHasher>>;

/// Just enough state for one contract's frame.
pub struct BenchHost {
    pub block: BlockEnv,
    tx: TxEnv,
    code: Rc<[u8]>,
    storage: FastMap<B256, (U256, U256)>,
    warm_slots: FastSet<B256>,
    warm_accounts: FastSet<Address>,
    logs: Vec<Log>,
}

impl BenchHost {
    /// `CONTRACT` holds `code` and `storage`.
    pub fn new(code: Rc<[u8]>, storage: &HashMap<B256, U256>) -> Self {
        BenchHost {
            block: BlockEnv {
                spec: Default::default(),
                chain_id: 1,
                number: 1,
                timestamp: 1,
                coinbase: [0; 20],
                gas_limit: GAS,
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
            code,
            storage: storage
                .iter()
                .map(|(slot, value)| (*slot, (*value, *value)))
                .collect(),
            warm_slots: FastSet::default(),
            warm_accounts: FastSet::default(),
            logs: Vec::new(),
        }
    }
}

impl Host for BenchHost {
    fn block(&self) -> &BlockEnv {
        &self.block
    }
    fn tx(&self) -> &TxEnv {
        &self.tx
    }
    fn account(&mut self, address: &Address) -> Result<Account, Fatal> {
        Ok(if *address == CONTRACT {
            Account {
                nonce: 1,
                balance: U256::ZERO,
                code_hash: keccak256(&self.code),
                code_len: self.code.len() as u32,
            }
        } else {
            Account {
                code_hash: KECCAK_EMPTY,
                ..Account::EMPTY
            }
        })
    }
    fn delegation(&mut self, _: &Address) -> Result<Option<Address>, Fatal> {
        Ok(None)
    }
    fn code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal> {
        Ok(if *address == CONTRACT {
            self.code.clone()
        } else {
            Rc::from(&[][..])
        })
    }
    fn warm_account(&mut self, address: &Address) -> bool {
        self.warm_accounts.insert(*address)
    }
    fn warm_slot(&mut self, _address: &Address, slot: &B256) -> bool {
        self.warm_slots.insert(*slot)
    }
    fn sload(&mut self, _address: &Address, slot: &B256) -> Result<SlotValue, Fatal> {
        let (original, current) = self.storage.get(slot).copied().unwrap_or_default();
        Ok(SlotValue { original, current })
    }
    fn sstore(&mut self, address: &Address, slot: &B256, value: U256) -> Result<SlotValue, Fatal> {
        let before = self.sload(address, slot)?;
        self.storage.insert(*slot, (before.original, value));
        Ok(before)
    }
    fn tload(&mut self, _address: &Address, _slot: &B256) -> U256 {
        U256::ZERO
    }
    fn tstore(&mut self, _address: &Address, _slot: &B256, _value: U256) {}
    fn log(&mut self, log: Log) {
        self.logs.push(log);
    }
    fn block_hash(&mut self, _number: u64) -> Result<B256, Fatal> {
        Ok([0; 32])
    }
    fn selfdestruct(&mut self, _address: &Address, _beneficiary: &Address) -> Result<(), Fatal> {
        Ok(())
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

/// The gas a successful frame used and its output.
pub struct Outcome {
    pub gas_used: u64,
    pub output: Vec<u8>,
}

/// Runs one call of `CONTRACT` (holding `code` and `storage`) with `input` to its end.
pub fn run_frame(
    environment: &EvmEnvironment,
    code: &Rc<[u8]>,
    storage: &HashMap<B256, U256>,
    input: &[u8],
) -> Outcome {
    let mut host = BenchHost::new(code.clone(), storage);
    let request = CallRequest {
        kind: CallKind::Call,
        caller: CALLER,
        target: CONTRACT,
        code_address: CONTRACT,
        value: U256::ZERO,
        input: input.to_vec(),
        gas_limit: GAS,
        is_static: false,
    };
    let mut frame = environment.new_frame(FrameInput::Call(request), code.clone(), 0);
    match frame.run(&mut host, None).expect("no fatal error") {
        FrameStep::Return(result) => {
            assert_eq!(result.status, Status::Success, "the workload succeeds");
            Outcome {
                gas_used: GAS - result.gas_left,
                output: result.output,
            }
        }
        _ => panic!("the workloads make no calls"),
    }
}
