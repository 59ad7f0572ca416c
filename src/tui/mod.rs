//! The order desk screen.

pub mod action;
pub mod app;
pub mod auth;
pub mod field;
pub mod harness;
pub mod keys;
pub mod run;
pub mod view;
pub mod worker;
