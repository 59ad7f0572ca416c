//! orderdesk: a keyboard-first order desk for the inside-sales clerks of a wholesaler.
//!
//! `domain` decides, `store` remembers, `cli` and the screen talk to the clerk.

pub mod clerk;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod slip;
pub mod store;
pub mod transfer;
pub mod tui;
