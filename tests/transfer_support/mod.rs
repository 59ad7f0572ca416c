//! Shared by the transfer tests: fresh databases and fixture files. (Not `common`: that is the
//! depot the store and CLI tests share.)
#![allow(dead_code)]

use orderdesk::domain::clerk::Role;
use orderdesk::store::{ImportApproval, Store};
use orderdesk::transfer::{self, Entity, Format, ImportError, ImportSummary};
use std::path::PathBuf;
use tempfile::TempDir;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A new, empty database in its own temporary folder (kept alive by the returned dir).
pub fn fresh() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("orderdesk.db")).expect("open store");
    (dir, store)
}

/// Imports a fixture under its bare file name, so messages read `name.csv:ROW: …`, approved by
/// an admin: the good fixtures give credit and discounts beyond a clerk's authority, which
/// `import_as_clerk` shows.
pub fn import(store: &mut Store, entity: Entity, name: &str) -> Result<ImportSummary, ImportError> {
    let approval = admin_approval(store);
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    transfer::import_reader_approved(store, entity, name, &bytes, Some(&approval))
}

/// Imports a fixture with a clerk's authority only, as `orderdesk import` without `--approve-by`.
pub fn import_as_clerk(
    store: &mut Store,
    entity: Entity,
    name: &str,
) -> Result<ImportSummary, ImportError> {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    transfer::import_reader(store, entity, name, &bytes)
}

/// The approval of admin `ada` (added on first use, PIN 8642).
pub fn admin_approval(store: &mut Store) -> ImportApproval {
    approval(store, "ada", Role::Admin, "8642", "fixture")
}

/// The approval of supervisor `sam` (added on first use, PIN 2468).
pub fn supervisor_approval(store: &mut Store) -> ImportApproval {
    approval(
        store,
        "sam",
        Role::Supervisor,
        "2468",
        "supplier price list",
    )
}

/// The approval of `name`, who is added with `role` and `pin` on first use.
fn approval(store: &mut Store, name: &str, role: Role, pin: &str, reason: &str) -> ImportApproval {
    let now = chrono::Utc::now();
    if !store.clerks().unwrap().iter().any(|c| c.name == name) {
        let hash = orderdesk::domain::clerk::hash_secret(pin).unwrap();
        store.add_clerk(name, role, &hash, "test", now).unwrap();
    }
    ImportApproval {
        approver: store.verify_approver(name, pin, now).unwrap().unwrap(),
        reason: reason.into(),
    }
}

/// A database with every good fixture imported, in dependency order.
pub fn loaded() -> (TempDir, Store) {
    let (dir, mut store) = fresh();
    for entity in Entity::ALL {
        let name = format!("{entity}.csv");
        import(&mut store, entity, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    (dir, store)
}

pub fn export(store: &Store, entity: Entity, format: Format) -> String {
    let mut out = Vec::new();
    transfer::export(store, entity, format, &mut out).expect("export");
    String::from_utf8(out).expect("export is UTF-8")
}

/// The problem lines of a refused import.
pub fn problems(result: Result<ImportSummary, ImportError>) -> Vec<String> {
    match result {
        Err(e @ ImportError::Rejected(_)) => e.problem_lines(),
        Err(e) => panic!("expected a rejected file, got: {e}"),
        Ok(s) => panic!("expected a rejected file, but it imported: {s}"),
    }
}
