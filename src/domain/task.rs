//! Tasks: the work of the desk besides the order on screen — a ringing phone, a caller to ring
//! back, a colleague's question, a rush order with a courier on the way, an order parked while
//! its clerk took another call. Every session shows the same open tasks, ordered by
//! `queue::rank`.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A phone ringing now, or a caller on hold.
    Call,
    /// A caller who hung up before anyone answered, or asked to be called back.
    Callback,
    /// A colleague (sales rep, depot, accounts) needs an answer.
    Question,
    /// An order that must be ready for a courier; its due time is the pickup.
    Rush,
    /// A draft waiting while its clerk took another call.
    Parked,
    Complaint,
    /// A delivery that went wrong (late, short, damaged).
    Delivery,
    /// A purchase to follow up with a supplier (for a backordered line).
    Purchase,
}

impl TaskKind {
    pub const ALL: [TaskKind; 8] = [
        TaskKind::Call,
        TaskKind::Callback,
        TaskKind::Question,
        TaskKind::Rush,
        TaskKind::Parked,
        TaskKind::Complaint,
        TaskKind::Delivery,
        TaskKind::Purchase,
    ];

    /// The name in files, the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Call => "call",
            TaskKind::Callback => "callback",
            TaskKind::Question => "question",
            TaskKind::Rush => "rush",
            TaskKind::Parked => "parked",
            TaskKind::Complaint => "complaint",
            TaskKind::Delivery => "delivery",
            TaskKind::Purchase => "purchase",
        }
    }

    /// The name a clerk reads in the queue.
    pub fn label(self) -> &'static str {
        match self {
            TaskKind::Call => "incoming call",
            TaskKind::Callback => "call back",
            TaskKind::Question => "question",
            TaskKind::Rush => "rush order",
            TaskKind::Parked => "parked order",
            TaskKind::Complaint => "complaint",
            TaskKind::Delivery => "delivery problem",
            TaskKind::Purchase => "purchase follow-up",
        }
    }
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown task kind '{0}' (use call, callback, question, rush, parked, complaint, delivery or purchase)"
)]
pub struct UnknownTaskKind(pub String);

impl FromStr for TaskKind {
    type Err = UnknownTaskKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        TaskKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownTaskKind(s.trim().chars().take(40).collect()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// In the queue for anyone.
    Waiting,
    /// A clerk has it (`claimed_by`).
    InProgress,
    /// A draft on hold; `claimed_by` is the clerk who parked it, but anyone may take it up.
    Parked,
    Done,
    /// Dropped without being done (a duplicate, a caller who rang again, a withdrawn question).
    Abandoned,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::Waiting,
        TaskStatus::InProgress,
        TaskStatus::Parked,
        TaskStatus::Done,
        TaskStatus::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Waiting => "waiting",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Parked => "parked",
            TaskStatus::Done => "done",
            TaskStatus::Abandoned => "abandoned",
        }
    }

    /// Whether the task is still in the queue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskStatus::Waiting | TaskStatus::InProgress | TaskStatus::Parked
        )
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown task status '{0}' (use waiting, in_progress, parked, done or abandoned)")]
pub struct UnknownTaskStatus(pub String);

impl FromStr for TaskStatus {
    type Err = UnknownTaskStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        TaskStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownTaskStatus(s.trim().chars().take(40).collect()))
    }
}

/// One piece of work in the shared queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: i64,
    pub kind: TaskKind,
    pub status: TaskStatus,
    /// When the work arrived; a callback keeps the time of the call that became it, so the
    /// caller's wait keeps counting.
    pub created_at: DateTime<Utc>,
    /// A courier's pickup, a promised answer; may be in the past (overdue).
    pub due_at: Option<DateTime<Utc>>,
    pub customer_number: Option<String>,
    pub customer_name: Option<String>,
    pub order_number: Option<i64>,
    /// The draft of a parked order.
    pub draft_id: Option<i64>,
    /// The caller's number in E.164, or empty when the task is not about a phone call.
    pub phone: String,
    /// The PBX line or queue the call came in on, as the PBX names it (may be empty).
    pub line: String,
    pub claimed_by: Option<String>,
    /// Meant for this clerk (the call rang on their extension); anyone may still take it.
    pub for_clerk: Option<String>,
    pub text: String,
}

impl Task {
    /// Whether the task is about someone waiting on the line right now.
    pub fn is_live_call(&self) -> bool {
        self.kind == TaskKind::Call && self.status == TaskStatus::Waiting
    }
}

/// Reads a deadline as a clerk or a script writes it, relative to `now` (local time):
/// `14:30` (today), `+10` or `+10m` (minutes from now), `+2h`, `2026-11-28 14:30`, or RFC 3339.
/// A time already past is accepted: the task is then shown as overdue.
pub fn parse_due(text: &str, now: DateTime<FixedOffset>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "'{}' is not a time: use 14:30, +10 (minutes from now), +2h, 2026-11-28 14:30 or RFC 3339",
            t.chars().take(40).collect::<String>()
        )
    };
    if let Some(rel) = t.strip_prefix('+') {
        let rel = rel.trim();
        let (digits, per) = match rel.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            None => (rel, 1),
            Some((i, _)) => match rel[i..].trim() {
                "m" | "min" => (&rel[..i], 1),
                "h" => (&rel[..i], 60),
                _ => return Err(bad()),
            },
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        if n > 60 * 24 * 366 / per {
            return Err(format!("'{t}' is more than a year away"));
        }
        return Ok((now + Duration::minutes(n * per)).with_timezone(&Utc));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(at.with_timezone(&Utc));
    }
    let local = |naive: NaiveDateTime| -> Result<DateTime<Utc>, String> {
        naive
            .and_local_timezone(*now.offset())
            .single()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(bad)
    };
    for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, fmt) {
            return local(naive);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return local(day.and_hms_opt(23, 59, 0).ok_or_else(bad)?);
    }
    for fmt in ["%H:%M", "%H.%M", "%H:%M:%S"] {
        if let Ok(time) = NaiveTime::parse_from_str(t, fmt) {
            return local(now.date_naive().and_time(time));
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_as_clerks_write_them() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T10:00:00+01:00").unwrap();
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_due("14:30", now).unwrap(),
            utc("2026-11-28T14:30:00+01:00")
        );
        assert_eq!(
            parse_due("9.15", now).unwrap(),
            utc("2026-11-28T09:15:00+01:00")
        );
        assert_eq!(
            parse_due("+10", now).unwrap(),
            utc("2026-11-28T10:10:00+01:00")
        );
        assert_eq!(
            parse_due("+10m", now).unwrap(),
            utc("2026-11-28T10:10:00+01:00")
        );
        assert_eq!(
            parse_due("+2h", now).unwrap(),
            utc("2026-11-28T12:00:00+01:00")
        );
        assert_eq!(
            parse_due("2026-11-29 08:00", now).unwrap(),
            utc("2026-11-29T08:00:00+01:00")
        );
        assert_eq!(
            parse_due("2026-11-28T13:00:00Z", now).unwrap(),
            utc("2026-11-28T13:00:00Z")
        );
        // In the past: accepted (shown as overdue).
        assert!(parse_due("08:00", now).unwrap() < now.with_timezone(&Utc));
        for bad in [
            "",
            "soon",
            "25:00",
            "+",
            "+3d",
            "+-5",
            "+99999999999",
            "14:30 tomorrow",
        ] {
            assert!(parse_due(bad, now).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn kinds_round_trip_and_unknown_is_explained() {
        for k in TaskKind::ALL {
            assert_eq!(k.as_str().parse::<TaskKind>().unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(" Rush ".parse::<TaskKind>().unwrap(), TaskKind::Rush);
        let err = "urgent".parse::<TaskKind>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown task kind 'urgent' (use call, callback, question, rush, parked, complaint, delivery or purchase)"
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in TaskStatus::ALL {
            assert_eq!(s.as_str().parse::<TaskStatus>().unwrap(), s);
        }
        assert!("busy".parse::<TaskStatus>().is_err());
        assert!(TaskStatus::Parked.is_open());
        assert!(!TaskStatus::Abandoned.is_open());
    }

    #[test]
    fn serde_names_are_the_file_names() {
        assert_eq!(
            serde_json::to_string(&TaskStatus::InProgress).unwrap(),
            "\"in_progress\""
        );
        assert_eq!(
            serde_json::to_string(&TaskKind::Callback).unwrap(),
            "\"callback\""
        );
    }
}
