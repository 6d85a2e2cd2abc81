//! Exporter of Airbender's execution-trace layout (SPEC section 4).
