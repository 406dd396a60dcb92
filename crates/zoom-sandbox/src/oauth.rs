//! OAuth under `/oauth`: account credentials (Basic auth), authorization code with PKCE (S256)
//! behind a consent page, a public client (`--public-client-id`, no secret), rotating refresh
//! tokens, revocation; and the bearer check for `/v2`. The app's embedded account serves only
//! account credentials to its own confidential client.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use base64::Engine;
use chrono::Utc;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::ApiError;
use crate::store::{CodeRow, Role, TokenKind};
use crate::AppState;

const SCOPES: &str = "user:read:user user:update:user user:read:settings user:update:settings \
meeting:read:list_meetings meeting:read:list_upcoming_meetings meeting:read:meeting \
meeting:write:meeting meeting:update:meeting meeting:delete:meeting meeting:read:invitation \
meeting:update:status user:read:zak user:read:pm_room";

pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_secret(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// An OAuth error as Zoom's token endpoint answers it.
fn oauth_error(status: StatusCode, error: &str, reason: &str) -> Response {
    (status, Json(json!({ "error": error, "reason": reason }))).into_response()
}

/// `client_id:client_secret` from a Basic `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn issue_tokens(
    state: &AppState,
    role: Role,
    client_id: &str,
    with_refresh: bool,
) -> Result<Response, ApiError> {
    let access = random_secret("sbx_at_");
    let ttl = state.config.token_ttl_secs;
    let now = Utc::now().timestamp();
    state.store.purge_expired(now)?;
    state.store.insert_token(
        &hash_secret(&access),
        TokenKind::Access,
        role,
        client_id,
        now + ttl,
    )?;
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ttl,
        "scope": SCOPES,
        "api_url": state.base_url,
    });
    if with_refresh {
        let refresh = random_secret("sbx_rt_");
        // Zoom's refresh tokens last 90 days.
        state.store.insert_token(
            &hash_secret(&refresh),
            TokenKind::Refresh,
            role,
            client_id,
            now + 90 * 24 * 3600,
        )?;
        body["refresh_token"] = refresh.into();
    }
    Ok(Json(body).into_response())
}

/// Which registered client a token request authenticated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    /// The account's app with its secret (Basic, or `client_secret` in the parameters).
    Confidential,
    /// The public client (`--public-client-id`): its ID alone, with PKCE on the code.
    Public,
}

/// Compares two secrets without leaking through timing how much of them matched.
fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The client a request authenticates as, if any: Basic credentials, or `client_id` (with
/// `client_secret` for the confidential client) among the parameters.
fn authenticate(
    config: &crate::Config,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Option<Client> {
    let (id, secret) = match basic_credentials(headers) {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            params.get("client_id")?.clone(),
            params.get("client_secret").cloned(),
        ),
    };
    match secret {
        Some(secret) if id == config.client_id && same_secret(&secret, &config.client_secret) => {
            Some(Client::Confidential)
        }
        None if config.public_client_id.as_deref() == Some(id.as_str()) => Some(Client::Public),
        _ => None,
    }
}

fn client_id_of(config: &crate::Config, client: Client) -> String {
    match client {
        Client::Confidential => config.client_id.clone(),
        Client::Public => config.public_client_id.clone().unwrap_or_default(),
    }
}

/// A token request's parameters: from the query string (as widely used Zoom clients send
/// them, with no body) and from a form-encoded body, which wins where both name one.
fn token_params(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, &'static str> {
    let mut params: HashMap<String, String> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    if !body.is_empty() {
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err("Send the parameters form-encoded (application/x-www-form-urlencoded) or in the query string.");
        }
        params.extend(url::form_urlencoded::parse(body).into_owned());
    }
    Ok(params)
}

pub async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let params = match token_params(&headers, query.as_deref(), &body) {
        Ok(params) => params,
        Err(why) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", why),
    };
    match token_inner(&state, &headers, &params) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

fn invalid_client() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Invalid client_id or client_secret",
    )
}

fn invalid_grant(reason: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", reason)
}

fn token_inner(
    state: &AppState,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let config = &state.config;
    let client = authenticate(config, headers, params);
    let grant = params.get("grant_type").map(String::as_str).unwrap_or("");
    match grant {
        "account_credentials" => {
            if client != Some(Client::Confidential) {
                return Ok(invalid_client());
            }
            if params.get("account_id") != Some(&config.account_id) {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Invalid account_id",
                ));
            }
            issue_tokens(state, Role::Admin, &config.client_id, false)
        }
        // The embedded account serves no user sign-in at all.
        "authorization_code" if config.authorize.is_some() => {
            let Some(client) = client else {
                return Ok(invalid_client());
            };
            let code = params.get("code").map(String::as_str).unwrap_or("");
            let Some(row) = state.store.take_code(&hash_secret(code))? else {
                return Ok(invalid_grant("Invalid authorization code"));
            };
            if row.expires_at < Utc::now().timestamp() {
                return Ok(invalid_grant("The authorization code has expired"));
            }
            if row.client_id != client_id_of(config, client) {
                return Ok(invalid_grant("The code was issued to another client"));
            }
            if params.get("redirect_uri") != Some(&row.redirect_uri) {
                return Ok(invalid_grant("Redirect URI mismatch"));
            }
            let verifier = params
                .get("code_verifier")
                .map(String::as_str)
                .unwrap_or("");
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || challenge != row.code_challenge {
                return Ok(invalid_grant("Invalid code_verifier"));
            }
            issue_tokens(state, Role::User, &row.client_id, true)
        }
        "refresh_token" => {
            let Some(client) = client else {
                return Ok(invalid_client());
            };
            let client_id = client_id_of(config, client);
            let token = params
                .get("refresh_token")
                .map(String::as_str)
                .unwrap_or("");
            let hash = hash_secret(token);
            let row = state.store.token(&hash)?;
            let valid = row.as_ref().is_some_and(|r| {
                r.kind == TokenKind::Refresh
                    && !r.revoked
                    && r.expires_at >= Utc::now().timestamp()
                    && r.client_id == client_id
            });
            // Spending the token revokes it: a refresh token works once (rotation).
            if !valid || !state.store.revoke_token(&hash)? {
                return Ok(invalid_grant("Invalid Token!"));
            }
            let role = row.map(|r| r.role).unwrap_or(Role::User);
            issue_tokens(state, role, &client_id, true)
        }
        _ => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        )),
    }
}

fn is_loopback_redirect(uri: &str) -> bool {
    Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

/// A checked authorization request waiting for the user's Allow or Deny.
#[derive(Debug, Clone)]
pub struct PendingConsent {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    state: Option<String>,
    expires_at: i64,
}

/// The parameters of `GET /oauth/authorize`, checked as Zoom checks them.
fn checked_request(
    config: &crate::Config,
    q: &HashMap<String, String>,
) -> Result<PendingConsent, String> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("response_type") != "code" {
        return Err("response_type must be code".into());
    }
    let client_id = get("client_id");
    if client_id != config.client_id && config.public_client_id.as_deref() != Some(client_id) {
        return Err("unknown client_id".into());
    }
    let redirect_uri = get("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return Err(
            "redirect_uri must be an http loopback address (127.0.0.1, localhost or [::1])".into(),
        );
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
        return Err("send a S256 code_challenge (PKCE)".into());
    }
    Ok(PendingConsent {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: get("code_challenge").to_owned(),
        state: q.get("state").cloned(),
        expires_at: Utc::now().timestamp() + 600,
    })
}

/// Sends the browser back to the app's loopback redirect with `pairs` and the request's `state`.
fn redirect_back(request: &PendingConsent, pairs: &[(&str, &str)]) -> Result<Response, ApiError> {
    let mut target = Url::parse(&request.redirect_uri).map_err(ApiError::internal)?;
    {
        let mut query = target.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(st) = &request.state {
            query.append_pair("state", st);
        }
    }
    Ok(Redirect::to(target.as_str()).into_response())
}

/// Approves: a one-time code for the request's client, redirect URI and PKCE challenge.
fn approve(state: &AppState, request: &PendingConsent) -> Result<Response, ApiError> {
    let code = random_secret("sbx_code_");
    state.store.insert_code(
        &hash_secret(&code),
        &CodeRow {
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge.clone(),
            expires_at: request.expires_at,
        },
    )?;
    redirect_back(request, &[("code", &code)])
}

/// The consent page, as Zoom's: it names the user and offers Allow and Deny. With
/// `--auto-approve` it approves at once (automated tests).
pub async fn authorize(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let request = match checked_request(&state.config, &q) {
        Ok(request) => request,
        Err(why) => {
            return Ok(
                (StatusCode::BAD_REQUEST, format!("Cannot authorize: {why}")).into_response(),
            )
        }
    };
    if state.config.authorize == Some(crate::Consent::AutoApprove) {
        return approve(&state, &request);
    }
    let ticket = random_secret("sbx_consent_");
    let user = state.store.user()?;
    state.consents.add(&ticket, request);
    Ok(crate::pages::consent(&user.display_name, &user.email, &ticket).into_response())
}

/// Allow or Deny on the consent page. The page carries only a one-time ticket, so what is
/// approved is exactly what was checked when the page was shown.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let ticket = form.get("ticket").map(String::as_str).unwrap_or("");
    let Some(request) = state.consents.take(ticket) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            "This sign-in page has expired. Start the sign-in again from the app.",
        )
            .into_response());
    };
    match form.get("decision").map(String::as_str) {
        Some("allow") => approve(&state, &request),
        _ => redirect_back(
            &request,
            &[
                ("error", "access_denied"),
                ("error_description", "The user denied the request"),
            ],
        ),
    }
}

/// Consent pages shown and not yet answered, by ticket.
#[derive(Default)]
pub struct Consents(std::sync::Mutex<HashMap<String, PendingConsent>>);

impl Consents {
    fn add(&self, ticket: &str, request: PendingConsent) {
        let mut pending = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = Utc::now().timestamp();
        pending.retain(|_, r| r.expires_at > now);
        pending.insert(hash_secret(ticket), request);
    }

    fn take(&self, ticket: &str) -> Option<PendingConsent> {
        let mut pending = self.0.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .remove(&hash_secret(ticket))
            .filter(|r| r.expires_at > Utc::now().timestamp())
    }
}

pub async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    // Zoom takes the token in the query string; a form body works too.
    let params = match token_params(&headers, query.as_deref(), &body) {
        Ok(params) => params,
        Err(why) => return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_request", why)),
    };
    if authenticate(&state.config, &headers, &params).is_none() {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client",
        ));
    }
    let token = params.get("token").map(String::as_str).unwrap_or("");
    state.store.revoke_token(&hash_secret(token))?;
    Ok(Json(json!({ "status": "success" })).into_response())
}

/// Lets a `/v2` request through only with a live access token, and tells the handler its role.
pub async fn require_bearer(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    let row = match state.store.token(&hash_secret(token)) {
        Ok(row) => row,
        Err(err) => return ApiError::from(err).into_response(),
    };
    match row {
        Some(row)
            if row.kind == TokenKind::Access
                && !row.revoked
                && row.expires_at > Utc::now().timestamp() =>
        {
            request.extensions_mut().insert(row.role);
            next.run(request).await
        }
        _ => ApiError::invalid_token().into_response(),
    }
}
