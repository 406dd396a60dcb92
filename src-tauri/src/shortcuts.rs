//! Global shortcuts (Settings): start my personal room, copy my personal link, open PMI Desk.
//! Off by default. Each is checked when saved — a key Zoom's names can read, with a modifier, not
//! given twice — and then registered; one another program holds is refused with its name.
//!
//! The plugin that registers them is added the first time a shortcut is set, not at launch: with
//! none set (the default) nothing of it runs. On X11 it keeps a thread that wakes 20 times a
//! second to poll the X server (measured: 201 wakeups in 10 s idle); once added, it stays until
//! PMI Desk quits, even if the shortcuts are cleared (Tauri does not take a plugin out).

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Modifiers, Shortcut};
use ts_rs::TS;

use crate::error::Error;
use crate::tray::TrayAction;

/// The shortcuts as typed in Settings ("Ctrl+Alt+P"); empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ShortcutKeys {
    pub start_room: String,
    pub copy_personal_link: String,
    pub open_app: String,
}

impl ShortcutKeys {
    fn each(&self) -> [(&'static str, TrayAction, &str); 3] {
        [
            (
                "shortcut_start_room",
                TrayAction::StartRoom,
                &self.start_room,
            ),
            (
                "shortcut_copy_personal_link",
                TrayAction::CopyPersonalLink,
                &self.copy_personal_link,
            ),
            ("shortcut_open_app", TrayAction::Open, &self.open_app),
        ]
    }

    /// The shortcuts set, each with its action and the Settings field it came from; the first
    /// problem found, at its field.
    pub fn check(&self) -> Result<Vec<(&'static str, TrayAction, Shortcut)>, Error> {
        let mut set: Vec<(&'static str, TrayAction, Shortcut)> = Vec::new();
        for (field, action, typed) in self.each() {
            let typed = typed.trim();
            if typed.is_empty() {
                continue;
            }
            let shortcut = Shortcut::from_str(typed).map_err(|_| {
                problem(
                    field,
                    format!("“{typed}” is not a shortcut: name the keys, like Ctrl+Alt+P."),
                )
            })?;
            let modifiers = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER;
            if !shortcut.mods.intersects(modifiers) {
                return Err(problem(
                    field,
                    format!("Add Ctrl, Alt or Super to “{typed}”: without one, every program would lose that key."),
                ));
            }
            if let Some((_, other, _)) = set.iter().find(|(_, _, s)| s.id() == shortcut.id()) {
                return Err(problem(
                    field,
                    format!("“{typed}” is already the shortcut for {}.", other.label()),
                ));
            }
            set.push((field, action, shortcut));
        }
        Ok(set)
    }

    /// The action a pressed shortcut stands for.
    pub fn action_of(&self, pressed: &Shortcut) -> Option<TrayAction> {
        self.check()
            .ok()?
            .into_iter()
            .find(|(_, _, s)| s.id() == pressed.id())
            .map(|(_, action, _)| action)
    }
}

fn problem(field: &str, message: String) -> Error {
    Error::InvalidFields(vec![pmi_core::FieldProblem {
        field: field.into(),
        message,
    }])
}

/// Marks an app whose global shortcuts run: the app itself, not the tests' mock app.
#[cfg_attr(test, allow(dead_code))]
pub struct Runnable;

/// Registers `keys` in place of the shortcuts registered before, adding the plugin the first
/// time there is one to register. Where global shortcuts do not run (the tests' mock app), only
/// the check is made.
pub fn apply<R: Runtime>(app: &AppHandle<R>, keys: &ShortcutKeys) -> Result<(), Error> {
    let set = keys.check()?;
    if !added(app) {
        if set.is_empty() || app.try_state::<Runnable>().is_none() {
            return Ok(());
        }
        // Said at the first shortcut set, where the user set it.
        let field = set
            .first()
            .map_or("shortcut_start_room", |(field, _, _)| field);
        add(app).map_err(|e| problem(field, e))?;
    }
    let shortcuts = app.global_shortcut();
    shortcuts
        .unregister_all()
        .map_err(|e| problem("shortcut_start_room", e.to_string()))?;
    // Each on its own: one held by another program leaves the others working.
    let mut refused = Vec::new();
    for (field, _, shortcut) in set {
        if let Err(err) = shortcuts.register(shortcut) {
            tracing::warn!(%err, %shortcut, "cannot register a shortcut");
            refused.push(pmi_core::FieldProblem {
                field: field.into(),
                message: format!(
                    "Another program already uses {}: choose other keys.",
                    shown(&shortcut)
                ),
            });
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidFields(refused))
    }
}

fn added<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<tauri_plugin_global_shortcut::GlobalShortcut<R>>()
        .is_some()
}

/// Adds the plugin on the main thread (on Windows the system's hotkeys come to a window made
/// there) and waits for it, as the plugin's own `register` then does: called there (the
/// desktop's start), Tauri runs it at once; from elsewhere (Settings saved), it waits for the
/// main thread's turn.
fn add<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = app.clone();
    app.run_on_main_thread(move || {
        let done = if added(&handle) {
            Ok(())
        } else {
            let added = handle.plugin(plugin()).map_err(|e| e.to_string());
            if added.is_ok() {
                tracing::info!("the global shortcuts' plugin is added");
            }
            added
        };
        let _ = tx.send(done);
    })
    .map_err(|e| e.to_string())?;
    rx.recv()
        .map_err(|_| "the global shortcuts did not start: try again".to_owned())?
}

/// "Ctrl+Alt+P", as people write it.
fn shown(shortcut: &Shortcut) -> String {
    let mut parts = Vec::new();
    for (m, name) in [
        (Modifiers::CONTROL, "Ctrl"),
        (Modifiers::ALT, "Alt"),
        (Modifiers::SHIFT, "Shift"),
        (Modifiers::SUPER, "Super"),
    ] {
        if shortcut.mods.contains(m) {
            parts.push(name.to_owned());
        }
    }
    let key = shortcut.key.to_string();
    parts.push(
        key.strip_prefix("Key")
            .or_else(|| key.strip_prefix("Digit"))
            .unwrap_or(&key)
            .to_owned(),
    );
    parts.join("+")
}

/// The plugin, with one handler for every shortcut: it runs the tray's action.
fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, shortcut, event| {
            if event.state() != tauri_plugin_global_shortcut::ShortcutState::Pressed {
                return;
            }
            let keys = app.state::<crate::Desk>().preferences().shortcuts;
            if let Some(action) = keys.action_of(shortcut) {
                tracing::info!(?action, "global shortcut");
                crate::tray::run(app, action);
            }
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(start: &str, copy: &str, open: &str) -> ShortcutKeys {
        ShortcutKeys {
            start_room: start.into(),
            copy_personal_link: copy.into(),
            open_app: open.into(),
        }
    }

    fn refused(k: ShortcutKeys) -> (String, String) {
        match k.check() {
            Err(Error::InvalidFields(f)) => (f[0].field.clone(), f[0].message.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shortcuts_are_off_by_default_and_read_as_people_write_them() {
        assert!(ShortcutKeys::default().check().unwrap().is_empty());
        let set = keys("Ctrl+Alt+P", "ctrl+alt+l", "Super+Shift+1")
            .check()
            .unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(shown(&set[0].2), "Ctrl+Alt+P");
        assert_eq!(shown(&set[2].2), "Shift+Super+1");
        let pressed = Shortcut::from_str("control+alt+KeyL").unwrap();
        assert_eq!(
            keys("Ctrl+Alt+P", "ctrl+alt+l", "").action_of(&pressed),
            Some(TrayAction::CopyPersonalLink)
        );
    }

    #[test]
    fn a_bad_a_bare_or_a_repeated_shortcut_is_refused_at_its_field() {
        let (field, said) = refused(keys("Ctrl+Alt+", "", ""));
        assert_eq!(field, "shortcut_start_room");
        assert!(said.contains("not a shortcut"), "{said}");
        let (field, said) = refused(keys("", "Shift+P", ""));
        assert_eq!(field, "shortcut_copy_personal_link");
        assert!(said.contains("Add Ctrl, Alt or Super"), "{said}");
        let (field, said) = refused(keys("Ctrl+Alt+P", "", "ctrl+alt+p"));
        assert_eq!(field, "shortcut_open_app");
        assert!(
            said.contains("already the shortcut for Start my personal room"),
            "{said}"
        );
    }
}
