//! The one `Action` enum keys map to, with what each action is called and whether the footer
//! shows it, and the keymap built from the `[keys]` table of the config.

use super::keys::Key;
use serde::Deserialize;
use std::collections::HashMap;

macro_rules! actions {
    ($( $variant:ident, $field:ident, $desc:literal, $label:literal, $footer:literal; )*) => {
        /// Everything a key can do. Typed text goes to the focused field; everything else is one
        /// of these, found through the keymap.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The name in the `[keys]` table.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => stringify!($field)),* }
            }

            /// One line for the F1 help.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc),* }
            }

            /// The word in the footer.
            pub fn label(self) -> &'static str {
                match self { $(Action::$variant => $label),* }
            }

            /// Whether the footer shows this action (when it applies to the focused pane).
            pub fn in_footer(self) -> bool {
                match self { $(Action::$variant => $footer),* }
            }
        }

        /// The `[keys]` table: for each action, the keys that trigger it.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct KeysConfig {
            $( #[serde(default)] pub $field: Option<Vec<Key>>, )*
        }

        impl KeysConfig {
            /// Takes every action `over` names from `over`, the rest from `self`.
            pub fn merged(&self, over: &KeysConfig) -> KeysConfig {
                KeysConfig {
                    $( $field: over.$field.clone().or_else(|| self.$field.clone()), )*
                }
            }

            pub fn keys_of(&self, action: Action) -> &[Key] {
                let keys = match action { $(Action::$variant => &self.$field),* };
                keys.as_deref().unwrap_or(&[])
            }
        }
    };
}

actions! {
    Help, help, "show the keys for this pane", "help", true;
    NewCall, new_call, "new call: search a customer (the order on screen is kept as a draft)", "new call", true;
    StockCheck, stock_check, "stock check for the current line or any product", "stock", true;
    OrderLines, order_lines, "go to the order lines", "lines", true;
    Alternatives, alternatives, "alternatives for the current line (substitutes, other depot, incoming)", "altern.", true;
    CrossSell, cross_sell, "go to the cross-sell suggestions", "x-sell", false;
    Park, park, "park the order (caller on hold) and take a new call", "park", true;
    Commit, commit, "commit the order, reserve stock and print the slip", "commit", true;
    Queue, queue, "the task queue: calls, callbacks, questions, rush and parked orders (Enter takes one)", "queue", true;
    FinishTask, finish_task, "mark the task you are on (or the one selected in the queue) done", "done", false;
    NewCustomer, new_customer, "new customer: a caller nobody knows (name, address, contact, phone)", "new cust.", false;
    ReleaseTask, release_task, "give the task you are on (or the selected one) back to the queue", "give back", false;
    Quit, quit, "quit (drafts are kept)", "quit", true;
    Back, back, "back, or cancel the popup", "back", false;
    NextPane, next_pane, "next pane", "next", false;
    PrevPane, prev_pane, "previous pane", "prev", false;
    Up, up, "move up", "up", false;
    Down, down, "move down", "down", false;
    PageUp, page_up, "page up", "pg up", false;
    PageDown, page_down, "page down", "pg down", false;
    Confirm, confirm, "select, accept or confirm", "select", false;
    EditQuantity, edit_quantity, "change the quantity of the selected line", "qty", true;
    EditPrice, edit_price, "change the price of the selected line (within the band)", "price", true;
    DeleteLine, delete_line, "delete the selected line", "delete", true;
    Reprint, reprint, "reprint the slip of the selected order on the customer card (else the last committed)", "reprint", false;
    Accept, accept, "accept the top (or selected) cross-sell suggestion", "accept", false;
    Dismiss, dismiss, "dismiss the top (or selected) cross-sell suggestion for this order", "dismiss", false;
    Lock, lock, "lock the screen at once (the order is parked); the next clerk signs in", "lock", false;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("[keys] {action} has no key; give it at least one, e.g. {action} = [\"<F9>\"]")]
    Unbound { action: &'static str },
    #[error("[keys] {key} is bound to both {first} and {second}")]
    Conflict {
        key: String,
        first: &'static str,
        second: &'static str,
    },
}

/// Key → action, and action → keys (for footer and help).
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    config: KeysConfig,
}

impl Keymap {
    pub fn new(config: KeysConfig) -> Result<Keymap, KeymapError> {
        let mut by_key = HashMap::new();
        for &action in Action::ALL {
            let keys = config.keys_of(action);
            if keys.is_empty() {
                return Err(KeymapError::Unbound {
                    action: action.name(),
                });
            }
            for key in keys {
                if let Some(prev) = by_key.insert(*key, action)
                    && prev != action
                {
                    return Err(KeymapError::Conflict {
                        key: key.to_string(),
                        first: prev.name(),
                        second: action.name(),
                    });
                }
            }
        }
        Ok(Keymap { by_key, config })
    }

    pub fn action(&self, key: &Key) -> Option<Action> {
        self.by_key.get(key).copied()
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.config.keys_of(action)
    }

    /// The first key of an action, as the footer shows it (`F10`, not `<F10>`).
    pub fn first_key_label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map(|k| {
                k.to_string()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
            .unwrap_or_default()
    }
}
