//! The order slip: a pick list for the depot and a copy for the customer, rendered as plain text
//! (`render`, pure).

mod labels;
pub mod render;
mod text;

pub use render::{DEFAULT_WIDTH, MIN_WIDTH, render_slip, render_slip_with};

#[cfg(test)]
mod render_tests;
