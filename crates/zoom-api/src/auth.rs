//! OAuth: account credentials (an admin's tool), authorization code with PKCE (S256) and `state`
//! for a desktop app, and rotating refresh tokens. Secrets stay in `SecretString`, which never
//! prints.

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};

/// What the client signs in with.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Server-to-Server OAuth: `grant_type=account_credentials` with Basic client auth.
    AccountCredentials {
        account_id: String,
        client_id: String,
        client_secret: SecretString,
    },
    /// A user's refresh token from an earlier sign-in; it rotates on every use.
    RefreshToken {
        client_id: String,
        /// `None` for a public client (PKCE), which sends only its client ID.
        client_secret: Option<SecretString>,
        refresh_token: SecretString,
    },
}

impl Credentials {
    pub fn client_id(&self) -> &str {
        match self {
            Credentials::AccountCredentials { client_id, .. }
            | Credentials::RefreshToken { client_id, .. } => client_id,
        }
    }
}

/// One sign-in attempt in the browser: the authorize URL to open, and what the code exchange
/// needs later (the PKCE verifier and the `state` to check).
pub struct AuthorizationRequest {
    url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect_uri: String,
    client_id: String,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("redirect_uri", &self.redirect_uri)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl AuthorizationRequest {
    /// `redirect_uri` is the app's loopback listener, e.g. `http://127.0.0.1:53682/callback`.
    pub fn new(
        oauth_base: &Url,
        client_id: &str,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<Self> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let mut url = oauth_base
            .join("oauth/authorize")
            .map_err(|e| Error::Config(format!("bad OAuth base URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", challenge.method().as_str())
            .append_pair("state", state.secret());
        if !scopes.is_empty() {
            url.query_pairs_mut()
                .append_pair("scope", &scopes.join(" "));
        }
        Ok(Self {
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.to_owned(),
            client_id: client_id.to_owned(),
        })
    }

    /// The page to open in the browser.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The form fields of the code exchange, once the callback's `state` has been checked.
    pub(crate) fn exchange_form(&self, code: &str, returned_state: &str) -> Result<TokenForm> {
        if returned_state != self.state.secret() {
            return Err(Error::StateMismatch);
        }
        Ok(vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("code_verifier", self.verifier.secret().clone()),
            ("client_id", self.client_id.clone()),
        ])
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The `state` sent, which the redirect must bring back unchanged.
    pub fn state(&self) -> &str {
        self.state.secret()
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

/// A token request's form fields.
pub(crate) type TokenForm = Vec<(&'static str, String)>;
/// `client_id` and `client_secret` for HTTP Basic client authentication.
pub(crate) type BasicAuth = Option<(String, SecretString)>;

/// The form and Basic credentials of a token request for `credentials`.
pub(crate) fn token_form(credentials: &Credentials) -> (TokenForm, BasicAuth) {
    match credentials {
        Credentials::AccountCredentials {
            account_id,
            client_id,
            client_secret,
        } => (
            vec![
                ("grant_type", "account_credentials".to_owned()),
                ("account_id", account_id.clone()),
            ],
            Some((client_id.clone(), client_secret.clone())),
        ),
        Credentials::RefreshToken {
            client_id,
            client_secret,
            refresh_token,
        } => {
            let mut form = vec![
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", refresh_token.expose_secret().to_owned()),
            ];
            let basic = match client_secret {
                Some(secret) => Some((client_id.clone(), secret.clone())),
                None => {
                    form.push(("client_id", client_id.clone()));
                    None
                }
            };
            (form, basic)
        }
    }
}

/// Accepts a region `api_url` from a token response only over https, or plain http on loopback
/// (the local service), so a token answer cannot send API calls somewhere unsafe.
pub(crate) fn api_base_from(api_url: &str) -> Option<Url> {
    let url = Url::parse(api_url).ok()?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return None;
    }
    let mut text = url.as_str().trim_end_matches('/').to_owned();
    if !text.ends_with("/v2") {
        text.push_str("/v2");
    }
    text.push('/');
    Url::parse(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_pkce_and_state_and_debug_hides_them() {
        let base = Url::parse("https://zoom.us/").unwrap();
        let req = AuthorizationRequest::new(
            &base,
            "cid",
            "http://127.0.0.1:5000/cb",
            &["meeting:read:meeting"],
        )
        .unwrap();
        let pairs: std::collections::HashMap<_, _> = req.url().query_pairs().into_owned().collect();
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["code_challenge"].len(), 43);
        assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:5000/cb");
        assert!(!pairs["state"].is_empty());
        let debug = format!("{req:?}");
        assert!(!debug.contains(&pairs["state"]) && !debug.contains(&pairs["code_challenge"]));
        assert!(matches!(
            req.exchange_form("code", "forged"),
            Err(Error::StateMismatch)
        ));
        let form = req.exchange_form("code", &pairs["state"]).unwrap();
        assert!(form
            .iter()
            .any(|(k, v)| *k == "code_verifier" && v.len() >= 43));
    }

    #[test]
    fn region_api_url_must_be_https_or_loopback() {
        assert_eq!(
            api_base_from("https://api-eu.zoom.us").unwrap().as_str(),
            "https://api-eu.zoom.us/v2/"
        );
        assert_eq!(
            api_base_from("http://127.0.0.1:9000/").unwrap().as_str(),
            "http://127.0.0.1:9000/v2/"
        );
        assert!(api_base_from("http://evil.example.com").is_none());
        assert!(api_base_from("not a url").is_none());
    }

    #[test]
    fn credentials_never_print_their_secrets() {
        let creds = Credentials::RefreshToken {
            client_id: "cid".into(),
            client_secret: Some(SecretString::from("hunter2")),
            refresh_token: SecretString::from("rt-secret"),
        };
        let debug = format!("{creds:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("rt-secret"),
            "{debug}"
        );
    }
}
