//! The client: one shared `reqwest::Client`, a token held behind a single-flight lock, retries
//! for requests that are safe to repeat, and meeting creation that never creates twice.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pmi_core::{Meeting, MeetingId, MeetingKind, PmiSettings, Profile, Recurrence};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use crate::auth::{api_base_from, token_form, AuthorizationRequest, BasicAuth, Credentials};
use crate::error::{Error, Result};
use crate::json::{self, *};
use crate::retry::{retry_at, RetryPolicy};

/// Where the API and OAuth live, and how patient to be.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Ends in `/v2/`, e.g. `https://api.zoom.us/v2/`.
    pub api_base: Url,
    /// Where `/oauth/...` lives, e.g. `https://zoom.us/`.
    pub oauth_base: Url,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Zoom itself.
    pub fn zoom() -> Result<Self> {
        Self::with_bases("https://api.zoom.us/v2/", "https://zoom.us/")
    }

    /// A local service that serves the API under `/v2` and OAuth under `/oauth` on one origin.
    pub fn local(base: &str) -> Result<Self> {
        let base = base.trim_end_matches('/');
        Self::with_bases(&format!("{base}/v2/"), &format!("{base}/"))
    }

    pub fn with_bases(api_base: &str, oauth_base: &str) -> Result<Self> {
        let parse =
            |s: &str| Url::parse(s).map_err(|e| Error::Config(format!("bad base URL {s}: {e}")));
        Ok(Self {
            api_base: parse(api_base)?,
            oauth_base: parse(oauth_base)?,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        })
    }

    /// The one HTTP client an app shares between every Zoom call.
    pub fn http_client(&self) -> Result<reqwest::Client> {
        install_tls_provider();
        let mut builder = reqwest::Client::builder();
        // A proxy from HTTP_PROXY would see the local service's secret and tokens in clear, and
        // could not reach its loopback address anyway.
        if is_loopback(&self.api_base) && is_loopback(&self.oauth_base) {
            builder = builder.no_proxy();
        }
        // Plain HTTP (the built-in service) needs no root certificates: reading the system's,
        // as the default TLS set-up does on Linux, costs ~20 ms and ~0.7 MB at every launch. With
        // none, an HTTPS URL reached from here (which the local service never sends) fails.
        if self.api_base.scheme() == "http" && self.oauth_base.scheme() == "http" {
            let no_roots = rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
            builder = builder.tls_backend_preconfigured(no_roots);
        }
        builder
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(concat!("PMI-Desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// Makes ring the process's TLS crypto provider, once. Every `reqwest::Client` needs one (reqwest
/// is built with rustls and no provider of its own): `http_client` calls this; call it before
/// building a client any other way.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // A provider the process installed first is kept: any one will do.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Which meetings to list, as Zoom's `type` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Scheduled,
    Upcoming,
    Live,
    Previous,
}

impl ListKind {
    fn as_str(self) -> &'static str {
        match self {
            ListKind::Scheduled => "scheduled",
            ListKind::Upcoming => "upcoming",
            ListKind::Live => "live",
            ListKind::Previous => "previous_meetings",
        }
    }
}

#[derive(Debug, Clone)]
pub struct MeetingPage {
    pub meetings: Vec<Meeting>,
    pub next_page_token: Option<String>,
    pub total_records: Option<u64>,
}

/// A meeting to create.
#[derive(Clone)]
pub struct NewMeeting {
    pub topic: String,
    pub kind: MeetingKind,
    pub start: Option<DateTime<Utc>>,
    pub duration_minutes: Option<u32>,
    pub time_zone: Option<String>,
    pub agenda: Option<String>,
    pub passcode: Option<String>,
    /// Hold it on the PMI (scheduled meetings and recurring ones without a fixed time).
    pub use_pmi: bool,
    pub waiting_room: Option<bool>,
    pub host_video: Option<bool>,
    pub participant_video: Option<bool>,
    pub recurrence: Option<Recurrence>,
}

impl NewMeeting {
    pub fn instant(topic: impl Into<String>) -> Self {
        Self {
            topic: topic.into(),
            kind: MeetingKind::Instant,
            start: None,
            duration_minutes: None,
            time_zone: None,
            agenda: None,
            passcode: None,
            use_pmi: false,
            waiting_room: None,
            host_video: None,
            participant_video: None,
            recurrence: None,
        }
    }

    pub fn scheduled(
        topic: impl Into<String>,
        start: DateTime<Utc>,
        duration_minutes: u32,
    ) -> Self {
        Self {
            kind: MeetingKind::Scheduled,
            start: Some(start),
            duration_minutes: Some(duration_minutes),
            ..Self::instant(topic)
        }
    }

    /// The JSON body of `POST /users/{userId}/meetings`.
    pub fn body(&self) -> CreateMeetingBody {
        CreateMeetingBody {
            topic: self.topic.clone(),
            kind: self.kind.code(),
            start_time: self.start.map(json::time_text),
            duration: self.duration_minutes,
            timezone: self.time_zone.clone(),
            agenda: self.agenda.clone().filter(|a| !a.is_empty()),
            password: self.passcode.clone().filter(|p| !p.is_empty()),
            recurrence: self.recurrence.as_ref().map(RecurrenceBody::from),
            settings: MeetingSettingsBody {
                // Sent every time: when omitted, the account's default would decide.
                use_pmi: (self.kind != MeetingKind::Instant)
                    .then_some(self.use_pmi && self.kind.may_use_pmi()),
                waiting_room: self.waiting_room,
                host_video: self.host_video,
                participant_video: self.participant_video,
                ..MeetingSettingsBody::default()
            },
        }
    }
}

/// Changes to a meeting; `None` leaves a field as it is.
#[derive(Clone, Default)]
pub struct MeetingUpdate {
    pub topic: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub duration_minutes: Option<u32>,
    pub time_zone: Option<String>,
    pub agenda: Option<String>,
    /// `Some("")` removes the passcode.
    pub passcode: Option<String>,
    pub use_pmi: Option<bool>,
    pub waiting_room: Option<bool>,
    pub host_video: Option<bool>,
    pub participant_video: Option<bool>,
    pub join_before_host: Option<bool>,
    /// One of [`pmi_core::JBH_MINUTES`].
    pub jbh_minutes: Option<u8>,
    pub mute_upon_entry: Option<bool>,
    pub audio: Option<pmi_core::AudioType>,
    pub authenticated_only: Option<bool>,
    pub recurrence: Option<Recurrence>,
    /// A new type: `Scheduled` ends a meeting's recurrence, `RecurringFixedTime` starts one.
    pub kind: Option<MeetingKind>,
}

impl From<&pmi_core::ScheduleChanges> for MeetingUpdate {
    /// Only what changed; a recurrence added or removed also changes the meeting's type.
    fn from(c: &pmi_core::ScheduleChanges) -> Self {
        let (kind, recurrence) = match &c.recurrence {
            Some(Some(r)) => (Some(MeetingKind::RecurringFixedTime), Some(r.clone())),
            Some(None) => (Some(MeetingKind::Scheduled), None),
            None => (None, None),
        };
        MeetingUpdate {
            topic: c.topic.clone(),
            start: c.start,
            duration_minutes: c.duration_minutes,
            time_zone: c.time_zone.clone(),
            agenda: None,
            passcode: c.passcode.as_ref().map(|p| p.clone().unwrap_or_default()),
            use_pmi: c.use_pmi,
            waiting_room: c.waiting_room,
            host_video: c.host_video,
            participant_video: c.participant_video,
            recurrence,
            kind,
            ..MeetingUpdate::default()
        }
    }
}

impl MeetingUpdate {
    pub fn body(&self) -> UpdateMeetingBody {
        let settings = MeetingSettingsBody {
            use_pmi: self.use_pmi,
            waiting_room: self.waiting_room,
            host_video: self.host_video,
            participant_video: self.participant_video,
            join_before_host: self.join_before_host,
            jbh_time: self.jbh_minutes,
            mute_upon_entry: self.mute_upon_entry,
            audio: self.audio.map(pmi_core::AudioType::code),
            meeting_authentication: self.authenticated_only,
        };
        let any_setting = settings != MeetingSettingsBody::default();
        UpdateMeetingBody {
            topic: self.topic.clone(),
            kind: self.kind.map(MeetingKind::code),
            start_time: self.start.map(json::time_text),
            duration: self.duration_minutes,
            timezone: self.time_zone.clone(),
            agenda: self.agenda.clone(),
            password: self.passcode.clone(),
            recurrence: self.recurrence.as_ref().map(RecurrenceBody::from),
            settings: any_setting.then_some(settings),
        }
    }
}

/// Changes to the user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub pmi: Option<pmi_core::Pmi>,
    pub use_pmi: Option<bool>,
    pub vanity_name: Option<pmi_core::VanityName>,
    pub time_zone: Option<String>,
}

impl UserUpdate {
    pub fn body(&self) -> UpdateUserBody {
        UpdateUserBody {
            pmi: self.pmi.map(pmi_core::Pmi::get),
            use_pmi: self.use_pmi,
            vanity_name: self.vanity_name.as_ref().map(|v| v.as_str().to_owned()),
            timezone: self.time_zone.clone(),
        }
    }
}

/// Changes to the PMI settings; `None` leaves a setting as it is.
#[derive(Clone, Default)]
pub struct SettingsUpdate {
    pub personal_meeting: Option<bool>,
    pub use_pmi_for_instant_meetings: Option<bool>,
    pub use_pmi_for_scheduled_meetings: Option<bool>,
    pub pmi_passcode: Option<String>,
    pub pmi_passcode_requirement: Option<pmi_core::PmiPasscodeRequirement>,
    pub embed_passcode_in_join_link: Option<bool>,
    pub host_video: Option<bool>,
    pub participants_video: Option<bool>,
    pub join_before_host: Option<bool>,
    pub waiting_room: Option<bool>,
}

impl SettingsUpdate {
    pub fn body(&self) -> UpdateSettingsBody {
        use pmi_core::PmiPasscodeRequirement as R;
        let schedule = ScheduleMeetingBody {
            personal_meeting: self.personal_meeting,
            use_pmi_for_instant_meetings: self.use_pmi_for_instant_meetings,
            use_pmi_for_scheduled_meetings: self.use_pmi_for_scheduled_meetings,
            pmi_password: self.pmi_passcode.clone(),
            require_password_for_pmi_meetings: self.pmi_passcode_requirement.map(|r| {
                match r {
                    R::All => "all",
                    R::JbhOnly => "jbh_only",
                    R::None => "none",
                }
                .to_owned()
            }),
            embed_password_in_join_link: self.embed_passcode_in_join_link,
            host_video: self.host_video,
            participants_video: self.participants_video,
            join_before_host: self.join_before_host,
        };
        let has_schedule = serde_json::to_value(&schedule)
            .map(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            .unwrap_or(false);
        UpdateSettingsBody {
            schedule_meeting: has_schedule.then_some(schedule),
            in_meeting: self.waiting_room.map(|w| InMeetingBody {
                waiting_room: Some(w),
            }),
        }
    }
}

/// Whether a failed attempt may be tried again as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// Reads and idempotent writes: repeat on any transient failure.
    Safe,
    /// Deletion: repeat on any transient failure; "not found" after an attempt that may have
    /// been done (its answer lost) means that attempt did it.
    Delete,
    /// Creation: repeat only when the service surely did nothing; otherwise report `Unconfirmed`.
    Create,
}

/// Why an attempt did not give an answer to use.
enum Transient {
    /// The request never left (connection refused, DNS): nothing happened.
    NotSent(String),
    /// The service answered that it did nothing (429, 503); come back after the delay, if given.
    Declined(String, Option<Duration>),
    /// 503: most likely nothing was done, but that is not proof; come back after the delay.
    Unavailable(String, Option<Duration>),
    /// The request may or may not have been done: timeout, dropped connection, cut answer, 5xx.
    Unknown(String),
    /// The access token was refused (401 / code 124); holds the token generation used.
    TokenRejected(u64),
}

struct AuthState {
    credentials: Credentials,
    access: Option<(SecretString, Instant)>,
    /// Counts tokens fetched, so a refused token is refreshed once, not once per waiter.
    generation: u64,
}

type RefreshTokenObserver = Arc<
    dyn Fn(SecretString) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// A Zoom REST API v2 client for one signed-in user (or account).
pub struct ZoomClient {
    http: reqwest::Client,
    config: ClientConfig,
    api_base: RwLock<Url>,
    auth: Mutex<AuthState>,
    on_refresh_token: Option<RefreshTokenObserver>,
}

impl std::fmt::Debug for ZoomClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoomClient")
            .field("api_base", &self.api_base().as_str())
            .finish_non_exhaustive()
    }
}

impl ZoomClient {
    /// `http` is the app's shared client (see `ClientConfig::http_client`).
    pub fn new(http: reqwest::Client, config: ClientConfig, credentials: Credentials) -> Self {
        Self {
            api_base: RwLock::new(config.api_base.clone()),
            http,
            config,
            auth: Mutex::new(AuthState {
                credentials,
                access: None,
                generation: 0,
            }),
            on_refresh_token: None,
        }
    }

    /// Called with every new refresh token (they rotate), so the app can keep it safe. It is
    /// awaited before the new tokens are used, under the token lock: a token is saved before it
    /// is spent, and saves happen in the order the tokens came.
    pub fn on_refresh_token<F, Fut>(mut self, observer: F) -> Self
    where
        F: Fn(SecretString) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.on_refresh_token = Some(Arc::new(move |token| Box::pin(observer(token))));
        self
    }

    /// Finishes a browser sign-in: checks `state`, exchanges the code with its PKCE verifier, and
    /// returns a client holding the user's tokens.
    pub async fn sign_in_with_code(
        http: reqwest::Client,
        config: ClientConfig,
        request: &AuthorizationRequest,
        code: &str,
        returned_state: &str,
    ) -> Result<Self> {
        let form = request.exchange_form(code, returned_state)?;
        // The client starts without a refresh token; the exchange's answer brings one.
        let client = Self::new(
            http,
            config,
            Credentials::RefreshToken {
                client_id: request.client_id().to_owned(),
                client_secret: None,
                refresh_token: SecretString::from(String::new()),
            },
        );
        let token = client.post_token(&form, None).await?;
        if token.refresh_token.is_none() {
            return Err(Error::InvalidResponse(
                "the code exchange gave no refresh token".into(),
            ));
        }
        {
            let mut auth = client.auth.lock().await;
            client.install_token(&mut auth, token).await;
        }
        Ok(client)
    }

    /// The API base in use (a token's region `api_url` may have moved it).
    pub fn api_base(&self) -> Url {
        self.api_base
            .read()
            .map(|u| u.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The refresh token held now, if signed in with one.
    pub async fn refresh_token(&self) -> Option<SecretString> {
        match &self.auth.lock().await.credentials {
            Credentials::RefreshToken { refresh_token, .. } => Some(refresh_token.clone()),
            Credentials::AccountCredentials { .. } => None,
        }
    }

    // ---- OAuth ----------------------------------------------------------------------------

    async fn post_token(&self, form: &[(&str, String)], basic: BasicAuth) -> Result<TokenJson> {
        let url = self
            .config
            .oauth_base
            .join("oauth/token")
            .map_err(|e| Error::Config(e.to_string()))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.http.post(url.clone()).form(form);
            if let Some((id, secret)) = &basic {
                req = req.basic_auth(id, Some(secret.expose_secret()));
            }
            let response = match req.send().await {
                Ok(r) => r,
                // Only a request that never left is repeated: a refresh may already have rotated.
                Err(e) if e.is_connect() && attempt < self.config.retry.max_attempts => {
                    tokio::time::sleep(self.config.retry.backoff(attempt)).await;
                    continue;
                }
                Err(e) => return Err(Error::Unreachable(redact(&e))),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| Error::Unreachable(redact(&e)))?;
            if status.is_success() {
                return serde_json::from_slice(&bytes)
                    .map_err(|e| Error::InvalidResponse(format!("token answer: {e}")));
            }
            // An outage or a rate limit is not a refused sign-in: the tokens are still good.
            if status == StatusCode::TOO_MANY_REQUESTS {
                return Err(Error::RateLimited {
                    message: "Zoom's sign-in service is busy.".into(),
                    retry_at: retry_at(&headers, Utc::now()),
                    daily: false,
                });
            }
            if status.is_server_error() {
                return Err(Error::Unreachable(format!(
                    "the sign-in service answered HTTP {}",
                    status.as_u16()
                )));
            }
            let err: OAuthErrorJson = serde_json::from_slice(&bytes).unwrap_or(OAuthErrorJson {
                error: format!("http_{}", status.as_u16()),
                reason: None,
                error_description: None,
            });
            let reason = err.reason.or(err.error_description).unwrap_or_default();
            return Err(match err.error.as_str() {
                "invalid_grant" => Error::SignInAgain(reason),
                _ => Error::OAuth {
                    error: err.error,
                    reason,
                },
            });
        }
    }

    /// Signs out: revokes the refresh token and the access token at `/oauth/revoke`, so neither
    /// works again. A public client sends its client ID in the form; a confidential one, Basic.
    pub async fn revoke(&self) -> Result<()> {
        let url = self
            .config
            .oauth_base
            .join("oauth/revoke")
            .map_err(|e| Error::Config(e.to_string()))?;
        let mut auth = self.auth.lock().await;
        let (client_id, secret, refresh) = match &auth.credentials {
            Credentials::RefreshToken {
                client_id,
                client_secret,
                refresh_token,
            } => (
                client_id.clone(),
                client_secret.clone(),
                Some(refresh_token.clone()),
            ),
            Credentials::AccountCredentials {
                client_id,
                client_secret,
                ..
            } => (client_id.clone(), Some(client_secret.clone()), None),
        };
        let access = auth.access.take().map(|(token, _)| token);
        let mut first_error = None;
        for token in refresh.into_iter().chain(access) {
            let mut form = vec![("token", token.expose_secret().to_owned())];
            let mut req = self.http.post(url.clone());
            match &secret {
                Some(secret) => req = req.basic_auth(&client_id, Some(secret.expose_secret())),
                None => form.push(("client_id", client_id.clone())),
            }
            let outcome = match req.form(&form).send().await {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(Error::OAuth {
                    error: format!("http_{}", r.status().as_u16()),
                    reason: "the token could not be revoked".into(),
                }),
                Err(e) => Err(Error::Unreachable(redact(&e))),
            };
            if let Err(err) = outcome {
                first_error.get_or_insert(err);
            }
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    async fn install_token(&self, auth: &mut AuthState, token: TokenJson) {
        // Capped, so a huge `expires_in` cannot overflow the clock.
        let ttl = Duration::from_secs(token.expires_in.unwrap_or(3599).min(24 * 3600));
        auth.access = Some((SecretString::from(token.access_token), Instant::now() + ttl));
        auth.generation += 1;
        if let Some(api) = token.api_url.as_deref().and_then(api_base_from) {
            if let Ok(mut base) = self.api_base.write() {
                *base = api;
            }
        }
        if let (Some(new), Credentials::RefreshToken { refresh_token, .. }) =
            (token.refresh_token, &mut auth.credentials)
        {
            *refresh_token = SecretString::from(new);
            if let Some(observer) = &self.on_refresh_token {
                observer(refresh_token.clone()).await;
            }
        }
    }

    async fn fetch_token(&self, auth: &mut AuthState) -> Result<()> {
        let (form, basic) = token_form(&auth.credentials);
        let token = self.post_token(&form, basic).await?;
        self.install_token(auth, token).await;
        Ok(())
    }

    /// A live access token and its generation; fetches one under the lock, so concurrent callers
    /// wait for a single token request.
    async fn access_token(&self) -> Result<(SecretString, u64)> {
        let mut auth = self.auth.lock().await;
        let fresh = auth
            .access
            .as_ref()
            .is_some_and(|(_, expires)| *expires > Instant::now() + Duration::from_secs(30));
        if !fresh {
            self.fetch_token(&mut auth).await?;
        }
        let token = auth
            .access
            .as_ref()
            .map(|(t, _)| t.clone())
            .ok_or_else(|| Error::SignInAgain("no access token".into()))?;
        Ok((token, auth.generation))
    }

    /// After a refusal of the token of `generation`: refresh once, unless another caller
    /// already did.
    async fn refresh_after_rejection(&self, generation: u64) -> Result<()> {
        let mut auth = self.auth.lock().await;
        if auth.generation == generation {
            auth.access = None;
            self.fetch_token(&mut auth).await?;
        }
        Ok(())
    }

    // ---- requests -------------------------------------------------------------------------

    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<std::result::Result<Value, Transient>> {
        let (token, generation) = self.access_token().await?;
        let url = self
            .api_base()
            .join(path)
            .map_err(|e| Error::Config(format!("bad path {path}: {e}")))?;
        let mut req = self
            .http
            .request(method.clone(), url)
            .bearer_auth(token.expose_secret())
            .query(query);
        if let Some(body) = body {
            req = req.json(body);
        }
        let response = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_connect() => return Ok(Err(Transient::NotSent(redact(&e)))),
            Err(e) => return Ok(Err(Transient::Unknown(redact(&e)))),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Ok(Err(Transient::Unknown(format!(
                    "the answer was cut off: {}",
                    redact(&e)
                ))))
            }
        };
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(Ok(Value::Null));
            }
            return Ok(match serde_json::from_slice(&bytes) {
                Ok(v) => Ok(v),
                Err(e) => Err(Transient::Unknown(format!(
                    "the answer was not complete JSON: {e}"
                ))),
            });
        }
        let error: ZoomErrorJson = serde_json::from_slice(&bytes).unwrap_or(ZoomErrorJson {
            code: i64::from(status.as_u16()),
            message: status.canonical_reason().unwrap_or("error").to_owned(),
            errors: Vec::new(),
        });
        match status {
            StatusCode::UNAUTHORIZED => Ok(Err(Transient::TokenRejected(generation))),
            StatusCode::TOO_MANY_REQUESTS => self.rate_limited(&headers, error),
            StatusCode::SERVICE_UNAVAILABLE => {
                let wait =
                    retry_at(&headers, Utc::now()).and_then(|t| (t - Utc::now()).to_std().ok());
                Ok(Err(Transient::Unavailable(error.message, wait)))
            }
            s if s.is_server_error() => Ok(Err(Transient::Unknown(format!(
                "HTTP {}: {}",
                s.as_u16(),
                error.message
            )))),
            _ => Err(map_error(status, error)),
        }
    }

    /// A 429 is waited out when it lifts soon; a daily cap or a long wait goes to the user.
    fn rate_limited(
        &self,
        headers: &HeaderMap,
        error: ZoomErrorJson,
    ) -> Result<std::result::Result<Value, Transient>> {
        let now = Utc::now();
        let at = retry_at(headers, now);
        let daily = headers
            .get("x-ratelimit-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("Daily-limit"))
            || error.message.contains("daily");
        let wait = at
            .and_then(|t| (t - now).to_std().ok())
            .unwrap_or(Duration::ZERO);
        if daily || wait > self.config.retry.max_retry_after {
            return Err(Error::RateLimited {
                message: error.message,
                retry_at: at,
                daily,
            });
        }
        Ok(Err(Transient::Declined(error.message, at.map(|_| wait))))
    }

    async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Value> {
        let policy = &self.config.retry;
        let mut failures = 0;
        let mut refreshed = false;
        // An attempt before may have been done, its answer lost.
        let mut maybe_done = false;
        loop {
            let attempt = match self.attempt(&method, path, query, body).await {
                Err(Error::NotFound(_)) if repeat == Repeat::Delete && maybe_done => {
                    tracing::info!(path, "deleted by an earlier attempt whose answer was lost");
                    return Ok(Value::Null);
                }
                attempt => attempt?,
            };
            let why = match attempt {
                Ok(value) => return Ok(value),
                Err(Transient::TokenRejected(generation)) => {
                    if refreshed {
                        return Err(Error::SignInAgain(
                            "the service refused a fresh token".into(),
                        ));
                    }
                    refreshed = true;
                    self.refresh_after_rejection(generation).await?;
                    continue;
                }
                Err(Transient::Unknown(why)) if repeat == Repeat::Create => {
                    return Err(Error::Unconfirmed(why));
                }
                Err(Transient::NotSent(why)) => (why, None),
                Err(Transient::Unavailable(why, _)) if repeat == Repeat::Create => {
                    return Err(Error::Unconfirmed(why));
                }
                Err(Transient::Declined(why, wait)) => (why, wait),
                Err(Transient::Unavailable(why, wait)) => {
                    maybe_done = true;
                    (why, wait)
                }
                Err(Transient::Unknown(why)) => {
                    maybe_done = true;
                    (why, None)
                }
            };
            failures += 1;
            if failures >= policy.max_attempts {
                return Err(Error::Unreachable(why.0));
            }
            let delay = why.1.unwrap_or_else(|| policy.backoff(failures));
            tracing::warn!(%method, path, attempt = failures, ?delay, reason = %why.0, "retrying Zoom request");
            tokio::time::sleep(delay).await;
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T> {
        let value = self
            .execute(method, path, query, body, Repeat::Safe)
            .await?;
        serde_json::from_value(value).map_err(|e| Error::InvalidResponse(format!("{path}: {e}")))
    }

    async fn call_no_content(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<()> {
        self.execute(method, path, &[], body, Repeat::Safe)
            .await
            .map(|_| ())
    }

    // ---- endpoints ------------------------------------------------------------------------

    pub async fn me(&self) -> Result<Profile> {
        self.call::<UserJson>(Method::GET, "users/me", &[], None)
            .await?
            .try_into()
    }

    pub async fn update_me(&self, update: &UserUpdate) -> Result<()> {
        self.call_no_content(Method::PATCH, "users/me", Some(&to_value(&update.body())?))
            .await
    }

    /// Whether a personal link name is taken.
    pub async fn vanity_name_exists(&self, name: &pmi_core::VanityName) -> Result<bool> {
        #[derive(serde::Deserialize)]
        struct Existed {
            existed: bool,
        }
        let q = [("vanity_name", name.as_str().to_owned())];
        Ok(self
            .call::<Existed>(Method::GET, "users/vanity_name", &q, None)
            .await?
            .existed)
    }

    pub async fn settings(&self) -> Result<PmiSettings> {
        Ok(self
            .call::<SettingsJson>(Method::GET, "users/me/settings", &[], None)
            .await?
            .into())
    }

    pub async fn update_settings(&self, update: &SettingsUpdate) -> Result<()> {
        self.call_no_content(
            Method::PATCH,
            "users/me/settings",
            Some(&to_value(&update.body())?),
        )
        .await
    }

    /// Creates a meeting, at most once. A request that surely never reached the service (the
    /// connection was refused) or that it declined (429, 503) is sent again; one whose outcome is
    /// unknown (timeout, dropped connection, cut answer, other 5xx) is never sent again: the
    /// meeting it may have made is looked for, and when it is not found the answer is
    /// `Unconfirmed`, for the user to check, rather than a second meeting.
    pub async fn create_meeting(&self, meeting: &NewMeeting) -> Result<Meeting> {
        let body = to_value(&meeting.body())?;
        // Zoom's clock and ours may differ a little.
        let since = Utc::now() - chrono::Duration::minutes(2);
        match self
            .execute(
                Method::POST,
                "users/me/meetings",
                &[],
                Some(&body),
                Repeat::Create,
            )
            .await
        {
            Ok(value) => serde_json::from_value::<MeetingJson>(value)
                .map_err(|e| Error::InvalidResponse(format!("new meeting: {e}")))?
                .try_into(),
            // Instant meetings are never listed, so one cannot be looked for: report.
            Err(Error::Unconfirmed(why)) if meeting.kind == MeetingKind::Instant => {
                Err(Error::Unconfirmed(why))
            }
            Err(Error::Unconfirmed(why)) => {
                // The service may still be at work on it: look a few times, a little apart.
                for look in 1..=self.config.retry.max_attempts {
                    if let Ok(Some(found)) = self.find_created(meeting, since).await {
                        tracing::info!(id = %found.id, "found the meeting an unanswered create made");
                        return Ok(found);
                    }
                    tokio::time::sleep(self.config.retry.backoff(look)).await;
                }
                Err(Error::Unconfirmed(why))
            }
            Err(other) => Err(other),
        }
    }

    /// The newest listed meeting created since `since` that matches what was asked for.
    async fn find_created(
        &self,
        wanted: &NewMeeting,
        since: DateTime<Utc>,
    ) -> Result<Option<Meeting>> {
        let listed = self.list_all_meetings(ListKind::Scheduled).await?;
        let found = listed
            .into_iter()
            .filter(|m| {
                m.topic == wanted.topic
                    && m.kind == wanted.kind
                    && (wanted.start.is_none() || m.start == wanted.start)
                    && (wanted.duration_minutes.is_none()
                        || m.duration_minutes == wanted.duration_minutes)
                    && m.on_pmi == (wanted.use_pmi && wanted.kind.may_use_pmi())
                    && m.created_at.is_some_and(|c| c >= since)
            })
            .max_by_key(|m| m.created_at);
        match found {
            Some(m) => self.meeting(m.id).await.map(Some),
            None => Ok(None),
        }
    }

    pub async fn list_meetings(
        &self,
        kind: ListKind,
        page_size: u32,
        page_token: Option<&str>,
    ) -> Result<MeetingPage> {
        let mut q = vec![
            ("type", kind.as_str().to_owned()),
            ("page_size", page_size.clamp(1, 300).to_string()),
        ];
        if let Some(token) = page_token.filter(|t| !t.is_empty()) {
            q.push(("next_page_token", token.to_owned()));
        }
        let list: MeetingListJson = self
            .call(Method::GET, "users/me/meetings", &q, None)
            .await?;
        let meetings = list
            .meetings
            .into_iter()
            .filter_map(|item| {
                let read = serde_json::from_value::<ListedMeetingJson>(item)
                    .map_err(|e| Error::InvalidResponse(e.to_string()))
                    .and_then(Meeting::try_from);
                match read {
                    Ok(meeting) => Some(meeting),
                    Err(err) => {
                        tracing::warn!(%err, "skipping a listed meeting that cannot be read");
                        None
                    }
                }
            })
            .collect();
        Ok(MeetingPage {
            meetings,
            next_page_token: list.next_page_token.filter(|t| !t.is_empty()),
            total_records: list.total_records,
        })
    }

    /// Every page of a list, 300 at a time; at most `MAX_PAGES` pages, and it stops when the
    /// service hands back a page token it gave before.
    pub async fn list_all_meetings(&self, kind: ListKind) -> Result<Vec<Meeting>> {
        const MAX_PAGES: usize = 100;
        let mut all: Vec<Meeting> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.list_meetings(kind, 300, token.as_deref()).await?;
            // A meeting seen on an earlier page is not listed twice.
            all.extend(page.meetings.into_iter().filter(|m| ids.insert(m.id)));
            match page.next_page_token {
                Some(next) if seen.insert(next.clone()) => token = Some(next),
                Some(_) => {
                    tracing::warn!("the meeting list repeated a page token; stopping there");
                    return Ok(all);
                }
                None => return Ok(all),
            }
        }
        tracing::warn!(MAX_PAGES, "the meeting list has more pages than read");
        Ok(all)
    }

    /// A meeting; for the PMI itself, the personal room (type 4).
    pub async fn meeting(&self, id: MeetingId) -> Result<Meeting> {
        self.call::<MeetingJson>(Method::GET, &format!("meetings/{id}"), &[], None)
            .await?
            .try_into()
    }

    pub async fn update_meeting(&self, id: MeetingId, update: &MeetingUpdate) -> Result<()> {
        self.call_no_content(
            Method::PATCH,
            &format!("meetings/{id}"),
            Some(&to_value(&update.body())?),
        )
        .await
    }

    /// Deletes a meeting; deleted by an attempt whose answer was lost counts as deleted.
    pub async fn delete_meeting(&self, id: MeetingId) -> Result<()> {
        let path = format!("meetings/{id}");
        self.execute(Method::DELETE, &path, &[], None, Repeat::Delete)
            .await
            .map(|_| ())
    }

    /// The invitation text, with the API's `\r\n` turned into `\n`.
    pub async fn invitation(&self, id: MeetingId) -> Result<String> {
        let inv: InvitationJson = self
            .call(Method::GET, &format!("meetings/{id}/invitation"), &[], None)
            .await?;
        Ok(inv.invitation.replace("\r\n", "\n"))
    }

    pub async fn end_meeting(&self, id: MeetingId) -> Result<()> {
        let body = to_value(&StatusBody { action: "end" })?;
        self.call_no_content(Method::PUT, &format!("meetings/{id}/status"), Some(&body))
            .await
    }

    /// Brings back a deleted meeting.
    pub async fn recover_meeting(&self, id: MeetingId) -> Result<()> {
        let body = to_value(&StatusBody { action: "recover" })?;
        self.call_no_content(Method::PUT, &format!("meetings/{id}/status"), Some(&body))
            .await
    }

    /// The account's lock settings (an admin's call). Zoom serves `meeting_security` only with
    /// `option=meeting_security`, so this reads both and joins them.
    pub async fn lock_settings(&self, account_id: &str) -> Result<LockSettings> {
        let path = format!("accounts/{account_id}/lock_settings");
        let mut main: LockSettings = self.call(Method::GET, &path, &[], None).await?;
        let security: LockSettings = self
            .call(
                Method::GET,
                &path,
                &[("option", "meeting_security".to_owned())],
                None,
            )
            .await?;
        main.meeting_security = security.meeting_security;
        Ok(main)
    }

    /// Zoom takes the main sections and `meeting_security` in separate bodies.
    pub async fn update_lock_settings(&self, account_id: &str, locks: &LockSettings) -> Result<()> {
        let path = format!("accounts/{account_id}/lock_settings");
        for part in locks.split() {
            self.call_no_content(Method::PATCH, &path, Some(&to_value(&part)?))
                .await?;
        }
        Ok(())
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

fn to_value<T: Serialize>(body: &T) -> Result<Value> {
    serde_json::to_value(body)
        .map_err(|e| Error::InvalidResponse(format!("cannot encode the request: {e}")))
}

/// A transport error's text without its URL, which may carry query parameters.
fn redact(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), url.path());
    }
    text
}

/// Zoom's `{code, message, errors}` as the variant the app acts on.
fn map_error(status: StatusCode, e: ZoomErrorJson) -> Error {
    match (status.as_u16(), e.code) {
        (_, 300) => Error::InvalidField {
            field: e.errors.first().map(|f| f.field.clone()),
            message: e
                .errors
                .first()
                .map(|f| f.message.clone())
                .unwrap_or(e.message),
            errors: e.errors,
        },
        (_, 3018) => Error::PmiNotDeletable,
        (_, 4700 | 4711) => Error::MissingScopes(e.message),
        (404, _) | (_, 3001 | 1001) => Error::NotFound(e.message),
        _ => Error::Api {
            status: status.as_u16(),
            code: e.code,
            message: e.message,
        },
    }
}

pmi_core::debug_hiding!(NewMeeting, hide [passcode], show [topic, kind, start, duration_minutes, time_zone, agenda, use_pmi, waiting_room, host_video, participant_video, recurrence]);

pmi_core::debug_hiding!(MeetingUpdate, hide [passcode], show [topic, start, duration_minutes, time_zone, agenda, use_pmi, waiting_room, host_video, participant_video, join_before_host, jbh_minutes, mute_upon_entry, audio, authenticated_only, recurrence, kind]);

pmi_core::debug_hiding!(SettingsUpdate, hide [pmi_passcode], show [personal_meeting, use_pmi_for_instant_meetings, use_pmi_for_scheduled_meetings, pmi_passcode_requirement, embed_passcode_in_join_link, host_video, participants_video, join_before_host, waiting_room]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_build_for_zoom_and_for_the_local_service() {
        // reqwest brings no TLS provider of its own: with none installed, building panics.
        ClientConfig::zoom().unwrap().http_client().unwrap();
        ClientConfig::local("http://127.0.0.1:1")
            .unwrap()
            .http_client()
            .unwrap();
    }

    #[test]
    fn an_edit_of_the_topic_sends_the_topic_alone() {
        let changes = pmi_core::ScheduleChanges {
            topic: Some("Renamed".into()),
            ..pmi_core::ScheduleChanges::default()
        };
        let body = serde_json::to_value(MeetingUpdate::from(&changes).body()).unwrap();
        assert_eq!(body, serde_json::json!({"topic": "Renamed"}));
        // Recurrence off: the type changes to a one-off; the passcode off: an empty one.
        let off = pmi_core::ScheduleChanges {
            recurrence: Some(None),
            passcode: Some(None),
            ..pmi_core::ScheduleChanges::default()
        };
        let body = serde_json::to_value(MeetingUpdate::from(&off).body()).unwrap();
        assert_eq!(body, serde_json::json!({"type": 2, "password": ""}));
    }
}
