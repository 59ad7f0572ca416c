//! Clerks: who may sign in, with which role, what a PIN must look like, and how wrong PINs lock
//! a clerk out for a while.
//!
//! # Lock-out
//! After [`ATTEMPTS_BEFORE_LOCK`] wrong PINs in a row a clerk is locked for
//! [`FIRST_LOCK_SECS`] seconds. Every further wrong PIN (each one possible only after the lock
//! ran out) locks again for twice as long, up to [`MAX_LOCK_SECS`]. A right PIN resets the count.
//! So guessing a 4-digit PIN takes weeks, while a clerk who mistypes waits half a minute.
//! The count lives in the database, so it holds across processes, terminals and restarts.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a clerk may do on their own. Ordered: a supervisor may do all a clerk may, an admin all
/// a supervisor may.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Clerk,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Clerk, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may approve what is beyond another clerk's authority.
    pub fn may_approve(self) -> bool {
        self >= Role::Supervisor
    }

    /// "a clerk", "an admin": for messages.
    pub fn with_article(self) -> &'static str {
        match self {
            Role::Clerk => "a clerk",
            Role::Supervisor => "a supervisor",
            Role::Admin => "an admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown role '{}' (use clerk, supervisor or admin)",
                    s.trim()
                )
            })
    }
}

/// A clerk as the sign-in list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clerk {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

/// Shorter PINs are guessed between two lock-outs.
pub const MIN_SECRET_CHARS: usize = 4;
/// Longer input is a paste gone wrong, and hashing it would cost for nothing.
pub const MAX_SECRET_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a PIN or passphrase needs at least {MIN_SECRET_CHARS} characters")]
    TooShort,
    #[error("a PIN or passphrase may have at most {MAX_SECRET_CHARS} characters")]
    TooLong,
    #[error("a PIN or passphrase cannot contain control characters")]
    Control,
}

/// Checks a new PIN or passphrase. Any characters count (digits for a PIN on the counter
/// terminal's keypad, words for a passphrase); only the length and control characters are ruled.
pub fn check_secret(secret: &str) -> Result<(), SecretError> {
    let n = secret.chars().count();
    if n < MIN_SECRET_CHARS {
        return Err(SecretError::TooShort);
    }
    if n > MAX_SECRET_CHARS {
        return Err(SecretError::TooLong);
    }
    if secret.chars().any(char::is_control) {
        return Err(SecretError::Control);
    }
    Ok(())
}

/// Checks a clerk name and returns it trimmed. Names are what orders, drafts and the audit trail
/// record, and what the sign-in list shows, so they stay short and plain.
pub fn check_clerk_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 32 {
        return Err("a clerk name has 1 to 32 characters".into());
    }
    if !n
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "'{n}': a clerk name has letters, digits, '.', '_' and '-' only"
        ));
    }
    Ok(n.to_string())
}

pub const ATTEMPTS_BEFORE_LOCK: u32 = 5;
pub const FIRST_LOCK_SECS: i64 = 30;
pub const MAX_LOCK_SECS: i64 = 15 * 60;

/// How long a clerk is locked after `failed` wrong PINs in a row (this one included), if at all.
pub fn lock_after_failures(failed: u32) -> Option<Duration> {
    if failed < ATTEMPTS_BEFORE_LOCK {
        return None;
    }
    let doublings = (failed - ATTEMPTS_BEFORE_LOCK).min(16);
    let secs = FIRST_LOCK_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_LOCK_SECS);
    Some(Duration::seconds(secs))
}

/// Wrong PINs still possible before the next lock.
pub fn attempts_left(failed: u32) -> u32 {
    ATTEMPTS_BEFORE_LOCK.saturating_sub(failed)
}

/// Whether a stored lock is still in force.
pub fn locked_at(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    locked_until.filter(|until| *until > now)
}

/// Argon2id with the OWASP cheat sheet's parameters: 19 MiB of memory, 2 passes, 1 lane.
/// Costs about 20 ms of one core per hash in a release build: nothing for one sign-in, a lot
/// for a guesser.
fn argon2() -> argon2::Argon2<'static> {
    // The parameters are constants within argon2's limits, so building them cannot fail.
    let params = argon2::Params::new(19_456, 2, 1, None).unwrap_or_default();
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// Hashes a new PIN or passphrase (checked first) into a PHC string with its own random salt.
pub fn hash_secret(secret: &str) -> Result<String, HashError> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    check_secret(secret)?;
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Like [`hash_secret`] with a given salt: for the demo depot, which is the same for the same seed.
/// Never for real clerks, whose hashes need a random salt each.
pub fn hash_secret_with_salt(secret: &str, salt: &[u8; 16]) -> Result<String, HashError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    check_secret(secret)?;
    let salt = SaltString::encode_b64(salt).map_err(|e| HashError::Hash(e.to_string()))?;
    argon2()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Whether `secret` matches the stored PHC string. A damaged hash matches nothing. The
/// parameters come from the stored string, so hashes made with older parameters still verify.
pub fn verify_secret(phc: &str, secret: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    if secret.chars().count() > MAX_SECRET_CHARS {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(hash) => argon2().verify_password(secret.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A clerk's wrong-PIN count and lock, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockState {
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// What became of one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The right PIN: the count is reset.
    SignedIn,
    /// A wrong PIN; `locked_until` is set when this one started a lock.
    Wrong {
        attempts_left: u32,
        locked_until: Option<DateTime<Utc>>,
    },
    /// Still locked: the PIN was not even checked, and the attempt does not count.
    Locked { until: DateTime<Utc> },
}

/// Decides a sign-in attempt at `now`. `pin_matches` runs only when the clerk is not locked,
/// so a locked clerk costs no hashing and a guesser learns nothing. Returns the outcome and the
/// state to store.
pub fn attempt_sign_in(
    state: LockState,
    now: DateTime<Utc>,
    pin_matches: impl FnOnce() -> bool,
) -> (Attempt, LockState) {
    if let Some(until) = locked_at(state.locked_until, now) {
        return (Attempt::Locked { until }, state);
    }
    if pin_matches() {
        return (Attempt::SignedIn, LockState::default());
    }
    let failed = state.failed_attempts.saturating_add(1);
    let locked_until = lock_after_failures(failed).map(|d| now + d);
    (
        Attempt::Wrong {
            attempts_left: attempts_left(failed),
            locked_until,
        },
        LockState {
            failed_attempts: failed,
            locked_until: locked_until.or(state.locked_until),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Clerk < Role::Supervisor && Role::Supervisor < Role::Admin);
        assert!(!Role::Clerk.may_approve());
        assert!(Role::Admin.may_approve());
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert_eq!(" Supervisor ".parse::<Role>().unwrap(), Role::Supervisor);
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn secrets() {
        assert_eq!(check_secret("123"), Err(SecretError::TooShort));
        assert!(check_secret("1234").is_ok());
        assert!(check_secret("blauwe fiets op de dijk").is_ok());
        assert_eq!(check_secret("12\n34"), Err(SecretError::Control));
        assert_eq!(check_secret(&"x".repeat(129)), Err(SecretError::TooLong));
        // Characters, not bytes.
        assert!(check_secret("éééé").is_ok());
    }

    #[test]
    fn names() {
        assert_eq!(check_clerk_name(" anna ").unwrap(), "anna");
        assert!(check_clerk_name("").is_err());
        assert!(check_clerk_name("an na").is_err());
        assert!(check_clerk_name("j.de-vries_2").is_ok());
        assert!(check_clerk_name(&"a".repeat(33)).is_err());
    }

    #[test]
    fn lock_grows_and_is_capped() {
        assert_eq!(lock_after_failures(4), None);
        assert_eq!(lock_after_failures(5), Some(Duration::seconds(30)));
        assert_eq!(lock_after_failures(6), Some(Duration::seconds(60)));
        assert_eq!(lock_after_failures(7), Some(Duration::seconds(120)));
        assert_eq!(lock_after_failures(10), Some(Duration::seconds(900)));
        assert_eq!(lock_after_failures(u32::MAX), Some(Duration::seconds(900)));
        assert_eq!(attempts_left(0), 5);
        assert_eq!(attempts_left(9), 0);
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        assert_eq!(locked_at(Some(now), now), None);
        let later = now + Duration::seconds(1);
        assert_eq!(locked_at(Some(later), now), Some(later));
    }
    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash_secret("4711").unwrap();
        let b = hash_secret("4711").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_secret(&a, "4711"));
        assert!(!verify_secret(&a, "4712"));
        assert!(!verify_secret("not a hash", "4711"));
        assert_eq!(
            hash_secret("12"),
            Err(HashError::Secret(SecretError::TooShort))
        );
    }

    #[test]
    fn five_wrong_pins_lock_for_a_growing_while() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let mut state = LockState::default();
        for i in 1..=4 {
            let (a, s) = attempt_sign_in(state, t0, || false);
            assert_eq!(
                a,
                Attempt::Wrong {
                    attempts_left: 5 - i,
                    locked_until: None
                }
            );
            state = s;
        }
        let (a, s) = attempt_sign_in(state, t0, || false);
        let until = t0 + Duration::seconds(30);
        assert_eq!(
            a,
            Attempt::Wrong {
                attempts_left: 0,
                locked_until: Some(until)
            }
        );
        state = s;
        // Even the right PIN is not looked at while locked, and the try does not count.
        let mut checked = false;
        let (a, s) = attempt_sign_in(state, t0 + Duration::seconds(29), || {
            checked = true;
            true
        });
        assert_eq!(a, Attempt::Locked { until });
        assert!(!checked);
        assert_eq!(s, state);
        // After the lock one more wrong PIN locks for twice as long.
        let t1 = t0 + Duration::seconds(30);
        let (a, s) = attempt_sign_in(state, t1, || false);
        assert_eq!(
            a,
            Attempt::Wrong {
                attempts_left: 0,
                locked_until: Some(t1 + Duration::seconds(60))
            }
        );
        // The right PIN after that lock resets everything.
        let t2 = t1 + Duration::seconds(60);
        let (a, s) = attempt_sign_in(s, t2, || true);
        assert_eq!(a, Attempt::SignedIn);
        assert_eq!(s, LockState::default());
    }
}
