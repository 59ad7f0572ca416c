//! Signing in at a shared counter terminal, locking, and a supervisor's approval, driven by keys
//! through the harness (the worker answers in the same thread).

mod common;

use common::*;
use orderdesk::domain::audit::AuditAction;
use orderdesk::domain::clerk::{Role, hash_secret};
use orderdesk::store::{AuditFilter, Store};
use orderdesk::tui::app::signin;
use orderdesk::tui::harness::Harness;
use std::time::{Duration, Instant};

fn counter_terminal() -> (TempDb, Harness) {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    for (name, role, pin) in [
        ("anna", Role::Clerk, "1111"),
        ("bram", Role::Clerk, "2222"),
        ("sam", Role::Supervisor, "3333"),
        ("ada", Role::Admin, "4444"),
    ] {
        store
            .add_clerk(
                name,
                role,
                &hash_secret(pin).unwrap(),
                "setup",
                chrono::Utc::now(),
            )
            .unwrap();
    }
    drop(store);
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "counter", d("2026-11-28"));
    signin::configure(&mut h.app, true, 5);
    h.pump();
    (t, h)
}

fn message(h: &Harness) -> String {
    h.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn clerks_take_turns_and_see_only_their_own_drafts() {
    let (t, mut h) = counter_terminal();
    let screen = h.screen(80, 24);
    assert!(screen.contains("sign in to take orders"), "{screen}");
    assert!(
        screen.contains("▶ ada") && screen.contains("  anna"),
        "{screen}"
    );
    // Keys do nothing behind the sign-in screen.
    assert!(h.app.order.is_none());
    h.keys("an<Enter>1112<Enter>").unwrap();
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("wrong PIN (4 more tries before a lock)"),
        "{screen}"
    );
    assert!(!screen.contains("1112"));
    h.keys("1111<Enter>").unwrap();
    assert!(!signin::is_locked(&h.app));
    assert_eq!(h.app.clerk, "anna");
    assert_eq!(message(&h), "signed in as anna (clerk)");
    h.keys("jans<Enter>12 M8-BOLT<Enter>").unwrap();
    assert_eq!(h.app.order.as_ref().unwrap().draft.lines.len(), 1);
    // Ctrl-L: parked and locked at once; nothing of anna's order shows.
    h.keys("<C-l>").unwrap();
    assert!(signin::is_locked(&h.app));
    let screen = h.screen(80, 24);
    assert!(!screen.contains("Jansen"), "{screen}");
    assert!(screen.contains("locked (anna)"), "{screen}");
    // bram signs in: his desk, no draft of anna's.
    h.keys("br<Enter>2222<Enter>").unwrap();
    assert_eq!(h.app.clerk, "bram");
    let screen = h.screen(80, 24);
    assert!(!screen.contains("parked"), "{screen}");
    h.keys("<C-l>").unwrap();
    // anna comes back and resumes her order.
    h.keys("anna<Enter>1111<Enter>").unwrap();
    let screen = h.screen(80, 24);
    assert!(screen.contains("⏸ parked"), "{screen}");
    h.keys("<Enter>").unwrap();
    let o = h.app.order.as_ref().expect("anna's draft resumed");
    assert_eq!(o.draft.clerk, "anna");
    assert_eq!(o.draft.lines[0].product_code, "M8-BOLT");
    // Sign-ins, sign-outs and the failed one are in the audit trail.
    let store = Store::open(&t.path).unwrap();
    let kinds = |k| {
        store
            .audit_rows(&AuditFilter {
                kind: Some(k),
                ..AuditFilter::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(kinds(AuditAction::SignIn), 3);
    assert_eq!(kinds(AuditAction::SignOut), 2);
    assert_eq!(kinds(AuditAction::SignInFailed), 1);
}

#[test]
fn the_screen_locks_after_the_idle_minutes() {
    let (_t, mut h) = counter_terminal();
    h.keys("sam<Enter>3333<Enter>").unwrap();
    assert!(!signin::is_locked(&h.app));
    signin::tick(&mut h.app, Instant::now() + Duration::from_secs(4 * 60));
    assert!(!signin::is_locked(&h.app));
    signin::tick(&mut h.app, Instant::now() + Duration::from_secs(5 * 60 + 1));
    h.pump();
    assert!(signin::is_locked(&h.app));
    assert!(
        h.screen(80, 24)
            .contains("locked after 5 idle minutes (sam)")
    );
}

#[test]
fn an_approval_below_the_floor_is_typed_into_the_clerks_screen() {
    let (t, mut h) = counter_terminal();
    h.keys("anna<Enter>1111<Enter>").unwrap();
    h.keys("jans<Enter>1 LAST-ITEM<Enter><Up>p<C-u>60<Enter>")
        .unwrap();
    // Asked on the spot.
    let screen = h.screen(80, 24);
    assert!(screen.contains("Supervisor's approval"), "{screen}");
    assert!(screen.contains("below the floor"), "{screen}");
    // Put off: the price stays, and F10 asks again.
    h.keys("<Esc>").unwrap();
    assert!(h.app.session.approval.is_none());
    assert!(
        message(&h).contains("F10 asks for the approval again"),
        "{}",
        message(&h)
    );
    h.keys("<F10>").unwrap();
    assert!(h.app.session.approval.is_some());
    assert_eq!(Store::open(&t.path).unwrap().count_orders().unwrap(), 0);
    // anna cannot approve for herself.
    h.keys("anna<Enter>1111<Enter>ok<Enter>").unwrap();
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("only a supervisor or an admin may approve"),
        "{screen}"
    );
    // The PIN is asked again. 40 % off is beyond a supervisor's own 15 %: sam's PIN is right,
    // but he is told an admin must approve, and the form stays.
    h.keys("<Tab><Tab><C-u>sam<Tab>3333<Enter>clearance of old stock<Enter>")
        .unwrap();
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("sam is a supervisor: an admin must approve this"),
        "{screen}"
    );
    assert_eq!(Store::open(&t.path).unwrap().count_orders().unwrap(), 0);
    h.keys("ada<Enter>4444<Enter>clearance of old stock<Enter>")
        .unwrap();
    assert!(h.app.session.approval.is_none(), "{}", h.screen(80, 24));
    assert!(message(&h).contains("committed"), "{}", message(&h));
    let store = Store::open(&t.path).unwrap();
    let orders = store
        .orders(&orderdesk::store::OrderFilter::default())
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].lines[0].unit_price, p("60"));
    let approvals = store.order_approvals(orders[0].number).unwrap();
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0].supervisor, "ada");
    assert_eq!(approvals[0].reason, "clearance of old stock");
}

#[test]
fn an_os_user_mapped_to_a_clerk_needs_no_pin() {
    let (t, _) = counter_terminal();
    // The admin maps the login in the database (not in a config file the clerk could edit).
    let mut store = Store::open(&t.path).unwrap();
    store
        .set_clerk_os_user("bram", Some("jan"), "ada", chrono::Utc::now())
        .unwrap();
    assert_eq!(
        store.clerk_for_os_user("jan").unwrap().as_deref(),
        Some("bram")
    );
    assert_eq!(store.clerk_for_os_user("piet").unwrap(), None);
    // One login is one clerk.
    let err = store
        .set_clerk_os_user("ada", Some("jan"), "ada", chrono::Utc::now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("already clerk bram"), "{err}");
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "jan", d("2026-11-28"));
    let config = orderdesk::config::ClerksConfig {
        require_sign_in: true,
        auto_lock_minutes: 0,
    };
    signin::setup(
        &mut h.app,
        &config,
        Default::default(),
        Some(("jan", "bram")),
    );
    h.pump();
    assert!(!signin::is_locked(&h.app));
    assert_eq!(h.app.clerk, "bram");
    let rows = Store::open(&t.path)
        .unwrap()
        .audit_rows(&AuditFilter {
            kind: Some(AuditAction::SignIn),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(rows.last().unwrap().detail["os_user"], "jan");
    // An OS user who is not mapped gets the sign-in screen.
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "piet", d("2026-11-28"));
    signin::setup(&mut h.app, &config, Default::default(), None);
    h.pump();
    assert!(signin::is_locked(&h.app));
    // A mapping the database does not have signs no one in.
    let err = Store::open(&t.path)
        .unwrap()
        .sign_in_mapped("ada", "jan", chrono::Utc::now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not mapped to clerk ada"), "{err}");
}

#[test]
fn without_clerks_the_lock_key_does_not_lock_anyone_out() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "anna", d("2026-11-28"));
    signin::configure(&mut h.app, false, 0);
    h.pump();
    h.keys("<C-l>").unwrap();
    assert!(!signin::is_locked(&h.app));
    assert!(
        message(&h).contains("no clerks to sign in"),
        "{}",
        message(&h)
    );
}

#[test]
fn a_price_typed_with_the_line_beyond_authority_is_approved_on_the_spot() {
    let (t, mut h) = counter_terminal();
    h.keys("bram<Enter>2222<Enter>").unwrap();
    // 12 % off, typed with the line: the approval opens at once, as for `p`.
    h.keys("jans<Enter>1 LAST-ITEM @ 88<Enter>").unwrap();
    assert!(h.app.session.approval.is_some(), "{}", message(&h));
    h.keys("sam<Enter>3333<Enter>regular customer<Enter>")
        .unwrap();
    assert_eq!(message(&h), "approved by sam");
    // Below the floor too: kept on the draft, the approval asked (an admin's role covers it).
    h.keys("1 M8-BOLT @ 0,01<Enter>").unwrap();
    assert!(h.app.session.approval.is_some(), "{}", message(&h));
    h.keys("<Esc>").unwrap();
    // Esc keeps the line; F10 asks again and nothing is committed without it.
    h.keys("<F10>").unwrap();
    assert!(h.app.session.approval.is_some(), "{}", message(&h));
    assert_eq!(Store::open(&t.path).unwrap().count_orders().unwrap(), 0);
}

#[test]
fn a_discount_beyond_the_clerks_limit_is_approved_on_the_spot() {
    let (t, mut h) = counter_terminal();
    h.keys("bram<Enter>2222<Enter>").unwrap();
    // 4 % off is within bram's own 5 %: no approval.
    h.keys("jans<Enter>1 LAST-ITEM<Enter><Up>p<C-u>96<Enter>")
        .unwrap();
    assert!(h.app.session.approval.is_none());
    // 12 % off: sam approves right away; the commit needs nothing more.
    h.keys("<Up>p<C-u>88<Enter>").unwrap();
    assert!(h.app.session.approval.is_some());
    h.keys("sam<Enter>3333<Enter>regular customer<Enter>")
        .unwrap();
    assert!(h.app.session.approval.is_none());
    assert_eq!(message(&h), "approved by sam");
    h.keys("<F10>").unwrap();
    assert!(message(&h).contains("committed"), "{}", message(&h));
    let store = Store::open(&t.path).unwrap();
    let o = &store
        .orders(&orderdesk::store::OrderFilter::default())
        .unwrap()[0];
    assert_eq!(o.clerk, "bram");
    let a = store.order_approvals(o.number).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].supervisor, "sam");
}

#[test]
fn without_clerks_the_idle_time_locks_nothing() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "anna", d("2026-11-28"));
    signin::configure(&mut h.app, false, 1);
    h.pump();
    signin::tick(&mut h.app, Instant::now() + Duration::from_secs(120));
    assert!(!signin::is_locked(&h.app));
    assert_eq!(message(&h), "");
}

#[test]
fn an_order_for_a_blocked_customer_is_approved_at_commit() {
    let (t, mut h) = counter_terminal();
    h.keys("bram<Enter>2222<Enter>wanbet<Enter>1 M8-BOLT<Enter>")
        .unwrap();
    assert_eq!(
        h.app.order.as_ref().unwrap().draft.customer_number,
        "100003"
    );
    h.keys("<F10>").unwrap();
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("the customer is blocked: a supervisor must approve"),
        "{screen}"
    );
    h.keys("sam<Enter>3333<Enter>paid in cash today<Enter>")
        .unwrap();
    assert!(message(&h).contains("committed"), "{}", message(&h));
    let store = Store::open(&t.path).unwrap();
    let o = &store
        .orders(&orderdesk::store::OrderFilter::default())
        .unwrap()[0];
    let a = store.order_approvals(o.number).unwrap();
    assert_eq!(a[0].line, None);
    assert_eq!(a[0].reason, "paid in cash today");
}

#[test]
fn an_approval_given_on_screen_survives_a_lock_and_a_restart() {
    let (t, mut h) = counter_terminal();
    h.keys("bram<Enter>2222<Enter>").unwrap();
    h.keys("jans<Enter>1 LAST-ITEM<Enter><Up>p<C-u>88<Enter>")
        .unwrap();
    h.keys("sam<Enter>3333<Enter>regular customer<Enter>")
        .unwrap();
    assert_eq!(message(&h), "approved by sam");
    // bram steps away: the screen locks and the order is parked.
    h.keys("<C-l>").unwrap();
    drop(h);
    // The program is started again (a restart, or kill -9 and a new session).
    let mut h = Harness::new(Store::open(&t.path).unwrap(), "counter", d("2026-11-28"));
    signin::configure(&mut h.app, true, 5);
    h.pump();
    h.keys("bram<Enter>2222<Enter>").unwrap();
    // The parked order is first in the list; Enter takes it up, F10 commits without asking.
    h.keys("<Enter>").unwrap();
    assert_eq!(h.app.order.as_ref().unwrap().draft.lines.len(), 1);
    h.keys("<F10>").unwrap();
    assert!(h.app.session.approval.is_none(), "{}", h.screen(80, 24));
    assert!(message(&h).contains("committed"), "{}", message(&h));
    let store = Store::open(&t.path).unwrap();
    let o = &store
        .orders(&orderdesk::store::OrderFilter::default())
        .unwrap()[0];
    assert_eq!(o.lines[0].unit_price, p("88"));
    let a = store.order_approvals(o.number).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].supervisor, "sam");
    assert_eq!(a[0].reason, "regular customer");
}

#[test]
fn a_kept_approval_of_a_disabled_supervisor_approves_nothing() {
    let (t, mut h) = counter_terminal();
    h.keys("bram<Enter>2222<Enter>").unwrap();
    h.keys("jans<Enter>1 LAST-ITEM<Enter><Up>p<C-u>88<Enter>")
        .unwrap();
    h.keys("sam<Enter>3333<Enter>regular customer<Enter>")
        .unwrap();
    h.keys("<C-l>").unwrap();
    Store::open(&t.path)
        .unwrap()
        .set_clerk_disabled("sam", true, "ada", chrono::Utc::now())
        .unwrap();
    h.keys("bram<Enter>2222<Enter><Enter><F10>").unwrap();
    // Asked again: sam's approval no longer counts.
    assert!(h.app.session.approval.is_some(), "{}", h.screen(80, 24));
    assert_eq!(Store::open(&t.path).unwrap().count_orders().unwrap(), 0);
}
