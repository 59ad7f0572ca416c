//! Signing in, locking and supervisors' approvals, as the worker answers them: Argon2 takes tens
//! of milliseconds a PIN, so it never runs on the keystroke path.

use super::worker::{Response, WorkerState};
use crate::domain::ApprovalScope;
use crate::store::{ApprovalGrant, ApprovalNeeded, SignIn};
use chrono::Utc;

/// Debug leaves PINs out (see below), so a logged request never shows one.
#[derive(Clone)]
pub enum AuthRequest {
    /// The names of the clerks who may sign in.
    LoadClerks,
    SignIn {
        name: String,
        pin: String,
    },
    /// An OS user mapped to a clerk in `[clerks] os_user_map`: recorded, no PIN.
    SignInMapped {
        name: String,
        os_user: String,
    },
    SignOut {
        clerk: String,
        why: String,
    },
    Approve {
        name: String,
        pin: String,
        reason: String,
        scope: ApprovalScope,
    },
}

impl std::fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthRequest::LoadClerks => f.write_str("LoadClerks"),
            AuthRequest::SignIn { name, .. } => {
                write!(f, "SignIn {{ name: {name:?}, pin: <hidden> }}")
            }
            AuthRequest::SignInMapped { name, os_user } => {
                write!(f, "SignInMapped {{ name: {name:?}, os_user: {os_user:?} }}")
            }
            AuthRequest::SignOut { clerk, why } => {
                write!(f, "SignOut {{ clerk: {clerk:?}, why: {why:?} }}")
            }
            AuthRequest::Approve { name, scope, .. } => write!(
                f,
                "Approve {{ name: {name:?}, pin: <hidden>, scope: {scope:?} }}"
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub enum AuthResponse {
    Clerks(Vec<(String, crate::domain::Role)>),
    SignedIn(crate::domain::Clerk),
    SignInRefused(String),
    Approved(Box<ApprovalGrant>),
    ApprovalRefused(String),
    /// A commit was beyond the clerk's authority.
    NeedsApproval(Box<ApprovalNeeded>),
}

pub fn handle(st: &mut WorkerState, req: AuthRequest) -> Option<Response> {
    let now = Utc::now();
    let store = &mut st.store;
    let resp = match req {
        AuthRequest::LoadClerks => match store.clerks() {
            Ok(list) => AuthResponse::Clerks(
                list.into_iter()
                    .filter(|c| !c.disabled)
                    .map(|c| (c.name, c.role))
                    .collect(),
            ),
            Err(e) => AuthResponse::SignInRefused(format!("cannot read the clerks: {e}")),
        },
        AuthRequest::SignIn { name, pin } => match store.sign_in(&name, &pin, now) {
            Ok(SignIn::SignedIn(c)) => AuthResponse::SignedIn(c),
            Ok(SignIn::Refused(why)) => AuthResponse::SignInRefused(why),
            Err(e) => AuthResponse::SignInRefused(e.to_string()),
        },
        AuthRequest::SignInMapped { name, os_user } => {
            match store.sign_in_mapped(&name, &os_user, now) {
                Ok(c) => AuthResponse::SignedIn(c),
                Err(e) => AuthResponse::SignInRefused(e.to_string()),
            }
        }
        AuthRequest::SignOut { clerk, why } => {
            if let Err(e) = store.sign_out(&clerk, &why, now) {
                tracing::warn!(error = %e, "recording a sign-out");
            }
            return None;
        }
        AuthRequest::Approve {
            name,
            pin,
            reason,
            scope,
        } => match store.verify_approver(&name, &pin, now) {
            Ok(Ok(approver)) => AuthResponse::Approved(Box::new(ApprovalGrant {
                scope,
                approver,
                reason,
            })),
            Ok(Err(why)) => AuthResponse::ApprovalRefused(why),
            Err(e) => AuthResponse::ApprovalRefused(e.to_string()),
        },
    };
    Some(Response::Auth(resp))
}

#[cfg(test)]
mod tests {
    use super::AuthRequest;

    #[test]
    fn pins_never_show_in_debug_output() {
        let r = AuthRequest::SignIn {
            name: "anna".into(),
            pin: "4711".into(),
        };
        assert!(!format!("{r:?}").contains("4711"));
        let r = AuthRequest::Approve {
            name: "sam".into(),
            pin: "4711".into(),
            reason: "x".into(),
            scope: crate::domain::ApprovalScope::Order,
        };
        assert!(!format!("{r:?}").contains("4711"));
    }
}
