//! The browser half of "Sign in with Zoom" (RFC 8252): a one-shot listener on 127.0.0.1 takes
//! Zoom's redirect, checks `state`, tells the browser to go back to PMI Desk, and always closes:
//! after the first answer, at the timeout, or when the sign-in is cancelled.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::Query;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};

const CALLBACK_PATH: &str = "/oauth/callback";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("Sign-in was cancelled on Zoom's page (Deny), so PMI Desk is not signed in.")]
    Denied,
    #[error("The answer that came back does not belong to this sign-in (its state did not match), so it was refused. Start the sign-in again.")]
    WrongState,
    #[error(
        "No answer came back from the browser within {0}. Click Sign in with Zoom to try again."
    )]
    TimedOut(Wait),
    #[error("Sign-in was cancelled.")]
    Cancelled,
    #[error("Zoom did not sign you in: {0}")]
    Refused(String),
    #[error("Cannot listen for Zoom's answer on 127.0.0.1: {0}")]
    Listen(String),
}

/// How long a sign-in waited, said as a person would: "5 minutes", "1 minute", "30 seconds".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.0.as_secs();
        let (n, unit) = if secs >= 60 && secs.is_multiple_of(60) {
            (secs / 60, "minute")
        } else {
            (secs, "second")
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// A listener on an ephemeral loopback port, waiting for one redirect.
pub struct LoopbackRedirect {
    listener: TcpListener,
    uri: String,
}

impl LoopbackRedirect {
    /// Binds 127.0.0.1 only, on a port the system picks (Zoom ignores the port of a loopback
    /// redirect).
    pub async fn bind() -> Result<Self, SignInError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| SignInError::Listen(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| SignInError::Listen(e.to_string()))?
            .port();
        Ok(Self {
            listener,
            uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
        })
    }

    /// The `redirect_uri` to send to Zoom.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Waits for the redirect and returns its code. The listener is closed when this returns,
    /// whatever happened.
    pub async fn wait(
        self,
        expected_state: String,
        timeout: Duration,
        mut cancel: watch::Receiver<bool>,
    ) -> Result<String, SignInError> {
        let (answer_tx, mut answer_rx) = mpsc::channel::<Result<String, SignInError>>(1);
        let app = Router::new().route(
            CALLBACK_PATH,
            get(move |Query(params): Query<HashMap<String, String>>| {
                let outcome = outcome(&params, &expected_state);
                let page = page(&outcome);
                // Only the first answer counts; later ones are told so by the closed listener.
                let _ = answer_tx.try_send(outcome);
                async move { Html(page) }
            }),
        );
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let served = axum::serve(self.listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!(%err, "the sign-in listener stopped");
            }
        });
        let result = tokio::select! {
            answer = answer_rx.recv() => answer.unwrap_or(Err(SignInError::Cancelled)),
            () = tokio::time::sleep(timeout) => Err(SignInError::TimedOut(Wait(timeout))),
            () = cancelled(&mut cancel) => Err(SignInError::Cancelled),
        };
        let _ = stop_tx.send(());
        // The page in flight is sent before the listener goes; a stuck browser cannot hold it.
        let abort = server.abort_handle();
        if tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .is_err()
        {
            tracing::warn!("the sign-in listener took too long to close; closing it now");
            abort.abort();
        }
        result
    }
}

/// Resolves when the sign-in is cancelled (never, if its switch is gone without a word).
pub async fn cancelled(switch: &mut watch::Receiver<bool>) {
    if switch.wait_for(|c| *c).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// What a redirect says: the code, or why there is none. `state` is checked first, so a forged
/// answer is refused whatever else it carries.
fn outcome(params: &HashMap<String, String>, expected_state: &str) -> Result<String, SignInError> {
    if params.get("state").map(String::as_str) != Some(expected_state) {
        return Err(SignInError::WrongState);
    }
    if let Some(error) = params.get("error") {
        return Err(if error == "access_denied" {
            SignInError::Denied
        } else {
            let why = params.get("error_description").unwrap_or(error);
            SignInError::Refused(why.clone())
        });
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(code.clone()),
        None => Err(SignInError::Refused("the answer carried no code".into())),
    }
}

fn page(outcome: &Result<String, SignInError>) -> String {
    let (title, detail) = match outcome {
        Ok(_) => (
            "You are signed in to PMI Desk",
            "Return to PMI Desk; you can close this tab.",
        ),
        Err(SignInError::Denied) => (
            "PMI Desk was not signed in",
            "You chose Deny. Return to PMI Desk; you can close this tab.",
        ),
        Err(SignInError::WrongState) => (
            "This sign-in answer was refused",
            "It does not belong to the sign-in PMI Desk started. Return to PMI Desk and sign in again.",
        ),
        Err(_) => (
            "PMI Desk was not signed in",
            "Return to PMI Desk to see why; you can close this tab.",
        ),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}}</style>\
         </head><body><h1>{title}</h1><p>{detail}</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_state_is_checked_before_anything_else() {
        let ok = params(&[("code", "c1"), ("state", "s")]);
        assert_eq!(outcome(&ok, "s"), Ok("c1".into()));
        assert_eq!(outcome(&ok, "other"), Err(SignInError::WrongState));
        let denied = params(&[("error", "access_denied"), ("state", "s")]);
        assert_eq!(outcome(&denied, "s"), Err(SignInError::Denied));
        let forged_denial = params(&[("error", "access_denied")]);
        assert_eq!(outcome(&forged_denial, "s"), Err(SignInError::WrongState));
        let empty = params(&[("state", "s")]);
        assert!(matches!(outcome(&empty, "s"), Err(SignInError::Refused(_))));
    }

    #[test]
    fn the_wait_is_said_in_words() {
        let said = |secs| Wait(Duration::from_secs(secs)).to_string();
        assert_eq!(said(300), "5 minutes");
        assert_eq!(said(60), "1 minute");
        assert_eq!(said(1), "1 second");
        assert_eq!(said(90), "90 seconds");
    }
}
