//! `orderdesk import` and `orderdesk export`: the CSV files clerks and the ERP exchange with
//! orderdesk, one file per entity. The format of every file is in `docs/csv-formats.md`.
//!
//! An import goes in whole or not at all: the rows are checked and written in one transaction,
//! every problem in the file is collected (not just the first), and any problem rolls the whole
//! file back. An export writes exactly the columns the import reads, so an exported file
//! imports unchanged.

mod checks;
mod customers;
mod depots;
mod prices;
mod problems;
mod products;
mod promotions;
mod read;
mod stock;
mod substitutes;
mod suppliers;
mod values;
mod write;

pub use problems::{MAX_LISTED, Problem, Rejected};
pub use read::Column;

use crate::store::{ImportApproval, ImportTx, Store, StoreError};
use read::Table;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// What a file holds. The name is the one the command line and the documentation use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Customers,
    Products,
    Stock,
    Prices,
    Substitutes,
    Promotions,
    Suppliers,
    Depots,
}

impl Entity {
    /// In the order a new database is filled: every entity refers only to ones before it.
    pub const ALL: [Entity; 8] = [
        Entity::Depots,
        Entity::Suppliers,
        Entity::Customers,
        Entity::Products,
        Entity::Stock,
        Entity::Substitutes,
        Entity::Promotions,
        Entity::Prices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Products => "products",
            Entity::Stock => "stock",
            Entity::Prices => "prices",
            Entity::Substitutes => "substitutes",
            Entity::Promotions => "promotions",
            Entity::Suppliers => "suppliers",
            Entity::Depots => "depots",
        }
    }

    /// The columns of the entity's file, in the order an export writes them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Entity::Customers => customers::COLUMNS,
            Entity::Products => products::COLUMNS,
            Entity::Stock => stock::COLUMNS,
            Entity::Prices => prices::COLUMNS,
            Entity::Substitutes => substitutes::COLUMNS,
            Entity::Promotions => promotions::COLUMNS,
            Entity::Suppliers => suppliers::COLUMNS,
            Entity::Depots => depots::COLUMNS,
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Entity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Entity::ALL
            .into_iter()
            .find(|e| e.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
                format!("unknown entity '{}' (use {})", s.trim(), names.join(", "))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Json,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format '{other}' (use csv or json)")),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub entity: Entity,
    pub file: String,
    /// Rows written (inserted or updated); blank lines are not counted.
    pub rows: usize,
    /// Things that did not stop the import but a person should look at, as `FILE:ROW: column:
    /// message` lines (stock counted below what open orders have reserved).
    pub warnings: Vec<String>,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        write!(
            f,
            "{}: {} {} imported",
            self.file,
            self.rows,
            if self.rows == 1 { "row" } else { "rows" }
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    /// The file has problems; nothing was written.
    #[error("{0}")]
    Rejected(Rejected),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(StoreError::Sqlite(e))
    }
}

impl ImportError {
    /// The `FILE:ROW: column: reason` lines of a rejected file (empty for other errors).
    pub fn problem_lines(&self) -> Vec<String> {
        match self {
            ImportError::Rejected(r) => r.lines(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the export: {0}")]
    Json(#[from] serde_json::Error),
}

impl ExportError {
    /// Whether the write failed because the reader closed the pipe (`export … | head`).
    pub fn broken_pipe(&self) -> bool {
        let pipe = std::io::ErrorKind::BrokenPipe;
        match self {
            ExportError::Io(e) => e.kind() == pipe,
            ExportError::Csv(e) => matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == pipe),
            ExportError::Json(e) => e.io_error_kind() == Some(pipe),
            ExportError::Store(_) => false,
        }
    }
}

/// Imports the file at `path`; messages name the file as given.
pub fn import_file(
    store: &mut Store,
    entity: Entity,
    path: &Path,
) -> Result<ImportSummary, ImportError> {
    import_file_approved(store, entity, path, None)
}

/// `import_file`, with a supervisor's approval for rows beyond a clerk's authority (a price
/// below a product's floor, a customer unblocked or given more credit); each such row is then
/// recorded in the audit trail. Without it those rows are refused like any bad row.
pub fn import_file_approved(
    store: &mut Store,
    entity: Entity,
    path: &Path,
    approval: Option<&ImportApproval>,
) -> Result<ImportSummary, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        file: name.clone(),
        source,
    })?;
    import_reader_approved(store, entity, &name, &bytes, approval)
}

/// Imports a file already read; `display_name` is what messages call it.
pub fn import_reader(
    store: &mut Store,
    entity: Entity,
    display_name: &str,
    bytes: &[u8],
) -> Result<ImportSummary, ImportError> {
    import_reader_approved(store, entity, display_name, bytes, None)
}

/// `import_reader`, with a supervisor's approval (see [`import_file_approved`]).
pub fn import_reader_approved(
    store: &mut Store,
    entity: Entity,
    display_name: &str,
    bytes: &[u8],
    approval: Option<&ImportApproval>,
) -> Result<ImportSummary, ImportError> {
    let text = read::decode(display_name, bytes)?;
    let mut table = Table::open(display_name, text, entity)?;
    let warnings = store.import_approved(approval, |tx| {
        import_rows(entity, tx, &mut table)?;
        table.verdict()
    })?;
    Ok(ImportSummary {
        entity,
        file: display_name.to_string(),
        rows: table.rows_seen(),
        warnings,
    })
}

fn import_rows(
    entity: Entity,
    tx: &ImportTx<'_>,
    table: &mut Table<'_>,
) -> Result<(), ImportError> {
    match entity {
        Entity::Customers => customers::import(tx, table),
        Entity::Products => products::import(tx, table),
        Entity::Stock => stock::import(tx, table),
        Entity::Prices => prices::import(tx, table),
        Entity::Substitutes => substitutes::import(tx, table),
        Entity::Promotions => promotions::import(tx, table),
        Entity::Suppliers => suppliers::import(tx, table),
        Entity::Depots => depots::import(tx, table),
    }
}

/// Writes every row of `entity` to `out`, one row at a time, and returns how many rows.
pub fn export(
    store: &Store,
    entity: Entity,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let mut sink = write::Sink::start(format, entity.columns(), out)?;
    let walked = match entity {
        Entity::Customers => customers::export(store, &mut sink),
        Entity::Products => products::export(store, &mut sink),
        Entity::Stock => stock::export(store, &mut sink),
        Entity::Prices => prices::export(store, &mut sink),
        Entity::Substitutes => substitutes::export(store, &mut sink),
        Entity::Promotions => promotions::export(store, &mut sink),
        Entity::Suppliers => suppliers::export(store, &mut sink),
        Entity::Depots => depots::export(store, &mut sink),
    };
    sink.finish(walked)
}
