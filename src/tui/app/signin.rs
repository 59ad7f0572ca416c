//! Who is at the keyboard: the sign-in screen of a shared counter terminal, locking (Ctrl-L, or
//! after idle minutes), and a supervisor's approval typed into the clerk's screen. PINs go to the
//! worker to be checked; nothing here waits for Argon2.

use super::{App, Lookup, Pane};
use crate::domain::authority::{self, AuthorityLimits};
use crate::domain::money::UnitPrice;
use crate::domain::pricing::PriceBand;
use crate::domain::{ApprovalScope, Role};
use crate::store::{ApprovalGrant, ApprovalNeeded};
use crate::tui::action::Action;
use crate::tui::auth::{AuthRequest, AuthResponse};
use crate::tui::field::TextField;
use crate::tui::keys::{Key, KeyCode};
use crate::tui::worker::Request;
use std::time::{Duration, Instant};

const MAX_NAME: usize = 32;
const MAX_PIN: usize = crate::domain::clerk::MAX_SECRET_CHARS;
const MAX_REASON: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStage {
    Name,
    Pin,
}

/// The sign-in screen: part of a name, then the PIN.
#[derive(Debug, Clone)]
pub struct SignInForm {
    pub stage: SignInStage,
    pub name: TextField,
    pub pin: TextField,
    /// The selected row among the matching clerks.
    pub selected: usize,
    /// The clerk picked with Enter.
    pub chosen: Option<String>,
    /// A PIN is being checked.
    pub waiting: bool,
    pub error: Option<String>,
    /// Why the screen is locked.
    pub note: String,
}

impl SignInForm {
    fn new(note: String) -> SignInForm {
        SignInForm {
            stage: SignInStage::Name,
            name: TextField::new(MAX_NAME),
            pin: TextField::new(MAX_PIN),
            selected: 0,
            chosen: None,
            waiting: false,
            error: None,
            note,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalField {
    Name,
    Pin,
    Reason,
}

/// A supervisor approves, on the clerk's screen, what is beyond the clerk's authority.
#[derive(Debug, Clone)]
pub struct ApprovalForm {
    pub needed: ApprovalNeeded,
    pub field: ApprovalField,
    pub name: TextField,
    pub pin: TextField,
    pub reason: TextField,
    pub waiting: bool,
    pub error: Option<String>,
    draft_id: i64,
    /// Opened by F10 (commit once approved) rather than by setting a price.
    then_commit: bool,
}

#[derive(Debug, Default)]
pub struct Session {
    pub signin: Option<SignInForm>,
    pub approval: Option<ApprovalForm>,
    /// The clerks who may sign in, with their roles.
    pub clerks: Vec<(String, Role)>,
    /// `[authority]`: what each role may give on its own.
    pub limits: AuthorityLimits,
    /// The signed-in clerk's role (`None`: no one signed in; the clerk is the configured name).
    pub role: Option<Role>,
    /// Approvals given for drafts on this screen.
    grants: Vec<(i64, ApprovalGrant)>,
    auto_lock: Option<Duration>,
    last_key: Option<Instant>,
}

/// Sets up the session from `[clerks]`: starts at the sign-in screen on a shared terminal, and
/// locks after `auto_lock_minutes` without a key.
pub fn configure(app: &mut App, require_sign_in: bool, auto_lock_minutes: u32) {
    app.session.auto_lock =
        (auto_lock_minutes > 0).then(|| Duration::from_secs(u64::from(auto_lock_minutes) * 60));
    app.session.last_key = Some(Instant::now());
    if require_sign_in {
        app.session.signin = Some(SignInForm::new("sign in to take orders".into()));
    }
    // Also without sign-in: Ctrl-L locks only when there is someone to sign in.
    app.request(Request::Auth(AuthRequest::LoadClerks));
}

/// Sets up a screen from the `[clerks]` config and the database: an OS login an admin mapped to
/// a clerk (`mapped`: OS user, clerk) is that clerk at once; otherwise a shared terminal starts
/// at the sign-in screen. `limits`: the roles' discounts as the database has them.
pub fn setup(
    app: &mut App,
    config: &crate::config::ClerksConfig,
    limits: AuthorityLimits,
    mapped: Option<(&str, &str)>,
) {
    app.session.limits = limits;
    configure(app, config.require_sign_in, config.auto_lock_minutes);
    if let Some((user, clerk)) = mapped {
        app.session.signin = None;
        sign_in_mapped(app, clerk, user);
    }
}

/// An SSH session of an OS user mapped to a clerk: that clerk, no PIN (the sign-in is audited).
pub fn sign_in_mapped(app: &mut App, name: &str, os_user: &str) {
    app.request(Request::Auth(AuthRequest::SignInMapped {
        name: name.to_string(),
        os_user: os_user.to_string(),
    }));
}

pub fn is_locked(app: &App) -> bool {
    app.session.signin.is_some()
}

/// The clerks whose name contains what is typed, names starting with it first.
pub fn matches(app: &App) -> Vec<&str> {
    let Some(form) = &app.session.signin else {
        return Vec::new();
    };
    let typed = form.name.text().trim().to_lowercase();
    let mut starts: Vec<&str> = Vec::new();
    let mut contains: Vec<&str> = Vec::new();
    for (c, _) in &app.session.clerks {
        let lower = c.to_lowercase();
        if lower.starts_with(&typed) {
            starts.push(c);
        } else if lower.contains(&typed) {
            contains.push(c);
        }
    }
    starts.extend(contains);
    starts
}

/// Keys for the sign-in screen, the approval form and the lock key come here first; `true`:
/// the key was taken.
pub fn key(app: &mut App, key: Key) -> bool {
    app.session.last_key = Some(Instant::now());
    if app.session.signin.is_some() {
        signin_key(app, key);
        return true;
    }
    if app.session.approval.is_some() {
        approval_key(app, key);
        return true;
    }
    if app.keymap.action(&key) == Some(Action::Lock) {
        lock(app, "locked");
        return true;
    }
    false
}

/// What the terminal loop calls now and then: locks after the idle time.
pub fn tick(app: &mut App, now: Instant) {
    let (Some(limit), Some(last)) = (app.session.auto_lock, app.session.last_key) else {
        return;
    };
    // Without clerks there is no one to sign in again: no lock (and no warning every second).
    if !is_locked(app)
        && !app.session.clerks.is_empty()
        && now.saturating_duration_since(last) >= limit
    {
        let minutes = limit.as_secs() / 60;
        lock(
            app,
            &format!(
                "locked after {minutes} idle minute{}",
                if minutes == 1 { "" } else { "s" }
            ),
        );
    }
}

/// Locks the screen: the order on screen is parked (it stays the clerk's), everything on screen
/// is cleared, and the sign-in screen takes over.
pub fn lock(app: &mut App, why: &str) {
    if is_locked(app) {
        return;
    }
    if app.session.clerks.is_empty() {
        app.warn("no clerks to sign in, so the screen is not locked: add them with `orderdesk clerk add NAME`");
        return;
    }
    if app.order.is_some() {
        app.park();
    }
    if app.session.role.is_some() {
        app.request(Request::Auth(AuthRequest::SignOut {
            clerk: app.clerk.clone(),
            why: why.to_string(),
        }));
    }
    app.session.role = None;
    app.session.grants.clear();
    app.session.approval = None;
    // A task the clerk is on stays theirs (claimed) until they come back.
    app.queue.current = None;
    app.popups.clear();
    app.card = None;
    app.lookup = Lookup::new();
    app.focus = Pane::Lookup;
    app.message = None;
    app.session.signin = Some(SignInForm::new(format!("{why} ({})", app.clerk)));
    app.request(Request::Auth(AuthRequest::LoadClerks));
    app.dirty = true;
}

/// Leaving: the signed-in clerk is signed out in the audit trail.
pub fn quitting(app: &mut App) {
    if app.session.role.take().is_some() {
        app.request(Request::Auth(AuthRequest::SignOut {
            clerk: app.clerk.clone(),
            why: "quit".into(),
        }));
    }
}

fn open_approval(app: &mut App, needed: ApprovalNeeded, draft_id: i64, then_commit: bool) {
    app.session.approval = Some(ApprovalForm {
        needed,
        field: ApprovalField::Name,
        name: TextField::new(MAX_NAME),
        pin: TextField::new(MAX_PIN),
        reason: TextField::new(MAX_REASON),
        waiting: false,
        error: None,
        draft_id,
        then_commit,
    });
}

/// The role the commit will be checked with: the signed-in clerk's, else a clerk's — a name
/// given without signing in carries no more authority than a clerk's, whoever it names.
pub fn role(app: &App) -> Role {
    app.session.role.unwrap_or(Role::Clerk)
}

/// A price was set on line `index` (0-based): beyond the clerk's authority the supervisor's
/// approval is asked on the spot (the commit checks it again).
pub fn price_set(app: &mut App, index: usize, code: &str, band: &PriceBand, price: UnitPrice) {
    let Err(need) = authority::check_price(&app.session.limits, role(app), band, price) else {
        return;
    };
    let Some(draft_id) = app.order.as_ref().map(|o| o.draft.id) else {
        return;
    };
    let grants = grants_for(app, draft_id);
    if authority::covering_grant(&need, Some((code, price)), &grants, |g| {
        (&g.scope, g.approver.role())
    })
    .is_some()
    {
        return;
    }
    let needed = ApprovalNeeded {
        line: Some((index + 1, code.to_string(), price)),
        need,
    };
    app.warn(format!(
        "{} — approve now, or Esc (F10 asks again)",
        needed.describe()
    ));
    open_approval(app, needed, draft_id, false);
}

/// A draft came on screen with the approvals kept for it (after a lock, a restart or a kill).
pub fn restore_grants(app: &mut App, draft_id: i64, kept: Vec<ApprovalGrant>) {
    if kept.is_empty() {
        return;
    }
    app.session.grants.retain(|(d, _)| *d != draft_id);
    app.session
        .grants
        .extend(kept.into_iter().map(|g| (draft_id, g)));
}

/// The approvals given for a draft, for its commit.
pub fn grants_for(app: &App, draft_id: i64) -> Vec<ApprovalGrant> {
    app.session
        .grants
        .iter()
        .filter(|(d, _)| *d == draft_id)
        .map(|(_, g)| g.clone())
        .collect()
}

fn signin_key(app: &mut App, key: Key) {
    if app.keymap.action(&key) == Some(Action::Quit) {
        app.quit = true;
        return;
    }
    let names: Vec<String> = matches(app).into_iter().map(str::to_string).collect();
    let Some(form) = app.session.signin.as_mut() else {
        return;
    };
    if form.waiting {
        return;
    }
    match (form.stage, key.code) {
        (_, KeyCode::Esc) => {
            form.error = None;
            if form.stage == SignInStage::Pin {
                form.pin.clear();
                form.stage = SignInStage::Name;
            } else {
                form.name.clear();
                form.selected = 0;
            }
        }
        (SignInStage::Name, KeyCode::Up) => form.selected = form.selected.saturating_sub(1),
        (SignInStage::Name, KeyCode::Down) => {
            form.selected = (form.selected + 1).min(names.len().saturating_sub(1));
        }
        (SignInStage::Name, KeyCode::Enter) => match names.get(form.selected) {
            Some(name) => {
                form.chosen = Some(name.clone());
                form.stage = SignInStage::Pin;
                form.pin.clear();
                form.error = None;
            }
            None if app.session.clerks.is_empty() => form.error = Some(
                "no clerks yet: an admin adds them with `orderdesk clerk add NAME --role clerk`"
                    .into(),
            ),
            None => form.error = Some("no clerk by that name".into()),
        },
        (SignInStage::Pin, KeyCode::Enter) => {
            let (Some(name), false) = (form.chosen.clone(), form.pin.is_empty()) else {
                return;
            };
            let pin = form.pin.text().to_string();
            form.pin.clear();
            form.waiting = true;
            form.error = None;
            app.request(Request::Auth(AuthRequest::SignIn { name, pin }));
        }
        (SignInStage::Name, _) => {
            if form.name.handle(&key) == crate::tui::field::Edit::Changed {
                form.selected = 0;
                form.error = None;
            }
        }
        (SignInStage::Pin, _) => {
            form.pin.handle(&key);
        }
    }
}

fn approval_key(app: &mut App, key: Key) {
    let Some(form) = app.session.approval.as_mut() else {
        return;
    };
    if form.waiting {
        return;
    }
    let next = match form.field {
        ApprovalField::Name => ApprovalField::Pin,
        ApprovalField::Pin => ApprovalField::Reason,
        ApprovalField::Reason => ApprovalField::Name,
    };
    match key.code {
        KeyCode::Esc => {
            let then_commit = form.then_commit;
            app.session.approval = None;
            app.warn(if then_commit {
                "not committed: it needs a supervisor's approval (F10 to try again)"
            } else {
                "the price stays on the order; F10 asks for the approval again"
            });
        }
        KeyCode::Tab => form.field = next,
        KeyCode::Enter => {
            let empty = |f: &TextField| f.text().trim().is_empty();
            let current_filled = match form.field {
                ApprovalField::Name => !empty(&form.name),
                ApprovalField::Pin => !form.pin.is_empty(),
                ApprovalField::Reason => !empty(&form.reason),
            };
            if form.field != ApprovalField::Reason && current_filled {
                form.field = next;
                return;
            }
            let first_empty = if empty(&form.name) {
                Some(ApprovalField::Name)
            } else if form.pin.is_empty() {
                Some(ApprovalField::Pin)
            } else if empty(&form.reason) {
                Some(ApprovalField::Reason)
            } else {
                None
            };
            if let Some(f) = first_empty {
                form.field = f;
                return;
            }
            let scope = match &form.needed.line {
                Some((_, code, price)) => ApprovalScope::Line {
                    product_code: code.clone(),
                    price: *price,
                },
                None => ApprovalScope::Customer,
            };
            let req = AuthRequest::Approve {
                name: form.name.text().trim().to_string(),
                pin: form.pin.text().to_string(),
                reason: form.reason.text().trim().to_string(),
                scope,
            };
            form.pin.clear();
            form.waiting = true;
            form.error = None;
            app.request(Request::Auth(req));
        }
        _ => {
            let field = match form.field {
                ApprovalField::Name => &mut form.name,
                ApprovalField::Pin => &mut form.pin,
                ApprovalField::Reason => &mut form.reason,
            };
            field.handle(&key);
        }
    }
}

pub fn response(app: &mut App, resp: AuthResponse) {
    match resp {
        AuthResponse::Clerks(list) => app.session.clerks = list,
        AuthResponse::SignedIn(c) => {
            app.session.signin = None;
            app.session.role = Some(c.role);
            app.session.grants.clear();
            app.clerk = c.name.clone();
            // Only this clerk's drafts and recent customers from now on.
            app.order = None;
            app.card = None;
            app.lookup = Lookup::new();
            app.focus = Pane::Lookup;
            app.request(Request::LoadCustomers {
                clerk: c.name.clone(),
            });
            // Their own parked orders and claimed tasks come back in the queue.
            app.queue.forget();
            app.request(Request::LoadTasks);
            app.info(format!("signed in as {} ({})", c.name, c.role));
        }
        AuthResponse::SignInRefused(why) => match app.session.signin.as_mut() {
            Some(form) => {
                form.waiting = false;
                form.stage = SignInStage::Pin;
                form.error = Some(why);
            }
            None => {
                lock(app, "sign-in needed");
                if let Some(form) = app.session.signin.as_mut() {
                    form.error = Some(why);
                }
            }
        },
        AuthResponse::NeedsApproval(needed) => {
            app.committing = false;
            let Some(draft_id) = app.order.as_ref().map(|o| o.draft.id) else {
                app.error(needed.describe());
                return;
            };
            app.warn(needed.describe());
            open_approval(app, *needed, draft_id, true);
        }
        AuthResponse::Approved(grant) => {
            let Some(form) = app.session.approval.as_mut() else {
                return;
            };
            let (who, role) = (grant.approver.name().to_string(), grant.approver.role());
            if !form.needed.need.approvable_by(role) {
                form.waiting = false;
                form.field = ApprovalField::Name;
                form.name.clear();
                form.reason.clear();
                form.error = Some(format!(
                    "{who} is {}: {} must approve this",
                    role.with_article(),
                    form.needed.need.approver.with_article()
                ));
                return;
            }
            let Some(form) = app.session.approval.take() else {
                return;
            };
            app.request(Request::KeepApproval {
                draft_id: form.draft_id,
                grant: grant.clone(),
            });
            app.session.grants.push((form.draft_id, *grant));
            let on_screen = app
                .order
                .as_ref()
                .is_some_and(|o| o.draft.id == form.draft_id);
            if on_screen && form.then_commit {
                app.info(format!("approved by {who}; committing…"));
                super::order::commit(app);
            } else {
                app.info(format!("approved by {who}"));
            }
        }
        AuthResponse::ApprovalRefused(why) => {
            if let Some(form) = app.session.approval.as_mut() {
                // The reason is the approver's own: whoever tries next types it again.
                form.waiting = false;
                form.field = ApprovalField::Pin;
                form.reason.clear();
                form.error = Some(why);
            }
        }
    }
}
