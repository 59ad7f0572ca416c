//! The shared task queue: the store on a real WAL file (several connections, as several clerks'
//! processes would hold), the screen driven by keys, and the command line.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use orderdesk::domain::customer::Country;
use orderdesk::domain::task::{TaskKind, TaskStatus};
use orderdesk::store::{CallEnd, NewOrder, NewTask, Store};
use orderdesk::tui::app::{Pane, Popup};
use orderdesk::tui::harness::Harness;

fn nl() -> Country {
    Country::new("NL").unwrap()
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// An order for `qty` M8 bolts, backordered if short.
fn bolts(customer: &str, clerk: &str, qty: &str, draft_id: Option<i64>) -> NewOrder {
    NewOrder {
        customer_number: customer.into(),
        depot: None,
        clerk: clerk.into(),
        signed_in: false,
        reference: String::new(),
        lines: vec![orderdesk::store::NewOrderLine {
            product_code: "M8-BOLT".into(),
            quantity: q(qty),
            price: None,
            depot: None,
            allow_backorder: true,
        }],
        policy: orderdesk::domain::ShortPolicy::Backorder,
        draft_id,
        price_date: d("2026-11-28"),
        approvals: Vec::new(),
    }
}

fn desk(t: &TempDb, clerk: &str) -> Harness {
    Harness::new(Store::open(&t.path).unwrap(), clerk, d("2026-11-28"))
}

fn message(h: &Harness) -> String {
    h.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_call_is_matched_to_the_customer_in_any_number_format() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    for written in ["030-1234567", "+31 30 123 4567", "0031301234567"] {
        let task = store
            .incoming_call(written, &nl(), "sales", None, now())
            .unwrap();
        assert_eq!(task.kind, TaskKind::Call);
        assert_eq!(task.status, TaskStatus::Waiting);
        assert_eq!(task.customer_number.as_deref(), Some("100001"));
        assert_eq!(task.phone, "+31301234567");
        assert_eq!(task.line, "sales");
    }
    // A Belgian customer's number, dialled internationally.
    let be = store
        .incoming_call("+32 9 234 56 78", &nl(), "", None, now())
        .unwrap();
    assert_eq!(be.customer_number.as_deref(), Some("100002"));
    // Nobody has this one: the task is still made, with the number.
    let unknown = store
        .incoming_call("06 1234 5678", &nl(), "", None, now())
        .unwrap();
    assert_eq!(unknown.customer_number, None);
    assert_eq!(unknown.phone, "+31612345678");
    assert!(unknown.text.contains("unknown caller"), "{}", unknown.text);
    assert!(
        store
            .incoming_call("hello", &nl(), "", None, now())
            .is_err()
    );
    assert_eq!(store.open_tasks().unwrap().len(), 5);
}

#[test]
fn a_call_ended_while_waiting_becomes_a_callback_that_keeps_its_time() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let rang = now() - Duration::seconds(130);
    let call = store
        .incoming_call("0301234567", &nl(), "", None, rang)
        .unwrap();
    let CallEnd::Callback(cb) = store.call_ended("+31301234567", &nl(), now()).unwrap() else {
        panic!("not a callback")
    };
    assert_eq!(cb.id, call.id);
    assert_eq!(cb.kind, TaskKind::Callback);
    assert_eq!(cb.status, TaskStatus::Waiting);
    assert_eq!(cb.created_at, call.created_at);
    assert!(cb.text.contains("hung up after 2:1"), "{}", cb.text);
    // No second open call from that number.
    assert_eq!(
        store.call_ended("0301234567", &nl(), now()).unwrap(),
        CallEnd::NoCall
    );
    // An answered call that ends is done.
    let call = store
        .incoming_call("0301234567", &nl(), "", None, now())
        .unwrap();
    store.claim_task(call.id, "anna", now()).unwrap();
    let CallEnd::Answered(done) = store.call_ended("0301234567", &nl(), now()).unwrap() else {
        panic!("not answered")
    };
    assert_eq!(done.status, TaskStatus::Done);
}

#[test]
fn only_one_of_several_clerks_gets_a_task() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let call = store
        .incoming_call("0301234567", &nl(), "", None, now())
        .unwrap();
    let winners: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let path = t.path.clone();
                s.spawn(move || {
                    let mut mine = Store::open(&path).unwrap();
                    mine.claim_task(call.id, &format!("clerk{i}"), now())
                        .is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(winners.iter().filter(|w| **w).count(), 1, "{winners:?}");
    let task = store.task(call.id).unwrap();
    assert_eq!(task.status, TaskStatus::InProgress);
    let who = task.claimed_by.unwrap();
    // Another clerk cannot take it, give it back or finish it; the one who has it can.
    let err = store.claim_task(call.id, "zz", now()).unwrap_err();
    assert!(err.to_string().contains(&format!("{who} has it")), "{err}");
    assert!(store.release_task(call.id, "zz", now()).is_err());
    assert!(
        store
            .finish_task(call.id, TaskStatus::Done, "zz", false, now())
            .is_err()
    );
    let back = store.release_task(call.id, &who, now()).unwrap();
    assert_eq!(back.status, TaskStatus::Waiting);
    assert_eq!(back.claimed_by, None);
    store.claim_task(call.id, "zz", now()).unwrap();
    let done = store
        .finish_task(call.id, TaskStatus::Done, "zz", false, now())
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
    assert!(store.open_tasks().unwrap().is_empty());
    assert!(store.claim_task(call.id, "zz", now()).is_err());
}

#[test]
fn a_parked_draft_is_a_task_of_its_clerk_until_committed() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let v0 = store.tasks_version().unwrap();
    let mut draft = store.create_draft("100001", None, "anna", now()).unwrap();
    assert!(store.open_tasks().unwrap().is_empty());
    draft.parked = true;
    store.save_draft(&draft, "12 bo", now()).unwrap();
    let tasks = store.open_tasks().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, TaskKind::Parked);
    assert_eq!(tasks[0].status, TaskStatus::Parked);
    assert_eq!(tasks[0].claimed_by.as_deref(), Some("anna"));
    assert_eq!(tasks[0].draft_id, Some(draft.id));
    assert!(store.tasks_version().unwrap() > v0);
    // Saving it again (still parked) adds nothing.
    store.save_draft(&draft, "12 bou", now()).unwrap();
    assert_eq!(store.open_tasks().unwrap().len(), 1);
    // Nobody else can take a parked order; its clerk can.
    assert!(store.claim_task(tasks[0].id, "bert", now()).is_err());
    store.claim_task(tasks[0].id, "anna", now()).unwrap();
    draft.parked = false;
    store.save_draft(&draft, "", now()).unwrap();
    assert_eq!(
        store.task(tasks[0].id).unwrap().status,
        TaskStatus::InProgress
    );
    // Committing the order finishes the task, with the order's number.
    let order = store
        .commit_order(&bolts("100001", "anna", "2", Some(draft.id)), now())
        .unwrap();
    let task = store.task(tasks[0].id).unwrap();
    assert_eq!(task.status, TaskStatus::Done);
    assert_eq!(task.order_number, Some(order.order.number));
    assert!(store.open_tasks().unwrap().is_empty());
}

#[test]
fn customer_values_rank_by_revenue_of_the_last_year() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let order = |customer: &str, qty: &str| bolts(customer, "anna", qty, None);
    store.commit_order(&order("100001", "10"), now()).unwrap();
    store.commit_order(&order("100002", "40"), now()).unwrap();
    // Older than a year: does not count.
    store
        .commit_order(&order("100001", "500"), now() - Duration::days(400))
        .unwrap();
    let values = store.customer_values(now()).unwrap();
    assert_eq!(values["100002"].rank, Some(1));
    assert_eq!(values["100001"].rank, Some(2));
    assert!(values["100002"].revenue_12m > values["100001"].revenue_12m);
    assert!(!values.contains_key("100003"));
    // Only the biggest are kept.
    let top = store.top_customer_values(now(), 1).unwrap();
    assert_eq!(top.len(), 1);
    assert_eq!(top["100002"], values["100002"]);
}

#[test]
fn a_new_call_shows_in_another_clerks_strip_and_enter_pops_the_customer() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    let mut bert = desk(&t, "bert");
    assert!(anna.screen(80, 24).contains("queue: nothing waiting [F4]"));
    // The PBX hook, from a third connection.
    let mut pbx = Store::open(&t.path).unwrap();
    let call = pbx
        .incoming_call("030 123 4567", &nl(), "", None, now())
        .unwrap();
    assert!(anna.poll(), "anna's screen did not learn of the call");
    assert!(bert.poll());
    anna.app.tick(now());
    let screen = anna.screen(80, 24);
    let strip = screen.lines().nth(1).unwrap();
    assert!(strip.contains("queue 1 [F4]"), "{strip}");
    assert!(strip.contains("call Bouwbedrijf"), "{strip}");
    // Bert takes it first.
    bert.keys("<F4><Enter>").unwrap();
    assert_eq!(bert.app.focus, Pane::Lines);
    assert_eq!(
        bert.app.card.as_ref().unwrap().customer.number,
        "100001",
        "screen pop"
    );
    let draft = bert.app.order.as_ref().unwrap().draft.id;
    assert_eq!(pbx.task(call.id).unwrap().draft_id, Some(draft));
    // Anna still sees it until her next poll; taking it then fails with who has it.
    anna.keys("<F4><Enter>").unwrap();
    assert!(message(&anna).contains("bert has it"), "{}", message(&anna));
    assert!(anna.app.order.is_none());
    // After the refresh it is bert's, and not in anna's strip.
    anna.app.tick(now());
    let screen = anna.screen(80, 24);
    assert!(
        screen.lines().nth(1).unwrap().contains("nothing waiting"),
        "{screen}"
    );
    assert!(screen.contains("bert has it"), "{screen}");
    // Bert takes the order; committing finishes the call.
    bert.keys("3 M8-BOLT<Enter><F10>").unwrap();
    assert!(message(&bert).contains("committed"), "{}", message(&bert));
    let task = pbx.task(call.id).unwrap();
    assert_eq!(task.status, TaskStatus::Done);
    assert!(task.order_number.is_some());
    // Bert's screen knows the call is over.
    assert!(bert.app.queue.current.is_none());
    assert!(bert.app.queue.is_empty());
    assert!(anna.poll());
    assert!(anna.app.queue.is_empty());
}

#[test]
fn parked_orders_wait_in_the_queue_of_their_clerk_only() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    let mut bert = desk(&t, "bert");
    anna.keys("jans<Enter>12 M8-BOLT<Enter>2 kab").unwrap();
    anna.keys("<F8>").unwrap();
    anna.keys("kroon<Enter>1 COFFEE<Enter><F8>").unwrap();
    assert!(anna.app.order.is_none());
    // Two parked orders in anna's queue, none in bert's.
    assert_eq!(anna.app.queue.takeable, 2);
    assert!(
        anna.app
            .queue
            .rows()
            .all(|(t, _)| t.kind == TaskKind::Parked)
    );
    bert.poll();
    assert!(bert.app.queue.is_empty());
    // Switch between them from the queue without losing a keystroke.
    anna.keys("<F4>").unwrap();
    let jansen = anna
        .app
        .queue
        .rows()
        .position(|(t, _)| t.customer_number.as_deref() == Some("100001"))
        .unwrap();
    for _ in 0..jansen {
        anna.keys("<Down>").unwrap();
    }
    anna.keys("<Enter>").unwrap();
    let o = anna.app.order.as_ref().unwrap();
    assert_eq!(o.draft.customer_number, "100001");
    assert_eq!(o.draft.lines.len(), 1);
    assert_eq!(o.entry.text(), "2 kab");
    assert!(!o.draft.parked);
    // Taking the other parks this one again.
    anna.keys("<F4><Enter>").unwrap();
    let o = anna.app.order.as_ref().unwrap();
    assert_eq!(o.draft.customer_number, "100002");
    assert_eq!(o.draft.lines.len(), 1);
    assert_eq!(anna.app.queue.takeable, 1);
    let store = Store::open(&t.path).unwrap();
    assert_eq!(store.open_tasks().unwrap().len(), 2);
}

#[test]
fn an_unknown_caller_is_searched_and_the_order_carries_the_call() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    let mut pbx = Store::open(&t.path).unwrap();
    let call = pbx
        .incoming_call("06 1234 5678", &nl(), "", None, now())
        .unwrap();
    anna.poll();
    anna.app.tick(now());
    assert!(anna.screen(80, 24).contains("06"), "unknown number shown");
    anna.keys("<F4><Enter>").unwrap();
    assert_eq!(anna.app.focus, Pane::Lookup);
    assert!(message(&anna).contains("no customer has this number"));
    anna.keys("kroon<Enter>").unwrap();
    let draft = anna.app.order.as_ref().unwrap().draft.id;
    assert_eq!(pbx.task(call.id).unwrap().draft_id, Some(draft));
    // The caller hangs up before an order: an empty draft dropped with F2 ends the call.
    anna.keys("<F2>").unwrap();
    assert_eq!(pbx.task(call.id).unwrap().status, TaskStatus::Done);
}

#[test]
fn a_rush_order_opens_the_order_and_a_question_is_finished_by_key() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let order = store
        .commit_order(
            &NewOrder {
                reference: "PO-77".into(),
                ..bolts("100001", "bert", "5", None)
            },
            now(),
        )
        .unwrap()
        .order;
    let mut rush = NewTask::new(TaskKind::Rush, "DHL courier");
    rush.customer_number = Some("100001".into());
    rush.order_number = Some(order.number);
    rush.due_at = Some(now() + Duration::minutes(5));
    let rush = store.add_task(&rush, now()).unwrap();
    let question = store
        .add_task(
            &NewTask::new(TaskKind::Question, "Piet: price of 500 M8?"),
            now() - Duration::minutes(120),
        )
        .unwrap();
    let mut anna = desk(&t, "anna");
    anna.app.tick(now());
    // The courier in 5 minutes outranks the question that waited two hours.
    let order_ids: Vec<i64> = anna.app.queue.rows().map(|(t, _)| t.id).collect();
    assert_eq!(order_ids, [rush.id, question.id]);
    let why = anna.app.queue.scored(0).unwrap().1.why;
    assert!(why.starts_with("courier in 5 min"), "{why}");
    let screen = anna.screen(80, 24);
    assert!(screen.contains("rush Bouwbedri"), "{screen}");
    assert!(screen.contains("in 4:5"), "{screen}");
    anna.keys("<F4><Enter>").unwrap();
    assert!(matches!(anna.app.popups.last(), Some(Popup::Order { .. })));
    let screen = anna.screen(80, 24);
    assert!(
        screen.contains(&format!("order {}", order.number)),
        "{screen}"
    );
    assert!(screen.contains("M8-BOLT"), "{screen}");
    anna.keys("<Esc>").unwrap();
    // Done with the rush order; then the question, answered at the counter.
    anna.keys("<A-d>").unwrap();
    assert_eq!(store.task(rush.id).unwrap().status, TaskStatus::Done);
    anna.keys("<F4><Enter>").unwrap();
    assert_eq!(anna.app.queue.current.as_ref().unwrap().id, question.id);
    anna.keys("<A-d>").unwrap();
    assert_eq!(store.task(question.id).unwrap().status, TaskStatus::Done);
    assert_eq!(
        store.task(question.id).unwrap().claimed_by.as_deref(),
        Some("anna")
    );
    assert!(anna.app.queue.is_empty());
}

#[test]
fn the_strip_fits_80_columns_and_the_clocks_tick_only_when_there_is_something() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let mut anna = desk(&t, "anna");
    anna.app.dirty = false;
    anna.app.tick(now());
    assert!(!anna.app.dirty, "an empty queue redraws nothing");
    for (i, n) in ["0301234567", "0612345678", "0201234567", "0101234567"]
        .iter()
        .enumerate()
    {
        store
            .incoming_call(n, &nl(), "", None, now() - Duration::seconds(60 * i as i64))
            .unwrap();
    }
    anna.poll();
    anna.app.dirty = false;
    anna.app.tick(now());
    assert!(anna.app.dirty, "clocks move");
    let screen = anna.screen(80, 24);
    let strip = screen.lines().nth(1).unwrap();
    assert!(strip.starts_with(" queue 4 [F4]"), "{strip}");
    assert_eq!(strip.matches(" │ ").count(), 3, "{strip}");
    assert!(strip.chars().count() <= 80);
    // The oldest call first: it waited longest.
    assert!(strip.contains("│ call 010"), "{strip}");
    // The smallest terminal orderdesk works in, and one below it: nothing breaks.
    let small = anna.screen(60, 16);
    let strip = small.lines().nth(1).unwrap();
    assert!(strip.starts_with(" queue 4 [F4]"), "{small}");
    assert!(strip.chars().count() <= 60, "{small}");
    anna.keys("<F4>").unwrap();
    assert!(anna.screen(60, 16).contains("Task queue"));
    assert!(anna.screen(20, 5).contains("terminal too small"));
}

#[test]
fn snapshot_of_the_queue_at_80x24_and_120x40() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    store
        .incoming_call(
            "0301234567",
            &nl(),
            "sales",
            None,
            at("2026-11-28T09:03:10Z"),
        )
        .unwrap();
    store
        .incoming_call(
            "0612345678",
            &nl(),
            "",
            Some("anna"),
            at("2026-11-28T09:04:30Z"),
        )
        .unwrap();
    let mut rush = NewTask::new(TaskKind::Rush, "DHL courier");
    rush.customer_number = Some("100002".into());
    rush.due_at = Some(at("2026-11-28T09:09:00Z"));
    store.add_task(&rush, at("2026-11-28T08:50:00Z")).unwrap();
    store
        .add_task(
            &NewTask::new(TaskKind::Question, "Piet (depot): bin A-12 empty, count?"),
            at("2026-11-28T08:30:00Z"),
        )
        .unwrap();
    let busy = store
        .add_task(
            &NewTask::new(TaskKind::Complaint, "wrong cable delivered"),
            at("2026-11-28T08:00:00Z"),
        )
        .unwrap();
    store
        .claim_task(busy.id, "bert", at("2026-11-28T08:10:00Z"))
        .unwrap();
    let mut anna = desk(&t, "anna");
    anna.app.tick(at("2026-11-28T09:05:00Z"));
    anna.keys("<F4>").unwrap();
    insta::assert_snapshot!("queue_80x24", anna.screen(80, 24));
    insta::assert_snapshot!("queue_120x40", anna.screen(120, 40));
}

fn cli(t: &TempDb, args: &[&str]) -> (i32, String, String) {
    run_on(t, args)
}

#[test]
fn the_command_line_adds_lists_and_refuses_bad_input_with_exit_2() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let (code, out, _) = cli(
        &t,
        &["call", "incoming", "030 123 45 67", "--line", "sales"],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("incoming call — 100001 Bouwbedrijf Jansen B.V."),
        "{out}"
    );
    // Bad input: a clear message and exit code 2, nothing written.
    for (args, says) in [
        (
            vec!["call", "incoming", "not-a-number"],
            "is not a phone number",
        ),
        (vec!["call", "incoming", "12"], "phone number"),
        (vec!["call", "ended", "abc"], "is not a phone number"),
        (
            vec!["task", "add", "--kind", "urgent", "x"],
            "unknown task kind 'urgent'",
        ),
        (
            vec!["task", "add", "--kind", "rush", "--due", "soon", "x"],
            "--due 'soon' is not a time",
        ),
        (
            vec!["task", "add", "--kind", "question"],
            "say what the task is about",
        ),
    ] {
        let (code, _, err) = cli(&t, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // Unknown customer or order: exit 1, named.
    let (code, _, err) = cli(
        &t,
        &[
            "task",
            "add",
            "--kind",
            "question",
            "--customer",
            "999",
            "x",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("no customer with number '999'"), "{err}");
    let (code, _, err) = cli(&t, &["task", "add", "--kind", "rush", "--order", "77", "x"]);
    assert_eq!(code, 1);
    assert!(err.contains("no order 77"), "{err}");
    // A deadline in the past is accepted and shown as overdue.
    let (code, out, err) = cli(
        &t,
        &[
            "task",
            "add",
            "--kind",
            "rush",
            "--customer",
            "100002",
            "--due",
            "2020-01-01 10:00",
            "DHL",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rush_id: i64 = out.trim().parse().unwrap();
    let (code, out, _) = cli(&t, &["tasks", "list", "--json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    // The overdue rush order first.
    assert_eq!(list[0]["id"], rush_id);
    assert!(
        list[0]["why"].as_str().unwrap().starts_with("overdue"),
        "{}",
        list[0]
    );
    for field in [
        "id",
        "kind",
        "status",
        "customer_number",
        "order_number",
        "claimed_by",
        "created_at",
        "due_at",
        "score",
        "why",
    ] {
        assert!(list[0].get(field).is_some(), "no {field} in {}", list[0]);
    }
    assert_eq!(list[0]["kind"], "rush");
    assert_eq!(list[0]["status"], "waiting");
    assert_eq!(list[0]["customer_number"], "100002");
    assert!(
        list[0]["due_at"]
            .as_str()
            .unwrap()
            .starts_with("2020-01-01T")
    );
    assert!(list[0]["score"].as_f64().unwrap() > list[1]["score"].as_f64().unwrap());
    // Take, then another clerk cannot; done closes it.
    let id = rush_id.to_string();
    assert_eq!(cli(&t, &["--clerk", "anna", "task", "take", &id]).0, 0);
    let (code, _, err) = cli(&t, &["--clerk", "bert", "task", "take", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("anna has it"), "{err}");
    assert_eq!(cli(&t, &["--clerk", "anna", "task", "done", &id]).0, 0);
    let (code, _, err) = cli(&t, &["task", "done", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("already done"), "{err}");
    let (_, out, _) = cli(&t, &["tasks", "list"]);
    assert!(out.contains("incoming call"), "{out}");
    assert!(!out.contains("rush order"), "{out}");
}

#[test]
fn the_demo_simulation_feeds_the_queue_with_calls_from_customers() {
    let t = temp_db();
    let db = t.path.to_str().unwrap();
    let (code, _, err) = cli(
        &t,
        &[
            "demo",
            "--no-tui",
            "--db",
            db,
            "--customers",
            "60",
            "--products",
            "80",
            "--orders",
            "150",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(
        &t,
        &[
            "demo",
            "--no-tui",
            "--db",
            db,
            "--simulate-calls",
            "--calls-per-hour",
            "20000",
            "--simulate-for",
            "2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("simulated "), "{out}");
    let store = Store::open(&t.path).unwrap();
    let tasks = store.open_tasks().unwrap();
    assert!(tasks.len() >= 5, "only {} tasks", tasks.len());
    let calls: Vec<_> = tasks.iter().filter(|t| t.kind == TaskKind::Call).collect();
    assert!(!calls.is_empty());
    // Most callers are demo customers, found by their number.
    let known = calls.iter().filter(|c| c.customer_number.is_some()).count();
    assert!(
        known * 2 >= calls.len(),
        "{known} of {} calls matched",
        calls.len()
    );
    assert!(calls.iter().all(|c| c.phone.starts_with('+')));
    let (code, _, err) = cli(
        &t,
        &[
            "demo",
            "--no-tui",
            "--db",
            db,
            "--simulate-calls",
            "--calls-per-hour",
            "0",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--calls-per-hour"), "{err}");
}

#[test]
fn an_unknown_caller_becomes_a_new_customer_with_one_key() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    let mut pbx = Store::open(&t.path).unwrap();
    let call = pbx
        .incoming_call("+32 470 12 34 56", &nl(), "", None, now())
        .unwrap();
    anna.poll();
    anna.keys("<F4><Enter>").unwrap();
    assert!(
        message(&anna).contains("A-n to add a new customer"),
        "{}",
        message(&anna)
    );
    anna.keys("<A-n>").unwrap();
    let screen = anna.screen(80, 24);
    assert!(screen.contains("New customer"), "{screen}");
    assert!(screen.contains("Phone      0470123456"), "{screen}");
    // Without a name it is not saved.
    anna.keys("<C-s>").unwrap();
    assert!(anna.screen(80, 24).contains("give the customer's name"));
    anna.keys(
        "Brasserie Het Anker<Enter>Korenmarkt 3<Enter>9000<Enter>Gent<Enter>Els Peeters<Enter>",
    )
    .unwrap();
    // A phone number that is not one: refused, nothing saved, nothing lost.
    anna.keys("<C-u>12<Enter>").unwrap();
    assert!(
        anna.screen(80, 24).contains("is not a valid phone number")
            || anna.screen(80, 24).contains("is not a phone number"),
        "{}",
        anna.screen(80, 24)
    );
    anna.keys("<C-u>+32 470 12 34 56<Enter>").unwrap();
    assert!(anna.app.popups.is_empty(), "{}", anna.screen(80, 24));
    let o = anna.app.order.as_ref().expect("the new customer's order");
    let number = o.draft.customer_number.clone();
    let c = pbx.customer(&number).unwrap();
    assert_eq!(c.name, "Brasserie Het Anker");
    assert_eq!(c.visiting.city, "Gent");
    assert_eq!(c.country.code(), "BE");
    assert_eq!(c.phones, ["+32470123456"]);
    assert_eq!(c.contacts[0].name, "Els Peeters");
    assert!(c.credit_limit.is_zero());
    assert_eq!(number, "100004", "numbered after the newest customer");
    // The call is carried by the order, and the next call from this number finds them.
    assert_eq!(pbx.task(call.id).unwrap().draft_id, Some(o.draft.id));
    let again = pbx
        .incoming_call("0032470123456", &nl(), "", None, now())
        .unwrap();
    assert_eq!(again.customer_number.as_deref(), Some("100004"));
    // And search finds them.
    anna.keys("<F2>anker").unwrap();
    assert!(anna.screen(80, 24).contains("Brasserie Het Anker"));
}

#[test]
fn a_parked_order_taken_up_from_the_customer_list_is_the_task_on_screen() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    anna.keys("jans<Enter>12 M8-BOLT<Enter><F8>").unwrap();
    assert_eq!(anna.app.queue.takeable, 1);
    // The customer list shows the parked draft first; Enter takes it up.
    anna.keys("<Enter>").unwrap();
    assert_eq!(anna.app.order.as_ref().unwrap().draft.lines.len(), 1);
    let cur = anna
        .app
        .queue
        .current
        .as_ref()
        .expect("the parked task is on screen");
    assert_eq!(cur.kind, TaskKind::Parked);
    assert_eq!(anna.app.queue.takeable, 0, "not listed twice");
    anna.keys("<F10>").unwrap();
    assert!(
        Store::open(&t.path)
            .unwrap()
            .open_tasks()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn taking_the_next_call_ends_the_one_on_screen_or_parks_its_order() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let mut anna = desk(&t, "anna");
    let mut pbx = Store::open(&t.path).unwrap();
    let first = pbx
        .incoming_call("0301234567", &nl(), "", None, now() - Duration::minutes(2))
        .unwrap();
    let second = pbx
        .incoming_call("+3292345678", &nl(), "", None, now() - Duration::minutes(1))
        .unwrap();
    let third = pbx
        .incoming_call("0381234567", &nl(), "", None, now())
        .unwrap();
    anna.poll();
    // The first call (waited longest) is at the top; taken, its order stays empty.
    anna.keys("<F4><Enter>").unwrap();
    assert_eq!(anna.app.queue.current.as_ref().unwrap().id, first.id);
    // Taking the next one ends the first: nothing was ordered on it.
    anna.keys("<F4><Enter>").unwrap();
    assert_eq!(anna.app.queue.current.as_ref().unwrap().id, second.id);
    assert_eq!(pbx.task(first.id).unwrap().status, TaskStatus::Done);
    assert!(
        anna.app.queue.rows().all(|(t, _)| t.id != first.id),
        "the ended call is not listed as the clerk's"
    );
    // With lines on the order, taking the next call parks it with its call.
    anna.keys("2 M8-BOLT<Enter>").unwrap();
    anna.keys("<F4><Enter>").unwrap();
    assert_eq!(anna.app.queue.current.as_ref().unwrap().id, third.id);
    let parked = pbx.task(second.id).unwrap();
    assert_eq!(parked.status, TaskStatus::Parked);
    assert_eq!(parked.kind, TaskKind::Parked);
    assert!(anna.app.queue.rows().any(|(t, _)| t.id == second.id));
}

#[test]
fn another_clerks_task_is_closed_only_with_a_supervisors_pin_and_parked_orders_stay_private() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    store
        .add_clerk(
            "sam",
            orderdesk::domain::clerk::Role::Supervisor,
            &orderdesk::domain::clerk::hash_secret("2468").unwrap(),
            "setup",
            Utc::now(),
        )
        .unwrap();
    let mut draft = store.create_draft("100001", None, "anna", now()).unwrap();
    draft.parked = true;
    store.save_draft(&draft, "12 bo", now()).unwrap();
    drop(store);
    let (_, out, _) = cli(&t, &["task", "add", "--kind", "question", "voorraad M8?"]);
    let id = out.trim().to_string();
    assert_eq!(cli(&t, &["--clerk", "anna", "task", "take", &id]).0, 0);
    // bert cannot close anna's task on his own …
    let (code, _, err) = cli(&t, &["--clerk", "bert", "task", "done", &id]);
    assert_eq!(code, 1);
    assert!(
        err.contains("anna's, not yours") && err.contains("--supervisor"),
        "{err}"
    );
    // … a supervisor can, with the PIN.
    let with_pin = |pin: &str| {
        let mut c = orderdesk_cmd(t.dir.path())
            .args(["--db", t.path.to_str().unwrap(), "--clerk", "bert"])
            .args(["task", "abandon", &id, "--supervisor", "sam", "--pin-stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        c.stdin.take().unwrap().write_all(pin.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let o = with_pin("0000\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong PIN"));
    let o = with_pin("2468\n");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // anna's parked order is hers: bert's list does not show it, unless he asks for --all.
    let (_, out, _) = cli(&t, &["--clerk", "bert", "tasks", "list"]);
    assert!(!out.contains("parked"), "{out}");
    let (_, out, _) = cli(&t, &["--clerk", "bert", "tasks", "list", "--all"]);
    assert!(out.contains("parked"), "{out}");
    let (_, out, _) = cli(&t, &["--clerk", "anna", "tasks", "list"]);
    assert!(out.contains("parked"), "{out}");
}
