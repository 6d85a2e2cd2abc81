//! What every execution environment shares: state, journaling, commitment, public output.
#![no_std]
