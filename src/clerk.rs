//! Who is at the keyboard. Until clerks sign in, the clerk is `--clerk NAME`, else
//! `$ORDERDESK_CLERK`, else the configured name, else the operating-system user (by user id).

/// Picks the clerk name from what is given, in order of precedence. Names are trimmed; an empty
/// name counts as not given.
pub fn resolve(
    flag: Option<&str>,
    env: Option<&str>,
    configured: &str,
    os_user: Option<&str>,
) -> String {
    [flag, env, Some(configured), os_user]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("clerk")
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect()
}

/// The clerk for this process, from the flag, the environment and the configuration.
pub fn current(flag: Option<&str>, configured: &str) -> String {
    let env = std::env::var("ORDERDESK_CLERK").ok();
    resolve(flag, env.as_deref(), configured, os_user().as_deref())
}

/// The operating-system user this process runs as, from the password database by user id — not
/// from `$USER`, which anyone can set (an SSH session's mapping to a clerk must not be spoofable).
#[cfg(unix)]
pub fn os_user() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .ok()
        .flatten()
        .map(|u| u.name)
}

#[cfg(not(unix))]
pub fn os_user() -> Option<String> {
    std::env::var("USERNAME").ok()
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn precedence() {
        assert_eq!(
            resolve(Some("anna"), Some("bram"), "chantal", Some("root")),
            "anna"
        );
        assert_eq!(resolve(None, Some("bram"), "chantal", Some("root")), "bram");
        assert_eq!(
            resolve(Some("  "), None, "chantal", Some("root")),
            "chantal"
        );
        assert_eq!(resolve(None, None, "", Some("root")), "root");
        assert_eq!(resolve(None, None, "", None), "clerk");
    }

    #[cfg(unix)]
    #[test]
    fn the_os_user_comes_from_the_user_id_not_the_environment() {
        let name = super::os_user().expect("this user has a passwd entry");
        let by_id = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        assert_eq!(name, String::from_utf8_lossy(&by_id.stdout).trim());
    }
}
