//! `orderdesk stock show`.

use super::{CliResult, Context, json};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum StockCmd {
    /// Stock of one product in every depot, with incoming deliveries
    Show {
        /// Product code
        code: String,
        /// Print JSON: {code, description, unit, blocked, depots: [{depot, on_hand, reserved, available, incoming, next_expected, incoming_deliveries, min_level, max_level, bin}]}
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, cmd: StockCmd, out: &mut dyn Write) -> CliResult {
    let store = ctx.open_store()?;
    match cmd {
        StockCmd::Show { code, json } => {
            let view = store.stock_view(&code)?;
            if json {
                return json::print(out, &view);
            }
            writeln!(
                out,
                "{} {} (per {}){}",
                view.code,
                view.description,
                view.unit,
                if view.blocked { "  BLOCKED" } else { "" }
            )?;
            writeln!(
                out,
                "{:<6} {:>10} {:>10} {:>10} {:>10} {:<11} bin",
                "depot", "on hand", "reserved", "available", "incoming", "expected"
            )?;
            for d in &view.depots {
                writeln!(
                    out,
                    "{:<6} {:>10} {:>10} {:>10} {:>10} {:<11} {}",
                    d.depot,
                    d.on_hand.display_nl(),
                    d.reserved.display_nl(),
                    d.available.display_nl(),
                    d.incoming.display_nl(),
                    d.next_expected.as_deref().unwrap_or("-"),
                    d.bin
                )?;
            }
            Ok(())
        }
    }
}
