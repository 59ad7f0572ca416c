//! Who is at the keyboard. Until clerks sign in, the clerk is `--clerk NAME`, else
//! `$ORDERDESK_CLERK`, else the configured name, else the operating-system user.

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
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .ok();
    resolve(flag, env.as_deref(), configured, user.as_deref())
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
}
