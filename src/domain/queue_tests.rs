use super::*;
use crate::domain::task::TaskStatus;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

fn nine() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
}

fn task(id: i64, kind: TaskKind, created: DateTime<Utc>) -> Task {
    Task {
        id,
        kind,
        status: TaskStatus::Waiting,
        created_at: created,
        due_at: None,
        customer_number: None,
        customer_name: None,
        order_number: None,
        draft_id: None,
        phone: String::new(),
        line: String::new(),
        claimed_by: None,
        for_clerk: None,
        text: String::new(),
    }
}

fn value(rank: u32) -> CustomerValue {
    CustomerValue {
        revenue_12m: Money::from_cents(1_000_000),
        rank: Some(rank),
    }
}

fn mins(m: i64) -> Duration {
    Duration::minutes(m)
}

#[test]
fn the_example_config_weights_are_sane() {
    QueueWeights::default().check().unwrap();
    let w = QueueWeights {
        waiting_per_minute: 0.0,
        ..Default::default()
    };
    assert!(w.check().unwrap_err().to_string().contains("wait forever"));
    let mut w = QueueWeights::default();
    w.base.rush = -1.0;
    assert!(w.check().unwrap_err().to_string().contains("base.rush"));
    let w = QueueWeights {
        deadline_points: f64::NAN,
        ..Default::default()
    };
    assert!(w.check().is_err());
}

#[test]
fn a_courier_in_five_minutes_beats_a_question_that_waited_two_hours() {
    let w = QueueWeights::default();
    let now = nine() + mins(120);
    let question = task(1, TaskKind::Question, nine());
    let mut rush = task(2, TaskKind::Rush, now);
    rush.due_at = Some(now + mins(5));
    let ranked = rank(vec![question, rush], &HashMap::new(), now, &w);
    assert_eq!(ranked[0].0.id, 2, "{ranked:?}");
    assert_eq!(ranked[0].1.why, "courier in 5 min");
    assert_eq!(ranked[1].1.why, "waiting 2:00:00");
}

#[test]
fn a_courier_soon_beats_a_new_call_but_not_one_an_hour_away() {
    let w = QueueWeights::default();
    let now = nine();
    let mut call = task(1, TaskKind::Call, now);
    call.customer_number = Some("1".into());
    let values = HashMap::from([("1".to_string(), value(1))]);
    let mut soon = task(2, TaskKind::Rush, now);
    soon.due_at = Some(now + mins(10));
    let mut later = task(3, TaskKind::Rush, now);
    later.due_at = Some(now + mins(60));
    let ranked = rank(vec![call, soon, later], &values, now, &w);
    let ids: Vec<i64> = ranked.iter().map(|r| r.0.id).collect();
    assert_eq!(ids, [2, 1, 3]);
}

#[test]
fn overdue_is_above_any_deadline_still_ahead() {
    let w = QueueWeights::default();
    let now = nine();
    let mut overdue = task(1, TaskKind::Question, now);
    overdue.due_at = Some(now - mins(2));
    let mut at_due = task(2, TaskKind::Rush, now);
    at_due.due_at = Some(now + Duration::seconds(10));
    let ranked = rank(vec![at_due, overdue], &HashMap::new(), now, &w);
    assert_eq!(ranked[0].0.id, 1);
    assert_eq!(ranked[0].1.why, "overdue 2 min");
    assert_eq!(ranked[1].1.why, "courier now");
    // Overdue keeps climbing.
    let later = score(&ranked[0].0, None, now + mins(10), &w);
    assert!(later.score > ranked[0].1.score + 49.0);
}

#[test]
fn waiting_eventually_beats_customer_value() {
    let w = QueueWeights::default();
    let values = HashMap::from([("TOP".to_string(), value(1))]);
    let question = task(1, TaskKind::Question, nine());
    let top_question = |at: DateTime<Utc>| {
        let mut t = task(2, TaskKind::Question, at);
        t.customer_number = Some("TOP".into());
        t
    };
    // Shortly after, the top customer's new question goes first …
    let now = nine() + mins(10);
    let ranked = rank(vec![question.clone(), top_question(now)], &values, now, &w);
    assert_eq!(ranked[0].0.id, 2);
    assert_eq!(ranked[0].1.why, "top-10 customer");
    // … but once the first has waited longer than the customer points are worth, it leads
    // over any new question, however valuable the customer.
    let now = nine() + mins(31);
    let ranked = rank(vec![question, top_question(now)], &values, now, &w);
    assert_eq!(ranked[0].0.id, 1);
}

#[test]
fn ties_go_to_the_earliest() {
    let w = QueueWeights::default();
    // A question at 9:00 and a callback at 9:10 are level for ever: the callback's 10 extra
    // base points are the question's 10 extra minutes.
    let q = task(7, TaskKind::Question, nine());
    let c = task(3, TaskKind::Callback, nine() + mins(10));
    for later in [10, 25, 333] {
        let now = nine() + mins(later);
        let ranked = rank(vec![c.clone(), q.clone()], &HashMap::new(), now, &w);
        assert_eq!(ranked[0].1.score, ranked[1].1.score);
        assert_eq!(ranked[0].0.id, 7, "at +{later} min");
    }
    // Same score, same time: the lower id.
    let a = task(9, TaskKind::Question, nine());
    let b = task(4, TaskKind::Question, nine());
    let ranked = rank(vec![a, b], &HashMap::new(), nine() + mins(5), &w);
    assert_eq!(ranked[0].0.id, 4);
}

#[test]
fn why_names_the_biggest_one_or_two() {
    let w = QueueWeights::default();
    let now = nine() + Duration::seconds(45);
    let mut call = task(1, TaskKind::Call, nine());
    call.customer_number = Some("C".into());
    let s = score(&call, Some(&value(42)), now, &w);
    assert_eq!(s.why, "top-50 customer, caller waiting 0:45");
    assert_eq!(s.score, 60.0 + 30.0 + 0.75);
    // A claimed call is no longer a caller waiting.
    call.status = TaskStatus::InProgress;
    let s = score(&call, None, nine() + Duration::seconds(190), &w);
    assert_eq!(s.why, "waiting 3:10");
    // Just in: the waiting time all the same.
    let fresh = task(2, TaskKind::Purchase, nine());
    assert_eq!(score(&fresh, None, nine(), &w).why, "waiting 0:00");
    let mut rush = task(3, TaskKind::Rush, nine());
    rush.due_at = Some(nine() + mins(4) + Duration::seconds(10));
    assert_eq!(
        score(&rush, Some(&value(700)), nine(), &w).why,
        "courier in 4 min, top-1000 customer"
    );
    let mut due = task(4, TaskKind::Complaint, nine() - mins(200));
    due.due_at = Some(nine() + mins(125));
    assert_eq!(
        score(&due, Some(&value(5000)), nine(), &w).why,
        "waiting 3:20:00, due in 2 h 05 min"
    );
    let s = score(&fresh, Some(&value(5000)), nine(), &w);
    assert_eq!(s.why, "customer rank 5000");
    assert!((s.score - 5.3).abs() < 1e-9, "{}", s.score);
    // A clock a little ahead on another machine does not make waiting negative.
    assert_eq!(score(&fresh, None, nine() - mins(1), &w).score, 5.0);
}

#[test]
fn fairness_horizon_follows_the_weights() {
    let w = QueueWeights::default();
    // The highest base (a call, 60) plus the customer points (30) minus a question's 10.
    assert_eq!(w.fairness_horizon(TaskKind::Question), 80.0);
    assert_eq!(w.fairness_horizon(TaskKind::Call), 30.0);
}

/// A working day in minutes: calls of top customers arrive at a steady rate, each clerk takes
/// the top of the queue whenever free and is busy for `service` minutes. Returns the minute the
/// task created at 9:00 was taken (if it was) and how many tasks were open at 9:00.
struct Day {
    taken_at: Option<i64>,
    open_at_nine: usize,
}

fn simulate_day(
    weights: &QueueWeights,
    clerks: usize,
    calls_per_hour: u32,
    service: i64,
    low: TaskKind,
    caller_rank: u32,
) -> Day {
    let start = nine() - mins(60);
    let values = HashMap::from([("HIGH".to_string(), value(caller_rank))]);
    let mut open: Vec<Task> = Vec::new();
    let mut free_at = vec![0i64; clerks];
    let mut owed = 0.0;
    let mut next_id = 1;
    let mut day = Day {
        taken_at: None,
        open_at_nine: 0,
    };
    for minute in 0..8 * 60 {
        let now = start + mins(minute);
        owed += f64::from(calls_per_hour) / 60.0;
        while owed >= 1.0 {
            owed -= 1.0;
            let mut call = task(next_id, TaskKind::Call, now);
            call.customer_number = Some("HIGH".into());
            open.push(call);
            next_id += 1;
        }
        if minute == 60 {
            day.open_at_nine = open.len();
            open.push(task(0, low, now));
        }
        for free in free_at.iter_mut() {
            if *free > minute || open.is_empty() {
                continue;
            }
            let top = rank(open.iter().cloned(), &values, now, weights)
                .into_iter()
                .next()
                .map(|(t, _)| t.id);
            if let Some(id) = top {
                open.retain(|t| t.id != id);
                if id == 0 {
                    day.taken_at = Some(minute - 60);
                }
                *free = minute + service;
            }
        }
        if day.taken_at.is_some() {
            break;
        }
    }
    day
}

#[test]
fn a_question_is_answered_within_the_horizon_on_a_busy_day() {
    // Three clerks, five minutes a call, 33 calls an hour: 92 % busy with top customers only.
    let w = QueueWeights::default();
    let day = simulate_day(&w, 3, 33, 5, TaskKind::Question, 1);
    let taken = day.taken_at.expect("the question was taken");
    let horizon = w.fairness_horizon(TaskKind::Question);
    assert!((taken as f64) <= horizon + 5.0, "taken after {taken} min");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No starvation: only tasks created before 9:00 + H can ever outrank the low-value task
    /// (H = `fairness_horizon`), so at most K = (open at 9:00) + (calls in the next H minutes)
    /// are taken before it; every `service` minutes each of the N clerks takes one, so it is
    /// taken within `service × ⌈(K + 1) / N⌉` minutes — if that falls inside the day.
    #[test]
    fn no_starvation_over_an_eight_hour_day(
        clerks in 1usize..=6,
        load_pct in 30u32..=110,
        service in 1i64..=8,
        low in prop_oneof![
            Just(TaskKind::Question),
            Just(TaskKind::Purchase),
            Just(TaskKind::Callback),
        ],
        caller_rank in 1u32..=200,
        waiting_per_minute in 0.5f64..3.0,
        customer_points in 0.0f64..60.0,
    ) {
        let weights = QueueWeights {
            waiting_per_minute,
            customer_points,
            ..QueueWeights::default()
        };
        // From a third of what the clerks can answer to a tenth more than that.
        let calls_per_hour = (load_pct * clerks as u32 * 60 / (100 * service as u32)).max(1);
        let day = simulate_day(&weights, clerks, calls_per_hour, service, low, caller_rank);
        let horizon = weights.fairness_horizon(low);
        let arriving = (f64::from(calls_per_hour) / 60.0 * horizon).ceil() as i64 + 1;
        let k = day.open_at_nine as i64 + arriving;
        let bound = service * ((k + 1 + clerks as i64 - 1) / clerks as i64);
        match day.taken_at {
            Some(t) => prop_assert!(t <= bound, "taken after {} min, bound {}", t, bound),
            None => prop_assert!(bound > 7 * 60 - 1, "never taken, bound {}", bound),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The screen's `order` (positions and scores, reasons left out) ranks exactly as `rank`.
    #[test]
    fn order_agrees_with_rank(
        specs in prop::collection::vec((0usize..8, 0i64..300, prop::option::of(-30i64..60), prop::option::of(1u32..400)), 0..60),
    ) {
        let now = nine() + mins(240);
        let mut tasks = Vec::new();
        let mut values = HashMap::new();
        for (i, (kind, age, due, rank_of)) in specs.iter().enumerate() {
            let mut t = task(i as i64 + 1, TaskKind::ALL[*kind], now - mins(*age));
            t.due_at = due.map(|m| now + mins(m));
            if let Some(r) = rank_of {
                let number = format!("C{i}");
                values.insert(number.clone(), value(*r));
                t.customer_number = Some(number);
            }
            tasks.push(t);
        }
        let w = QueueWeights::default();
        let by_rank: Vec<(i64, f64)> = rank(tasks.clone(), &values, now, &w)
            .into_iter()
            .map(|(t, s)| (t.id, s.score))
            .collect();
        let by_order: Vec<(i64, f64)> = order(&tasks, &values, now, &w, |_| true)
            .into_iter()
            .map(|(i, s)| (tasks[i].id, s))
            .collect();
        prop_assert_eq!(by_rank, by_order);
        let odd: Vec<i64> = order(&tasks, &values, now, &w, |t| t.id % 2 == 1)
            .into_iter()
            .map(|(i, _)| tasks[i].id)
            .collect();
        prop_assert!(odd.iter().all(|id| id % 2 == 1));
    }
}
