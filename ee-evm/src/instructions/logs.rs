//! LOG0 .. LOG4.
use crate::gas;
use crate::interpreter::Interpreter;
use alloc::vec::Vec;
use zkos_system::ee::Host;
use zkos_system::state::Log;

pub fn log<const N: usize>(interp: &mut Interpreter, host: &mut dyn Host) {
    require_non_static!(interp);
    pop!(interp, offset, len);
    let Some((offset, len)) = interp.memory_range(offset, len) else {
        return;
    };
    gas!(interp, gas::LOG_DATA * len as u64);
    let mut topics = Vec::with_capacity(N);
    for _ in 0..N {
        pop!(interp, topic);
        topics.push(topic.to_be_bytes::<32>());
    }
    let data = interp.memory.slice(offset, len).to_vec();
    host.log(Log {
        address: interp.context.address,
        topics,
        data,
    });
}
