//! Configuration: `config.example.toml` (embedded) holds every default; the user's file is read
//! over it. Unknown keys and bad values are errors that name the key and the line.

use crate::domain::customer::Country;
use crate::domain::queue::QueueWeights;
use crate::slip::PrinterConfig;
use crate::tui::action::{Keymap, KeymapError, KeysConfig};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The shipped example, which is also the source of every default.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    #[serde(default, deserialize_with = "non_empty_path")]
    pub path: Option<PathBuf>,
    pub synchronous: Synchronous,
    pub mmap_mb: u32,
}

/// A path that is given must say something: `path = ""` is a mistake, not "the default".
fn non_empty_path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "an empty path; leave the key out for the default database in the data folder",
        ));
    }
    Ok(Some(PathBuf::from(s)))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClerkConfig {
    pub name: String,
}

/// Signing in (issue 5).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClerksConfig {
    /// A shared counter terminal: orderdesk starts at the sign-in screen.
    pub require_sign_in: bool,
    /// Lock the screen after this many minutes without a key (0: never).
    pub auto_lock_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(&self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub file: String,
    pub level: LogLevel,
}

/// `[telephony]`: how caller ID from the PBX is read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelephonyConfig {
    /// The country of a number the PBX passes without international prefix.
    pub home_country: Country,
}

impl Default for TelephonyConfig {
    fn default() -> Self {
        TelephonyConfig {
            home_country: Country::new("NL").expect("NL is a country code"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: DatabaseConfig,
    pub clerk: ClerkConfig,
    pub clerks: ClerksConfig,
    pub log: LogConfig,
    pub printer: PrinterConfig,
    pub keys: KeysConfig,
    pub queue: QueueWeights,
    pub telephony: TelephonyConfig,
}

/// The same shape with every field optional: what a user's file may contain.
mod overlay {
    use super::{KeysConfig, LogLevel, Synchronous};
    use serde::Deserialize;
    use std::path::PathBuf;

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Config {
        pub database: Option<Database>,
        pub clerk: Option<Clerk>,
        pub clerks: Option<Clerks>,
        /// Kept in the database now (`orderdesk authority set`): refused with a pointer there.
        pub authority: Option<toml::Spanned<toml::Value>>,
        pub log: Option<Log>,
        pub printer: Option<crate::slip::PrinterConfig>,
        pub keys: Option<KeysConfig>,
        pub queue: Option<crate::domain::queue::QueueWeights>,
        pub telephony: Option<super::TelephonyConfig>,
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Database {
        #[serde(default, deserialize_with = "super::non_empty_path")]
        pub path: Option<PathBuf>,
        pub synchronous: Option<Synchronous>,
        pub mmap_mb: Option<u32>,
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Clerk {
        pub name: Option<String>,
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Clerks {
        pub require_sign_in: Option<bool>,
        pub auto_lock_minutes: Option<u32>,
        /// Kept in the database now (`orderdesk clerk map`): refused with a pointer there.
        pub os_user_map: Option<toml::Spanned<toml::Value>>,
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Log {
        pub file: Option<String>,
        pub level: Option<LogLevel>,
    }
}

/// A key that no longer belongs in a config file, named with its line.
fn moved(
    path: &str,
    text: &str,
    span: std::ops::Range<usize>,
    key: &str,
    why: &str,
) -> ConfigError {
    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
    ConfigError::Invalid {
        path: path.to_string(),
        message: format!("line {line}: {key} is no longer read from the config file: {why}"),
    }
}

fn invalid(path: &str, err: toml::de::Error) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_string(),
        message: err.to_string().trim_end().to_string(),
    }
}

impl Config {
    /// The key bindings, checked: every action has a key and no key does two things.
    pub fn keymap(&self) -> Result<Keymap, KeymapError> {
        Keymap::new(self.keys.clone())
    }

    /// The defaults: the embedded example.
    pub fn defaults() -> Result<Config, ConfigError> {
        toml::from_str(EXAMPLE).map_err(|e| invalid("config.example.toml (built in)", e))
    }

    /// Parses a user's config text over the defaults. `name` is used in error messages.
    pub fn from_toml(text: &str, name: &str) -> Result<Config, ConfigError> {
        let mut config = Config::defaults()?;
        let user: overlay::Config = toml::from_str(text).map_err(|e| invalid(name, e))?;
        if let Some(db) = user.database {
            if db.path.is_some() {
                config.database.path = db.path;
            }
            if let Some(s) = db.synchronous {
                config.database.synchronous = s;
            }
            if let Some(m) = db.mmap_mb {
                config.database.mmap_mb = m;
            }
        }
        if let Some(n) = user.clerk.and_then(|c| c.name) {
            config.clerk.name = n;
        }
        if let Some(c) = user.clerks {
            if let Some(v) = c.require_sign_in {
                config.clerks.require_sign_in = v;
            }
            if let Some(v) = c.auto_lock_minutes {
                config.clerks.auto_lock_minutes = v;
            }
            if let Some(v) = c.os_user_map {
                return Err(moved(
                    name,
                    text,
                    v.span(),
                    "[clerks] os_user_map",
                    "which OS login is which clerk without a PIN is kept in the database, where \
                     no clerk can map themselves to a supervisor: an admin runs \
                     `orderdesk clerk map CLERK OS_USER`",
                ));
            }
        }
        if let Some(a) = user.authority {
            return Err(moved(
                name,
                text,
                a.span(),
                "[authority]",
                "the roles' maximum discounts are kept in the database, where no clerk can \
                 raise their own: an admin runs `orderdesk authority set` \
                 (`orderdesk authority show` shows them)",
            ));
        }
        if let Some(log) = user.log {
            if let Some(f) = log.file {
                config.log.file = f;
            }
            if let Some(l) = log.level {
                config.log.level = l;
            }
        }
        if let Some(printer) = user.printer {
            config.printer = printer;
        }
        if let Some(keys) = user.keys {
            config.keys = config.keys.merged(&keys);
        }
        // A user's [queue] or [telephony] table replaces the example's; what it leaves out takes
        // the built-in default, which is the example's value (a test holds them together).
        if let Some(queue) = user.queue {
            config.queue = queue;
        }
        if let Some(t) = user.telephony {
            config.telephony = t;
        }
        config.queue.check().map_err(|e| ConfigError::Invalid {
            path: name.to_string(),
            message: e.to_string(),
        })?;
        config.keymap().map_err(|e| ConfigError::Invalid {
            path: name.to_string(),
            message: e.to_string(),
        })?;
        Ok(config)
    }

    /// Reads the config from `explicit` (--config), else $ORDERDESK_CONFIG, else the platform
    /// config folder. An explicitly named file must exist; the platform file may be absent.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let env = std::env::var_os("ORDERDESK_CONFIG").map(PathBuf::from);
        let (path, required) = match (explicit, env) {
            (Some(p), _) => (Some(p.to_path_buf()), true),
            (None, Some(p)) if !p.as_os_str().is_empty() => (Some(p), true),
            _ => (platform_config_file(), false),
        };
        let Some(path) = path else {
            return Ok((Config::defaults()?, None));
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((
                Config::from_toml(&text, &path.display().to_string())?,
                Some(path),
            )),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok((Config::defaults()?, None))
            }
            Err(source) => Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "orderdesk")
}

pub fn platform_config_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// Where the database and the log live unless configured otherwise.
pub fn data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_is_the_defaults() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.database.synchronous, Synchronous::Full);
        assert_eq!(c.log.level, LogLevel::Info);
        assert!(c.database.path.is_none());
    }

    #[test]
    fn example_printer_section_is_the_built_in_default() {
        // A user's [printer] table replaces the example's; fields it leaves out take the built-in
        // default, so the two must agree.
        assert_eq!(
            Config::defaults().unwrap().printer,
            PrinterConfig::default()
        );
        let c = Config::from_toml(
            "[printer]\ntarget = \"directory\"\ndirectory = \"/tmp/slips\"\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(c.printer.command, vec!["lp".to_string()]);
        assert_eq!(c.printer.timeout_secs, 15);
        let err = Config::from_toml("[printer]\ntarget = \"fax\"\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("fax"), "{err}");
    }

    #[test]
    fn example_queue_and_telephony_are_the_built_in_defaults() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.queue, QueueWeights::default());
        assert_eq!(c.telephony, TelephonyConfig::default());
        let c = Config::from_toml("[queue]\ncustomer_points = 0.0\n", "q.toml").unwrap();
        assert_eq!(c.queue.customer_points, 0.0);
        assert_eq!(c.queue.base.call, QueueWeights::default().base.call);
        let err = Config::from_toml("[queue]\nwaiting_per_minute = 0.0\n", "q.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("q.toml") && err.contains("wait forever"),
            "{err}"
        );
        let err = Config::from_toml("[queue.base]\nurgent = 3.0\n", "q.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("urgent"), "{err}");
        let err = Config::from_toml("[telephony]\nhome_country = \"Holland\"\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("two-letter country code"), "{err}");
        let err = Config::from_toml("[telephony]\nhome_country = \"XX\"\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("home_country") && err.contains("'XX'"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_database_path_is_an_error() {
        let err = Config::from_toml("[database]\npath = \"\"\n", "d.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("d.toml") && err.contains("line 2") && err.contains("path"),
            "{err}"
        );
        assert!(err.contains("empty path"), "{err}");
    }

    #[test]
    fn user_values_override() {
        let c = Config::from_toml(
            "[database]\npath = \"/tmp/x.db\"\n[log]\nlevel = \"debug\"\n",
            "test.toml",
        )
        .unwrap();
        assert_eq!(c.database.path.unwrap(), PathBuf::from("/tmp/x.db"));
        assert_eq!(c.log.level, LogLevel::Debug);
        assert_eq!(c.database.synchronous, Synchronous::Full);
    }

    #[test]
    fn example_keymap_is_complete() {
        use crate::tui::action::Action;
        use crate::tui::keys::Key;
        let keymap = Config::defaults().unwrap().keymap().unwrap();
        assert_eq!(
            keymap.action(&"<F10>".parse::<Key>().unwrap()),
            Some(Action::Commit)
        );
        assert_eq!(
            keymap.action(&"<F4>".parse::<Key>().unwrap()),
            Some(Action::Queue)
        );
        // Every F-key action also has a Ctrl or Alt key.
        for &a in Action::ALL {
            let keys = keymap.keys(a);
            if keys
                .iter()
                .any(|k| matches!(k.code, crate::tui::keys::KeyCode::F(_)))
            {
                assert!(
                    keys.iter().any(|k| k.ctrl || k.alt),
                    "{a:?} has only F-keys"
                );
            }
        }
    }

    #[test]
    fn rebinding_and_conflicts() {
        let c = Config::from_toml("[keys]\ncommit = [\"<F12>\"]\n", "k.toml").unwrap();
        let keymap = c.keymap().unwrap();
        assert_eq!(
            keymap.first_key_label(crate::tui::action::Action::Commit),
            "F12"
        );
        let err = Config::from_toml("[keys]\ncommit = [\"<F1>\"]\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("<F1> is bound to both help and commit"),
            "{err}"
        );
        let err = Config::from_toml("[keys]\ncommit = [\"<F99>\"]\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("<F99>"), "{err}");
        let err = Config::from_toml("[keys]\ncomit = [\"<F9>\"]\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("comit"), "{err}");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::from_toml(
            "[database]\nsynchronous = \"full\"\npaht = \"x\"\n",
            "my.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("my.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("paht"), "{err}");
    }
}
