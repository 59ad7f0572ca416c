//! A one-line text field: typed characters, cursor movement, a hard length limit (a 10,000
//! character paste is cut, not swallowed whole).

use super::keys::{Key, KeyCode};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
    max_chars: usize,
}

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// The field does not use this key.
    Ignored,
    /// The key was a character, but the field is full.
    Full,
}

impl TextField {
    pub fn new(max_chars: usize) -> TextField {
        TextField {
            text: String::new(),
            cursor: 0,
            max_chars,
        }
    }

    pub fn with_text(max_chars: usize, text: &str) -> TextField {
        let mut f = TextField::new(max_chars);
        f.set(text);
        f
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn set(&mut self, text: &str) {
        self.text = text
            .chars()
            .filter(|c| !c.is_control())
            .take(self.max_chars)
            .collect();
        self.cursor = self.text.chars().count();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn byte_index(&self, char_pos: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_pos)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    pub fn insert(&mut self, c: char) -> Edit {
        if c.is_control() {
            return Edit::Ignored;
        }
        if self.text.chars().count() >= self.max_chars {
            return Edit::Full;
        }
        let at = self.byte_index(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        Edit::Changed
    }

    /// Handles editing keys; anything else is `Ignored` so the caller can look it up in the keymap.
    pub fn handle(&mut self, key: &Key) -> Edit {
        if let Some(c) = key.text_char() {
            return self.insert(c);
        }
        if key.alt {
            return Edit::Ignored;
        }
        let len = self.text.chars().count();
        match (key.code, key.ctrl) {
            (KeyCode::Backspace, false) | (KeyCode::Char('h'), true) => {
                if self.cursor == 0 {
                    return Edit::Moved;
                }
                let at = self.byte_index(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                Edit::Changed
            }
            (KeyCode::Delete, false) if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.text.remove(at);
                Edit::Changed
            }
            (KeyCode::Left, false) => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            (KeyCode::Right, false) => {
                self.cursor = (self.cursor + 1).min(len);
                Edit::Moved
            }
            (KeyCode::Home, false) => {
                self.cursor = 0;
                Edit::Moved
            }
            (KeyCode::End, false) => {
                self.cursor = len;
                Edit::Moved
            }
            (KeyCode::Char('u'), true) => {
                if self.text.is_empty() {
                    return Edit::Moved;
                }
                self.clear();
                Edit::Changed
            }
            (KeyCode::Char('w'), true) => {
                let before: Vec<char> = self.text.chars().take(self.cursor).collect();
                let mut start = before.len();
                while start > 0 && before[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && before[start - 1] != ' ' {
                    start -= 1;
                }
                if start == self.cursor {
                    return Edit::Moved;
                }
                let a = self.byte_index(start);
                let b = self.byte_index(self.cursor);
                self.text.replace_range(a..b, "");
                self.cursor = start;
                Edit::Changed
            }
            _ => Edit::Ignored,
        }
    }

    /// The part of the text to show in `width` columns, keeping the cursor visible, and the
    /// cursor's column within it.
    pub fn window(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        let chars: Vec<char> = self.text.chars().collect();
        let start = if self.cursor >= width {
            self.cursor + 1 - width
        } else {
            0
        };
        let shown: String = chars.iter().skip(start).take(width).collect();
        (shown, self.cursor - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::parse_keys;

    fn typed(field: &mut TextField, seq: &str) {
        for k in parse_keys(seq).unwrap() {
            field.handle(&k);
        }
    }

    #[test]
    fn editing() {
        let mut f = TextField::new(50);
        typed(&mut f, "12 bout<Left><Left><Backspace>x<End> m8");
        assert_eq!(f.text(), "12 bxut m8");
        typed(&mut f, "<C-w>");
        assert_eq!(f.text(), "12 bxut ");
        typed(&mut f, "<Home><Del>");
        assert_eq!(f.text(), "2 bxut ");
        typed(&mut f, "<C-u>");
        assert!(f.is_empty());
    }

    #[test]
    fn a_long_paste_is_cut_at_the_limit() {
        let mut f = TextField::new(200);
        for _ in 0..10_000 {
            f.insert('x');
        }
        assert_eq!(f.text().chars().count(), 200);
        assert_eq!(f.insert('y'), Edit::Full);
    }

    #[test]
    fn window_keeps_cursor_visible() {
        let f = TextField::with_text(100, "abcdefghij");
        assert_eq!(f.window(4), ("hij".to_string(), 3));
        assert_eq!(
            TextField::with_text(100, "ab").window(4),
            ("ab".to_string(), 2)
        );
    }

    #[test]
    fn multibyte() {
        let mut f = TextField::new(10);
        typed(&mut f, "café<Left>ü");
        assert_eq!(f.text(), "cafüé");
    }
}
