//! Hash maps for the guest's per-block caches keyed by an address or a tree position,
//! looked up far more often than walked: Fx hashing (a multiply and a rotate per word)
//! costs a few dozen RV32 cycles where a BTreeMap search compares 20-byte keys at every
//! level. An oracle that made the keys collide would only cost cycles. Where order
//! matters (the state diff), the caller sorts. Slot-keyed caches stay BTreeMaps: with
//! 52-byte keys, hashing measured slower than the search.
//!
//! rustc-hash 1.x, not 2.x: 2.x hashes bytes with 64-bit multiplies, which RV32 pays for
//! several times over.
use core::hash::BuildHasherDefault;
use rustc_hash::FxHasher;

pub type FastMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FastSet<K> = hashbrown::HashSet<K, BuildHasherDefault<FxHasher>>;
