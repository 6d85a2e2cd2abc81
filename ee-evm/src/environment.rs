//! [`EvmEnvironment`]: frames over analysed code (cached per code object) and the
//! precompiles.
use crate::analysis::AnalyzedCode;
use crate::interpreter::{Interpreter, OUT_OF_NATIVE};
use crate::pool::FramePool;
use crate::precompiles::{self, PrecompileError, PrecompileOutput};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use core::cell::RefCell;
use zkos_system::ee::{ExecutionEnvironment, Frame, FrameInput, FrameResult, Halt, Host, Status};
use zkos_system::spec::Spec;
use zkos_system::Address;

/// The code object an analysis was made for, and the analysis.
type CachedAnalysis = (Rc<[u8]>, Rc<AnalyzedCode>);

#[derive(Default)]
pub struct EvmEnvironment {
    /// Analysed code by the address of the code object the state handed out. The
    /// original `Rc` is kept, so an address cannot be reused by other code meanwhile.
    analyses: RefCell<BTreeMap<usize, CachedAnalysis>>,
    pool: Rc<FramePool>,
}

impl EvmEnvironment {
    pub fn new() -> Self {
        Self::default()
    }

    fn analyse(&self, code: Rc<[u8]>, cache: bool) -> Rc<AnalyzedCode> {
        if !cache {
            return AnalyzedCode::new(&code);
        }
        let key = code.as_ptr() as usize;
        let mut analyses = self.analyses.borrow_mut();
        match analyses.get(&key) {
            Some((cached, analysis)) if cached.len() == code.len() => analysis.clone(),
            _ => {
                let analysis = AnalyzedCode::new(&code);
                analyses.insert(key, (code, analysis.clone()));
                analysis
            }
        }
    }
}

impl ExecutionEnvironment for EvmEnvironment {
    fn new_frame(&self, input: FrameInput, code: Rc<[u8]>, depth: usize) -> Box<dyn Frame> {
        // Deployed code comes from the state's code cache and repeats; init code does not.
        let cache = matches!(input, FrameInput::Call(_));
        let pool = self.pool.clone();
        Box::new(Interpreter::new(
            input,
            self.analyse(code, cache),
            depth,
            pool,
        ))
    }

    fn run_precompile(
        &self,
        address: &Address,
        input: &[u8],
        gas_limit: u64,
        host: &mut dyn Host,
    ) -> Option<FrameResult> {
        let spec = host.block().spec;
        let mut native = |cycles| host.charge_native(cycles);
        let result = match precompiles::run_metered(spec, address, input, gas_limit, &mut native)? {
            Ok(PrecompileOutput { gas_used, output }) => FrameResult {
                status: Status::Success,
                gas_left: gas_limit - gas_used,
                gas_refund: 0,
                output,
            },
            Err(error) => {
                let reason = match error {
                    PrecompileError::OutOfGas => "precompile out of gas",
                    PrecompileError::Failure => "precompile input rejected",
                    PrecompileError::OutOfNative => OUT_OF_NATIVE,
                };
                FrameResult::early(Status::Halt(Halt::Exceptional(reason)), 0)
            }
        };
        Some(result)
    }

    fn precompile_addresses(&self, spec: Spec) -> &[Address] {
        precompiles::addresses(spec)
    }
}
