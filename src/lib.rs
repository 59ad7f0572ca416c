//! orderdesk: a keyboard-first order desk for the inside-sales clerks of a wholesaler.
//!
//! `domain` decides, `store` remembers, `cli` and the screen talk to the clerk.

pub mod demo;
pub mod domain;
pub mod store;
