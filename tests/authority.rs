//! Clerks, authority and the audit trail on a real WAL database file: several connections stand
//! in for several processes.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use orderdesk::domain::ApprovalScope;
use orderdesk::domain::audit::AuditAction;
use orderdesk::domain::clerk::{Role, hash_secret};
use orderdesk::domain::stock::ShortPolicy;
use orderdesk::store::{
    ApprovalGrant, AuditFilter, AuditVerdict, NewOrder, NewOrderLine, SignIn, Store, StoreError,
};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

fn order(customer: &str, code: &str, price: Option<&str>) -> NewOrder {
    NewOrder {
        customer_number: customer.into(),
        depot: None,
        clerk: "anna".into(),
        signed_in: false,
        approvals: Vec::new(),
        reference: String::new(),
        lines: vec![NewOrderLine {
            product_code: code.into(),
            quantity: q("1"),
            price: price.map(p),
            depot: None,
            allow_backorder: true,
        }],
        policy: ShortPolicy::Backorder,
        draft_id: None,
        price_date: d("2026-11-28"),
    }
}

/// anna (clerk, PIN 1111), sam (supervisor, 2222), ada (admin, 3333).
fn with_clerks(store: &mut Store) {
    for (name, role, pin) in [
        ("anna", Role::Clerk, "1111"),
        ("sam", Role::Supervisor, "2222"),
        ("ada", Role::Admin, "3333"),
    ] {
        store
            .add_clerk(name, role, &hash_secret(pin).unwrap(), "setup", now())
            .unwrap();
    }
}

fn grant(store: &mut Store, who: &str, pin: &str, scope: ApprovalScope) -> ApprovalGrant {
    let approver = store.verify_approver(who, pin, now()).unwrap().unwrap();
    ApprovalGrant {
        scope,
        approver,
        reason: "long-standing customer".into(),
    }
}

#[test]
fn wrong_pins_lock_a_clerk_in_every_process() {
    let t = temp_db();
    let mut a = small_depot(&t.path);
    with_clerks(&mut a);
    let mut b = Store::open(&t.path).unwrap();
    for i in 0..4 {
        let SignIn::Refused(why) = a.sign_in("anna", "9999", now()).unwrap() else {
            panic!("a wrong PIN signed in");
        };
        assert!(why.contains(&format!("{} more", 4 - i)), "{why}");
    }
    let SignIn::Refused(why) = a.sign_in("anna", "9999", now()).unwrap() else {
        panic!()
    };
    assert_eq!(why, "wrong PIN: anna is locked for 30 s");
    // The other process: even the right PIN is refused until the lock runs out.
    let SignIn::Refused(why) = b
        .sign_in("ANNA", "1111", now() + Duration::seconds(10))
        .unwrap()
    else {
        panic!("signed in while locked")
    };
    assert!(why.contains("try again in 20 s"), "{why}");
    assert_eq!(
        b.sign_in("anna", "1111", now() + Duration::seconds(31))
            .unwrap(),
        SignIn::SignedIn(orderdesk::domain::Clerk {
            name: "anna".into(),
            role: Role::Clerk,
            disabled: false
        })
    );
    let rows = a.clerks().unwrap();
    let anna = rows.iter().find(|c| c.name == "anna").unwrap();
    assert_eq!(anna.failed_attempts, 0);
    // Every attempt is in the audit trail.
    let failed = a
        .audit_rows(&AuditFilter {
            kind: Some(AuditAction::SignInFailed),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(failed.len(), 6);
    assert_eq!(failed[5].detail["why"], "locked");
    // A disabled clerk cannot sign in.
    a.set_clerk_disabled("anna", true, "ada", now()).unwrap();
    assert!(matches!(
        a.sign_in("anna", "1111", now() + Duration::hours(1)).unwrap(),
        SignIn::Refused(w) if w.contains("disabled")
    ));
}

#[test]
fn a_discount_beyond_authority_needs_an_approver_whose_role_covers_it() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    // 5 % off is anna's own authority.
    store
        .commit_order(&order("100001", "LAST-ITEM", Some("95")), now())
        .unwrap();
    // 12 % off: a supervisor.
    let mut o = order("100001", "LAST-ITEM", Some("88"));
    let err = store.commit_order(&o, now()).unwrap_err();
    let StoreError::NeedsApproval(ref need) = err else {
        panic!("{err}")
    };
    assert_eq!(need.need.approver, Role::Supervisor);
    assert_eq!(
        err.to_string(),
        "line 1 LAST-ITEM: a discount of 12 % is more than the 5 % a clerk may give: a supervisor must approve"
    );
    // A clerk cannot approve, and a wrong PIN approves nothing.
    assert!(
        store
            .verify_approver("anna", "1111", now())
            .unwrap()
            .unwrap_err()
            .contains("only a supervisor")
    );
    assert!(
        store
            .verify_approver("sam", "0000", now())
            .unwrap()
            .is_err()
    );
    // An approval for a higher price does not cover a lower one.
    o.approvals = vec![grant(
        &mut store,
        "sam",
        "2222",
        ApprovalScope::Line {
            product_code: "LAST-ITEM".into(),
            price: p("90"),
        },
    )];
    assert!(matches!(
        store.commit_order(&o, now()),
        Err(StoreError::NeedsApproval(_))
    ));
    o.approvals = vec![grant(
        &mut store,
        "sam",
        "2222",
        ApprovalScope::Line {
            product_code: "LAST-ITEM".into(),
            price: p("88"),
        },
    )];
    let n = store.commit_order(&o, now()).unwrap().order.number;
    let kept = store.order_approvals(n).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].supervisor, "sam");
    assert_eq!(kept[0].line, Some(1));
    assert_eq!(kept[0].reason, "long-standing customer");
    // 34 % off is beyond a supervisor's 15 %: an admin.
    let mut o = order("100001", "LAST-ITEM", Some("66"));
    o.approvals = vec![grant(&mut store, "sam", "2222", ApprovalScope::Order)];
    let err = store.commit_order(&o, now()).unwrap_err().to_string();
    assert!(err.contains("an admin must approve"), "{err}");
    o.approvals = vec![grant(&mut store, "ada", "3333", ApprovalScope::Order)];
    store.commit_order(&o, now()).unwrap();
}

#[test]
fn a_supervisors_name_without_signing_in_has_a_clerks_authority() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    // 12 % off: within a supervisor's 15 %, beyond a clerk's 5 %.
    let mut o = order("100001", "LAST-ITEM", Some("88"));
    o.clerk = "sam".into();
    assert!(matches!(
        store.commit_order(&o, now()),
        Err(StoreError::NeedsApproval(_))
    ));
    assert_eq!(store.count_orders().unwrap(), 0);
    // Signed in (PIN or mapped SSH login), sam's own authority covers it.
    o.signed_in = true;
    store.commit_order(&o, now()).unwrap();
}

#[test]
fn below_the_floor_and_blocked_customers_need_approval_and_are_audited() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    let count = |s: &Store, kind| {
        s.audit_rows(&AuditFilter {
            kind: Some(kind),
            ..AuditFilter::default()
        })
        .unwrap()
        .len()
    };
    // Below the floor: refused even for an admin without approval.
    let mut o = order("100001", "LAST-ITEM", Some("60"));
    o.clerk = "ada".into();
    o.signed_in = true;
    let err = store.commit_order(&o, now()).unwrap_err().to_string();
    assert!(err.contains("below the floor"), "{err}");
    assert_eq!(store.count_orders().unwrap(), 0);
    o.approvals = vec![grant(&mut store, "sam", "2222", ApprovalScope::Order)];
    let n = store.commit_order(&o, now()).unwrap().order.number;
    assert_eq!(store.order_approvals(n).unwrap().len(), 1);
    assert_eq!(count(&store, AuditAction::Approval), 1);
    assert_eq!(count(&store, AuditAction::PriceOverride), 1);

    // A blocked customer.
    let mut o = order("100003", "M8-BOLT", None);
    let err = store.commit_order(&o, now()).unwrap_err().to_string();
    assert_eq!(
        err, "the customer is blocked: a supervisor must approve",
        "{err}"
    );
    // A line approval does not cover the customer.
    o.approvals = vec![grant(
        &mut store,
        "sam",
        "2222",
        ApprovalScope::Line {
            product_code: "M8-BOLT".into(),
            price: p("0,01"),
        },
    )];
    assert!(store.commit_order(&o, now()).is_err());
    o.approvals = vec![grant(&mut store, "sam", "2222", ApprovalScope::Customer)];
    let n = store.commit_order(&o, now()).unwrap().order.number;
    assert_eq!(store.order_approvals(n).unwrap()[0].line, None);
    // Cancelling is audited too.
    store
        .set_order_status(
            n,
            orderdesk::domain::order::OrderStatus::Cancelled,
            "anna",
            "customer called back",
            now(),
        )
        .unwrap();
    assert_eq!(count(&store, AuditAction::OrderCancelled), 1);
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

#[test]
fn an_order_over_the_credit_limit_needs_approval() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    // Customer 100001 has a limit of 10,000.00: 1,000 of LAST-ITEM at 100 is far over it.
    let mut o = order("100001", "LAST-ITEM", None);
    o.lines[0].quantity = q("1000");
    let err = store.commit_order(&o, now()).unwrap_err().to_string();
    assert!(err.contains("over their credit limit"), "{err}");
    o.approvals = vec![grant(&mut store, "sam", "2222", ApprovalScope::Customer)];
    store.commit_order(&o, now()).unwrap();
}

/// Seeded random walks of price edits and approvals: whatever is committed below the lowest
/// allowed price or beyond the clerk's limit has an approval row.
#[test]
fn no_committed_price_beyond_authority_lacks_an_approval() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    let sam = grant(&mut store, "sam", "2222", ApprovalScope::Order);
    let ada = grant(&mut store, "ada", "3333", ApprovalScope::Order);
    let mut seed: u64 = 0x5eed_0005;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut committed = 0;
    for _ in 0..60 {
        // LAST-ITEM resolves to 100 with a floor near 61.
        let price = format!("{}", 40 + next(70));
        let mut o = order("100001", "LAST-ITEM", Some(&price));
        o.approvals = match next(3) {
            0 => vec![],
            1 => vec![sam.clone()],
            _ => vec![ada.clone()],
        };
        let Ok(c) = store.commit_order(&o, now()) else {
            continue;
        };
        committed += 1;
        let price = c.order.lines[0].unit_price;
        let approvals = store.order_approvals(c.order.number).unwrap();
        if price < p("95") {
            assert_eq!(approvals.len(), 1, "{price} committed without approval");
        } else {
            assert!(approvals.is_empty());
        }
        if price < p("85") {
            assert_eq!(approvals[0].supervisor, "ada", "{price}: only an admin may");
        }
    }
    assert!(committed > 10, "only {committed} orders committed");
}

#[test]
fn audit_verify_finds_a_row_changed_behind_the_programs_back() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    for i in 0..5 {
        store
            .sign_in("anna", if i % 2 == 0 { "1111" } else { "0000" }, now())
            .unwrap();
    }
    let AuditVerdict::Intact { rows, .. } = store.verify_audit().unwrap() else {
        panic!("a fresh trail is broken")
    };
    assert_eq!(rows, 8);
    // Another process with the sqlite3 shell's powers.
    let raw = rusqlite::Connection::open(&t.path).unwrap();
    let refused = raw
        .execute("UPDATE audit SET clerk = 'bram' WHERE id = 5", [])
        .unwrap_err()
        .to_string();
    assert!(refused.contains("append-only"), "{refused}");
    assert!(raw.execute("DELETE FROM audit WHERE id = 8", []).is_err());
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET detail = '{\"why\":\"wrong PIN\"}' WHERE id = 5;",
    )
    .unwrap();
    drop(raw);
    match store.verify_audit().unwrap() {
        AuditVerdict::Broken(b) => {
            assert_eq!(b.id, 5);
            assert!(b.why.contains("was changed"), "{}", b.why);
        }
        v => panic!("tampering not found: {v:?}"),
    }
}

#[test]
fn concurrent_appends_from_many_processes_keep_the_chain() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let path = t.path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for j in 0..25 {
                    s.audit(
                        now(),
                        &format!("clerk{i}"),
                        AuditAction::SignOut,
                        "x",
                        &serde_json::json!({ "n": j }),
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let store = Store::open(&t.path).unwrap();
    match store.verify_audit().unwrap() {
        AuditVerdict::Intact { rows, .. } => assert_eq!(rows, 100),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_demo_depot_has_the_clerks_the_readme_names() {
    let t = temp_db();
    let mut store = Store::open(&t.path).unwrap();
    orderdesk::demo::generate(
        &mut store,
        &orderdesk::demo::DemoSize {
            customers: 10,
            products: 10,
            orders: 0,
            seed: 3,
        },
        d("2026-11-28"),
    )
    .unwrap();
    let clerks = store.clerks().unwrap();
    assert_eq!(clerks.len(), 6);
    for (name, role, pin) in [
        ("anna", Role::Clerk, "1234"),
        ("chantal", Role::Supervisor, "5678"),
        ("fleur", Role::Admin, "9999"),
    ] {
        let SignIn::SignedIn(c) = store.sign_in(name, pin, now()).unwrap() else {
            panic!("{name} cannot sign in with {pin}")
        };
        assert_eq!(c.role, role);
    }
    assert!(matches!(
        store.sign_in("bram", "5678", now()).unwrap(),
        SignIn::Refused(_)
    ));
}

#[test]
fn an_import_that_changes_stock_on_hand_is_a_stock_correction() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    store.set_actor("piet");
    let level = |on_hand: &str| orderdesk::domain::stock::StockLevel {
        depot: "UTR".into(),
        on_hand: q(on_hand),
        reserved: orderdesk::domain::Quantity::ZERO,
        min_level: q("5"),
        max_level: q("100"),
        bin: "A-01-1".into(),
    };
    // The same quantity again is no correction; another one is.
    store
        .import(|tx| tx.upsert_stock("M8-BOLT", &level("100")))
        .unwrap();
    store
        .import(|tx| tx.upsert_stock("M8-BOLT", &level("97")))
        .unwrap();
    let rows = store
        .audit_rows(&AuditFilter {
            kind: Some(AuditAction::StockCorrection),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].clerk, "piet");
    assert_eq!(rows[0].subject, "M8-BOLT in UTR");
    assert_eq!(rows[0].detail["from"], "100");
    assert_eq!(rows[0].detail["to"], "97");
}

/// Two clerks commit orders for one customer at the same moment; each fits the credit limit
/// alone, both together do not. The credit is checked again under the write lock, so never both
/// go through without an approval.
#[test]
fn two_orders_at_once_cannot_together_pass_the_credit_limit() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    with_clerks(&mut store);
    drop(store);
    for round in 0..4 {
        // 100001 and 100002 have a limit of 10,000.00; 50 × LAST-ITEM is 6,050.00 incl. VAT.
        let customer = ["100001", "100002"][round % 2];
        if round >= 2 {
            // Clear the exposure of the earlier round: cancel its orders.
            let mut s = Store::open(&t.path).unwrap();
            for o in s
                .orders(&orderdesk::store::OrderFilter {
                    customer_number: Some(customer.into()),
                    ..Default::default()
                })
                .unwrap()
            {
                if o.status == orderdesk::domain::order::OrderStatus::Committed {
                    s.set_order_status(
                        o.number,
                        orderdesk::domain::order::OrderStatus::Cancelled,
                        "anna",
                        "test",
                        now(),
                    )
                    .unwrap();
                }
            }
        }
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let path = t.path.clone();
                    let barrier = &barrier;
                    s.spawn(move || {
                        let mut mine = Store::open(&path).unwrap();
                        let mut o = order(customer, "LAST-ITEM", None);
                        o.lines[0].quantity = q("50");
                        barrier.wait();
                        match mine.commit_order(&o, now()) {
                            Ok(_) => true,
                            Err(e @ StoreError::NeedsApproval(_)) => {
                                assert!(e.to_string().contains("credit limit"), "{e}");
                                false
                            }
                            Err(e) => panic!("{e}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            results.iter().filter(|ok| **ok).count(),
            1,
            "round {round}: {results:?}"
        );
    }
}
