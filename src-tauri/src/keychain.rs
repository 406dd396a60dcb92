//! The Zoom refresh token in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through `keyring`. Nothing else stores it: never a file.
//! Every call runs on a blocking thread with a timeout, since a locked keyring can wait on a
//! password prompt forever.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use zoom_api::{ExposeSecret, SecretString};

/// The keychain's service name for PMI Desk's entries.
const SERVICE: &str = "app.pmidesk.desktop";

#[derive(Debug, Clone, thiserror::Error)]
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

    /// Runs one keychain call off the async threads, giving up after the timeout (the thread
    /// itself may stay blocked on a prompt; nothing waits for it).
    async fn run<T: Send + 'static>(
        &self,
        account: &str,
        call: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let account = account.to_owned();
        let task = tokio::task::spawn_blocking(move || {
            keyring::Entry::new(SERVICE, &account).and_then(call)
        });
        match tokio::time::timeout(self.timeout, task).await {
            Err(_) => Err(KeychainError::TimedOut(self.timeout.as_secs())),
            Ok(Err(join)) => Err(KeychainError::Unavailable(join.to_string())),
            Ok(Ok(result)) => result.map_err(|e| KeychainError::Unavailable(e.to_string())),
        }
    }

    pub async fn save(&self, account: &str, secret: &SecretString) -> Result<(), KeychainError> {
        let secret = secret.expose_secret().to_owned();
        self.run(account, move |entry| entry.set_password(&secret))
            .await
    }

    /// The secret, or `None` when there is no entry.
    pub async fn load(&self, account: &str) -> Result<Option<SecretString>, KeychainError> {
        self.run(account, |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(SecretString::from(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(other),
        })
        .await
    }

    /// Deletes the entry; a missing one is not an error.
    pub async fn delete(&self, account: &str) -> Result<(), KeychainError> {
        self.run(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(other) => Err(other),
        })
        .await
    }
}

/// Saves every rotated refresh token as it arrives, in order: a newer token is never
/// overwritten by an older one that was slower to reach the keychain.
#[derive(Clone)]
pub struct TokenSaver {
    keychain: Keychain,
    account: String,
    latest: Arc<AtomicU64>,
    writing: Arc<tokio::sync::Mutex<()>>,
    problem: Arc<std::sync::Mutex<Option<String>>>,
}

impl TokenSaver {
    pub fn new(keychain: Keychain, account: String) -> Self {
        Self {
            keychain,
            account,
            latest: Arc::default(),
            writing: Arc::default(),
            problem: Arc::default(),
        }
    }

    /// Queues `token` to be saved; called from inside the client's token refresh.
    pub fn save(&self, token: &SecretString) {
        let seq = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let token = token.clone();
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            let _one_at_a_time = this.writing.lock().await;
            if this.latest.load(Ordering::SeqCst) != seq {
                return; // a newer token is on its way
            }
            let outcome = this.keychain.save(&this.account, &token).await;
            let mut problem = this.problem.lock().unwrap_or_else(|p| p.into_inner());
            match outcome {
                Ok(()) => *problem = None,
                Err(err) => {
                    tracing::warn!(%err, "cannot save the new Zoom refresh token");
                    *problem = Some(err.to_string());
                }
            }
        });
    }

    /// Why the latest token could not be saved, if it could not.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
