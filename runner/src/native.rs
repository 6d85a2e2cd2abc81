//! The native run: the guest OS compiled for the host, its oracle a Rust trait object.
use crate::server::OracleServer;
use crate::world::World;
use crate::Environment;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use zkos_guest_os::protocol::{question, OracleTransport};
use zkos_system::executor::BlockOutcome;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::report;

/// Why a guest run did not produce an output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuestFault {
    #[error("guest aborted: {0}")]
    Abort(String),
    #[error("guest panicked: {0}")]
    Panic(String),
    #[error("oracle protocol error: {0}")]
    Protocol(String),
    #[error("the guest sent no valid report")]
    NoReport,
    #[error("the silent run's public input {silent} differs from the reporting run's {reporting}")]
    Diverged { silent: String, reporting: String },
    #[error("emulator: {0}")]
    Emulator(String),
}

/// A finished guest run.
pub struct GuestRun {
    pub output: [u32; 8],
    pub outcome: BlockOutcome,
    /// The report bytes as the guest sent them; `None` for a silent run, whose outcome is
    /// that of a reporting run of the same block with the same public input.
    pub report: Option<Vec<u8>>,
    /// Every oracle word the guest read.
    pub stream: Vec<u32>,
    /// Which question each stretch of the stream answers.
    pub answers: Vec<crate::server::Answer>,
    pub elapsed: Duration,
}

impl GuestRun {
    /// The stream without the answers to advice and to whether a report is wanted: the
    /// RISC-V run asks for inverses and roots that the native run's arithmetic
    /// (libsecp256k1) does not need, and a silent run is told not to report. Everything
    /// else the two targets read must be the same words.
    pub fn stream_without_host_choices(&self) -> Vec<u32> {
        let mut advice = self
            .answers
            .iter()
            .filter(|answer| matches!(answer.question, question::ADVICE | question::WANTS_REPORT))
            .map(|answer| answer.words.clone())
            .peekable();
        let mut kept = Vec::with_capacity(self.stream.len());
        for (position, &word) in self.stream.iter().enumerate() {
            while advice.peek().is_some_and(|words| words.end <= position) {
                advice.next();
            }
            if !advice.peek().is_some_and(|words| words.contains(&position)) {
                kept.push(word);
            }
        }
        kept
    }
}

/// Runs the guest code natively over any transport; a panic counts as an abort, as the
/// panic handler on RISC-V ends in the abort instruction.
pub fn run_guest_native(transport: &mut dyn OracleTransport) -> Result<[u32; 8], GuestFault> {
    let environment = Environment::default();
    let result = catch_unwind(AssertUnwindSafe(|| {
        zkos_guest_os::run_block(transport, &SoftwareBlake2s, &environment)
    }));
    match result {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(fatal)) => Err(GuestFault::Abort(fatal.to_string())),
        Err(panic) => Err(GuestFault::Panic(panic_message(&panic))),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "non-text panic".into()
    }
}

/// The native run of a block, answered by the oracle server from `world`.
pub fn run_native(world: &World) -> Result<GuestRun, GuestFault> {
    let mut server = OracleServer::new(world);
    let start = Instant::now();
    let output = run_guest_native(&mut server)?;
    let elapsed = start.elapsed();
    finish_run(server, output, elapsed, None)
}

/// Checks the server saw a clean protocol and takes the outcome: from the guest's report,
/// or, for a silent server, from `reporting`, a run of the same block that reported, whose
/// public input the silent run's must equal (it commits to the outcome).
pub fn finish_run(
    server: OracleServer<'_>,
    output: [u32; 8],
    elapsed: Duration,
    reporting: Option<&GuestRun>,
) -> Result<GuestRun, GuestFault> {
    if let Some(error) = server.errors.first() {
        return Err(GuestFault::Protocol(error.clone()));
    }
    let (outcome, report) = match reporting {
        Some(reporting) if !server.wants_report => {
            if reporting.output != output {
                return Err(GuestFault::Diverged {
                    silent: format!("{output:08x?}"),
                    reporting: format!("{:08x?}", reporting.output),
                });
            }
            (reporting.outcome.clone(), None)
        }
        _ => {
            let report = server.report.ok_or(GuestFault::NoReport)?;
            let outcome = report::decode(&report).ok_or(GuestFault::NoReport)?;
            (outcome, Some(report))
        }
    };
    Ok(GuestRun {
        output,
        outcome,
        report,
        stream: server.stream,
        answers: server.answers,
        elapsed,
    })
}
