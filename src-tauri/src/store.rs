//! Small JSON files in the app's data folder: the preferences, and the last known personal room
//! so that Start and Copy answer at once and still work when the service cannot be reached.
//! Writes go to a temporary file that is renamed over the old one, so a crash never leaves half
//! a file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::views::{PersonalRoomView, PmiChoice, Preferences};

/// One JSON document on disk with its value in memory.
pub struct JsonFile<T> {
    path: PathBuf,
    value: Mutex<T>,
}

impl<T: Serialize + DeserializeOwned + Clone + Default> JsonFile<T> {
    /// Reads the file; a missing or unreadable one starts from the default (and says so).
    pub fn open(path: PathBuf) -> Self {
        let value = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!(path = %path.display(), %err, "ignoring an unreadable file");
                T::default()
            }),
            Err(_) => T::default(),
        };
        Self {
            path,
            value: Mutex::new(value),
        }
    }

    pub fn get(&self) -> T {
        self.value.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Changes the value and saves it.
    pub fn update(&self, change: impl FnOnce(&mut T)) -> std::io::Result<T> {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut value);
        write_atomically(&self.path, &serde_json::to_vec_pretty(&*value)?)?;
        Ok(value.clone())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// What the tray needs without a network round trip.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cached {
    pub room: Option<PersonalRoomView>,
    /// Where starting the personal room goes in a browser.
    pub room_start_url: Option<String>,
    /// When the room (and its start link) was last read from the service.
    pub room_read_at: Option<chrono::DateTime<chrono::Utc>>,
    pub instant_pmi: Option<PmiChoice>,
}

pub type PreferencesFile = JsonFile<Preferences>;
pub type CacheFile = JsonFile<Cached>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_a_reopen_and_a_broken_file_falls_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prefs.json");
        let prefs = PreferencesFile::open(path.clone());
        prefs.update(|p| p.back_to_back_minutes = 30).unwrap();
        assert_eq!(
            PreferencesFile::open(path.clone())
                .get()
                .back_to_back_minutes,
            30
        );
        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(PreferencesFile::open(path).get(), Preferences::default());
    }
}
