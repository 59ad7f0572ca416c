//! Our own key type, written the same way in config, footer, help and tests: `a`, `<F10>`,
//! `<C-l>`, `<A-1>`, `<Enter>`, `<S-Tab>`; a sequence like `12 bout m8<Enter>`.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Up,
    Down,
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    /// Only for keys that have no upper-case form (`<S-Up>`); a shifted letter is its capital.
    pub shift: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
            shift: false,
        }
    }

    /// A character a text field takes as typed text (no Ctrl or Alt held).
    pub fn text_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }

    pub fn from_crossterm(ev: &crossterm::event::KeyEvent) -> Option<Key> {
        use crossterm::event::{KeyCode as C, KeyModifiers as M};
        let ctrl = ev.modifiers.contains(M::CONTROL);
        let alt = ev.modifiers.contains(M::ALT);
        let shift = ev.modifiers.contains(M::SHIFT);
        let code = match ev.code {
            C::Char(c) => {
                // Ctrl combos arrive as lower-case letters; a shifted letter is already upper case.
                let c = if ctrl { c.to_ascii_lowercase() } else { c };
                return Some(Key {
                    code: KeyCode::Char(c),
                    ctrl,
                    alt,
                    shift: false,
                });
            }
            C::F(n) => KeyCode::F(n),
            C::Enter => KeyCode::Enter,
            C::Esc => KeyCode::Esc,
            C::Tab => KeyCode::Tab,
            C::BackTab => {
                return Some(Key {
                    code: KeyCode::BackTab,
                    ctrl,
                    alt,
                    shift: false,
                });
            }
            C::Backspace => KeyCode::Backspace,
            C::Delete => KeyCode::Delete,
            C::Insert => KeyCode::Insert,
            C::Home => KeyCode::Home,
            C::End => KeyCode::End,
            C::PageUp => KeyCode::PageUp,
            C::PageDown => KeyCode::PageDown,
            C::Up => KeyCode::Up,
            C::Down => KeyCode::Down,
            C::Left => KeyCode::Left,
            C::Right => KeyCode::Right,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Del", KeyCode::Delete),
    ("Delete", KeyCode::Delete),
    ("Ins", KeyCode::Insert),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Space", KeyCode::Char(' ')),
    ("lt", KeyCode::Char('<')),
    ("gt", KeyCode::Char('>')),
];

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: String = match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char('<') => "lt".into(),
            KeyCode::Char('>') => "gt".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::BackTab => {
                return f.write_str("<S-Tab>");
            }
            other => NAMED
                .iter()
                .find(|(_, k)| *k == other)
                .map(|(n, _)| (*n).to_string())
                .unwrap_or_default(),
        };
        let plain_char = matches!(self.code, KeyCode::Char(c) if c != ' ' && c != '<' && c != '>');
        if plain_char && !self.ctrl && !self.alt {
            return f.write_str(&name);
        }
        f.write_str("<")?;
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        if self.shift {
            f.write_str("S-")?;
        }
        write!(f, "{name}>")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a key (write keys like a, <F10>, <C-n>, <A-1>, <Enter>, <S-Tab>)")]
pub struct KeyParseError(pub String);

impl FromStr for Key {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || KeyParseError(s.to_string());
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => return Ok(Key::ch(c)),
            (Some('<'), Some(_)) if s.ends_with('>') => {}
            _ => return Err(err()),
        }
        let mut inner = &s[1..s.len() - 1];
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            if let Some(rest) = inner.strip_prefix("C-") {
                ctrl = true;
                inner = rest;
            } else if let Some(rest) = inner
                .strip_prefix("A-")
                .or_else(|| inner.strip_prefix("M-"))
            {
                alt = true;
                inner = rest;
            } else if let Some(rest) = inner.strip_prefix("S-") {
                shift = true;
                inner = rest;
            } else {
                break;
            }
        }
        let code = if let Some(n) = inner.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()) {
            if !(1..=24).contains(&n) {
                return Err(err());
            }
            KeyCode::F(n)
        } else if let Some((_, k)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(inner)) {
            *k
        } else {
            let mut cs = inner.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                _ => return Err(err()),
            }
        };
        if code == KeyCode::Tab && shift {
            return Ok(Key::plain(KeyCode::BackTab));
        }
        let shift = shift && !matches!(code, KeyCode::Char(_));
        Ok(Key {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A typed sequence: plain characters are keys, `<...>` is one named key. `<` alone is written `<lt>`.
pub fn parse_keys(seq: &str) -> Result<Vec<Key>, KeyParseError> {
    let mut keys = Vec::new();
    let mut rest = seq;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            keys.push(rest[..=end].parse()?);
            rest = &rest[end + 1..];
            continue;
        }
        keys.push(Key::ch(c));
        rest = &rest[c.len_utf8()..];
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in [
            "a", "<F10>", "<C-l>", "<A-1>", "<Enter>", "<S-Tab>", "<Space>", "<Del>", "<C-A-x>",
            "<S-Up>", "<lt>", "A",
        ] {
            let k: Key = s.parse().unwrap();
            assert_eq!(k.to_string(), s, "{s}");
        }
        assert_eq!("<delete>".parse::<Key>().unwrap().to_string(), "<Del>");
        assert_eq!("<C-L>".parse::<Key>().unwrap(), Key::ctrl('l'));
    }

    #[test]
    fn bad_keys() {
        for s in ["", "<F99>", "<Hyper-x>", "<Foo>", "ab", "<>"] {
            assert!(s.parse::<Key>().is_err(), "{s}");
        }
    }

    #[test]
    fn sequences() {
        let keys = parse_keys("12 m8<Enter><F10>").unwrap();
        assert_eq!(keys.len(), 7);
        assert_eq!(keys[2], Key::ch(' '));
        assert_eq!(keys[5], Key::plain(KeyCode::Enter));
        assert_eq!(keys[6], Key::plain(KeyCode::F(10)));
        assert_eq!(parse_keys("a<b").unwrap().len(), 3);
    }
}
