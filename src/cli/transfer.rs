//! `orderdesk import` and `orderdesk export`.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::store::ImportApproval;
use crate::transfer::{self, Entity, Format, ImportError};
use std::io::Write;

fn entity(s: &str) -> CliResult<Entity> {
    s.parse::<Entity>().map_err(|e| Failure::new(EXIT_USAGE, e))
}

/// Imports a CSV file: every row or none. Bad rows are listed as `FILE:ROW: column: reason`.
pub fn import(
    ctx: &Context,
    entity_name: &str,
    file: &std::path::Path,
    approval: Option<(String, String)>,
    out: &mut dyn Write,
) -> CliResult {
    let entity = entity(entity_name)?;
    let mut store = ctx.create_store()?;
    let approval = match approval {
        None => None,
        Some((name, reason)) => {
            let (approver, reason) = super::clerk::approval_from_args(&mut store, &name, &reason)?;
            Some(ImportApproval { approver, reason })
        }
    };
    match transfer::import_file_approved(&mut store, entity, file, approval.as_ref()) {
        Ok(summary) => {
            writeln!(out, "{summary}")?;
            Ok(())
        }
        Err(ImportError::Rejected(r)) => {
            // The listed problems, an "and N more" line past the cap, and the count.
            let report = r.to_string();
            let (listed, last) = report.rsplit_once('\n').unwrap_or(("", report.as_str()));
            if !listed.is_empty() {
                eprintln!("{listed}");
            }
            Err(Failure::new(EXIT_FAILED, last.to_string()))
        }
        Err(e) => Err(Failure::new(EXIT_FAILED, e.to_string())),
    }
}

pub fn export(
    ctx: &Context,
    entity_name: &str,
    format: &str,
    output: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> CliResult {
    let entity = entity(entity_name)?;
    let format: Format = format
        .parse()
        .map_err(|e: String| Failure::new(EXIT_USAGE, e))?;
    let store = ctx.open_store()?;
    let result = match output {
        Some(path) => {
            // Written beside the target and renamed, so a failed export never leaves half a file.
            let tmp = path.with_extension("partial");
            let file = std::fs::File::create(&tmp).map_err(|e| {
                Failure::new(EXIT_FAILED, format!("cannot write {}: {e}", tmp.display()))
            })?;
            let mut w = std::io::BufWriter::new(file);
            let r = transfer::export(&store, entity, format, &mut w).and_then(|n| {
                w.flush()?;
                Ok(n)
            });
            match r {
                Ok(n) => {
                    std::fs::rename(&tmp, path)?;
                    eprintln!("{n} {} exported to {}", entity, path.display());
                    Ok(n)
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    Err(e)
                }
            }
        }
        None => {
            let mut w = std::io::BufWriter::new(out);
            transfer::export(&store, entity, format, &mut w).and_then(|n| {
                w.flush()?;
                Ok(n)
            })
        }
    };
    match result {
        Ok(_) => Ok(()),
        // `orderdesk export products | head` closes the pipe early; that is not a failure.
        Err(e) if e.broken_pipe() => Ok(()),
        Err(e) => Err(Failure::new(EXIT_FAILED, e.to_string())),
    }
}
