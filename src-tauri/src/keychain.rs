//! The Zoom refresh token in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through `keyring`. Nothing else stores it: never a file.
//! Every call runs on a blocking thread with a timeout, since a locked keyring can wait on a
//! password prompt forever.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zoom_api::{ExposeSecret, SecretString};

/// The keychain's service name for PMI Desk's entries.
const SERVICE: &str = "app.pmidesk.desktop";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error("the system keychain is not available ({0})")]
    Unavailable(String),
    #[error("the system keychain did not answer within {0} s (is it locked?)")]
    TimedOut(u64),
}

#[derive(Debug, Clone)]
pub struct Keychain {
    timeout: Duration,
}

impl Keychain {
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }

    /// Runs `call` off the async threads, giving up after the timeout. The thread itself may
    /// stay blocked on a prompt; nothing waits for it.
    async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce() -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let task = tokio::task::spawn_blocking(call);
        match tokio::time::timeout(self.timeout, task).await {
            Err(_) => Err(KeychainError::TimedOut(self.timeout.as_secs())),
            Ok(Err(join)) => Err(KeychainError::Unavailable(join.to_string())),
            Ok(Ok(result)) => result.map_err(|e| KeychainError::Unavailable(e.to_string())),
        }
    }

    /// The secret of entry `account`, or `None` when there is none.
    pub async fn load(&self, account: &str) -> Result<Option<SecretString>, KeychainError> {
        let account = account.to_owned();
        self.run(
            move || match keyring::Entry::new(SERVICE, &account)?.get_password() {
                Ok(secret) => Ok(Some(SecretString::from(secret))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(other) => Err(other),
            },
        )
        .await
    }
}

/// One account's refresh-token entry. Writes happen in order under a lock that the blocking
/// thread itself holds, so a write stuck on a prompt (after its caller gave up) cannot land
/// after a newer one; once the entry is closed for sign-out, nothing more is written.
#[derive(Clone)]
pub struct TokenEntry {
    keychain: Keychain,
    account: String,
    state: Arc<EntryState>,
}

#[derive(Default)]
struct EntryState {
    latest: AtomicU64,
    closed: AtomicBool,
    writing: Mutex<()>,
    problem: Mutex<Option<String>>,
}

impl TokenEntry {
    pub fn new(keychain: Keychain, account: String) -> Self {
        Self {
            keychain,
            account,
            state: Arc::default(),
        }
    }

    /// Saves `token`, unless a newer one was saved meanwhile or the entry was closed.
    pub async fn save(&self, token: &SecretString) -> Result<(), KeychainError> {
        let seq = self.state.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let state = self.state.clone();
        let account = self.account.clone();
        let secret = token.expose_secret().to_owned();
        let outcome = self
            .keychain
            .run(move || {
                let _in_order = state.writing.lock().unwrap_or_else(|p| p.into_inner());
                if state.closed.load(Ordering::SeqCst) || state.latest.load(Ordering::SeqCst) != seq
                {
                    return Ok(());
                }
                keyring::Entry::new(SERVICE, &account)?.set_password(&secret)
            })
            .await;
        *self.state.problem.lock().unwrap_or_else(|p| p.into_inner()) =
            outcome.as_ref().err().map(ToString::to_string);
        outcome
    }

    /// Saves a rotated token; a failure is kept for Settings to show, and the session goes on
    /// with the token in memory.
    pub async fn save_rotated(&self, token: SecretString) {
        if let Err(err) = self.save(&token).await {
            tracing::warn!(%err, "cannot save the new Zoom refresh token");
        }
    }

    /// Closes the entry (no write after this) and deletes it, after any write in progress.
    pub async fn close_and_delete(&self) -> Result<(), KeychainError> {
        self.state.closed.store(true, Ordering::SeqCst);
        let state = self.state.clone();
        let account = self.account.clone();
        self.keychain
            .run(move || {
                let _after_writes = state.writing.lock().unwrap_or_else(|p| p.into_inner());
                match keyring::Entry::new(SERVICE, &account)?.delete_credential() {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(other) => Err(other),
                }
            })
            .await
    }

    /// Gives the entry up without waiting: closed at once, and deleted whenever a write stuck
    /// on a prompt ends, so a token that was given up on never stays behind.
    pub fn abandon(&self) {
        self.state.closed.store(true, Ordering::SeqCst);
        let state = self.state.clone();
        let account = self.account.clone();
        tokio::task::spawn_blocking(move || {
            let _after_writes = state.writing.lock().unwrap_or_else(|p| p.into_inner());
            if let Ok(entry) = keyring::Entry::new(SERVICE, &account) {
                let _ = entry.delete_credential();
            }
        });
    }

    /// Why the latest token could not be saved, if it could not.
    pub fn problem(&self) -> Option<String> {
        self.state
            .problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn name(&self) -> &str {
        &self.account
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }
}
