//! The order slip: a pick list for the depot and a copy for the customer, rendered as plain text
//! (`render`, pure) and sent to a printer or a folder (`printer`, the only IO here).

mod labels;
pub mod printer;
pub mod render;
mod text;

pub use printer::{PrintError, PrintOutcome, PrintTarget, PrinterConfig, print, print_order};
pub use render::{DEFAULT_WIDTH, MIN_WIDTH, render_slip, render_slip_with};

#[cfg(test)]
mod printer_tests;
#[cfg(test)]
mod render_tests;
