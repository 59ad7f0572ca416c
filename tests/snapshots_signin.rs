//! The sign-in screen and the supervisor's approval at 80x24 and 120x40, as characters.

mod common;

use common::*;
use orderdesk::domain::clerk::{Role, hash_secret_with_salt};
use orderdesk::store::Store;
use orderdesk::tui::app::signin;
use orderdesk::tui::harness::Harness;

fn counter() -> (TempDb, Harness) {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T08:00:00Z")
        .unwrap()
        .to_utc();
    for (name, role) in [
        ("anna", Role::Clerk),
        ("annemieke", Role::Clerk),
        ("bram", Role::Clerk),
        ("sam", Role::Supervisor),
    ] {
        let hash = hash_secret_with_salt("1111", &[7; 16]).unwrap();
        store.add_clerk(name, role, &hash, "setup", at).unwrap();
    }
    drop(store);
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "counter", d("2026-11-28"));
    signin::configure(&mut h.app, true, 0);
    h.pump();
    (t, h)
}

fn snap(name: &str, h: &Harness) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d\d-\d\d \d\d:\d\d", "[dd-mm hh:mm]");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(format!("{name}_80x24"), h.screen(80, 24));
        insta::assert_snapshot!(format!("{name}_120x40"), h.screen(120, 40));
    });
}

#[test]
fn sign_in_screen() {
    let (_t, mut h) = counter();
    snap("signin_names", &h);
    h.keys("ann<Down>").unwrap();
    snap("signin_typed", &h);
    h.keys("<Enter>12").unwrap();
    snap("signin_pin", &h);
}

#[test]
fn approval_popup() {
    let (_t, mut h) = counter();
    h.keys("anna<Enter>1111<Enter>jans<Enter>1 LAST-ITEM<Enter><Up>p<C-u>88<Enter>sam<Enter>11")
        .unwrap();
    snap("approval", &h);
}
