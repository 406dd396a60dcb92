//! OAuth under `/oauth`: account credentials (Basic auth), authorization code with PKCE (S256,
//! public client), rotating refresh tokens, revocation; and the bearer check for `/v2`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
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

pub async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Send a form-encoded body.",
        );
    };
    match token_inner(&state, &headers, &form) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

fn token_inner(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let basic = basic_credentials(headers);
    let config = &state.config;
    // A public client sends only its client_id; a confidential one must send the right secret.
    let client_ok = match &basic {
        Some((id, secret)) => id == &config.client_id && secret == &config.client_secret,
        None => form.get("client_id") == Some(&config.client_id),
    };
    let grant = form.get("grant_type").map(String::as_str).unwrap_or("");
    match grant {
        "account_credentials" => {
            if basic.is_none() || !client_ok {
                return Ok(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Invalid client_id or client_secret",
                ));
            }
            if form.get("account_id") != Some(&config.account_id) {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Invalid account_id",
                ));
            }
            issue_tokens(state, Role::Admin, &config.client_id, false)
        }
        "authorization_code" => {
            if !client_ok {
                return Ok(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Invalid client_id or client_secret",
                ));
            }
            let code = form.get("code").map(String::as_str).unwrap_or("");
            let Some(row) = state.store.take_code(&hash_secret(code))? else {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid authorization code",
                ));
            };
            if row.expires_at < Utc::now().timestamp() {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code has expired",
                ));
            }
            if form.get("redirect_uri") != Some(&row.redirect_uri) {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Redirect URI mismatch",
                ));
            }
            let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || challenge != row.code_challenge {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid code_verifier",
                ));
            }
            issue_tokens(state, Role::User, &row.client_id, true)
        }
        "refresh_token" => {
            let token = form.get("refresh_token").map(String::as_str).unwrap_or("");
            let hash = hash_secret(token);
            let row = state.store.token(&hash)?;
            let valid = row.as_ref().is_some_and(|r| {
                r.kind == TokenKind::Refresh
                    && !r.revoked
                    && r.expires_at >= Utc::now().timestamp()
                    && r.client_id == config.client_id
            });
            // Spending the token revokes it: a refresh token works once (rotation).
            if !valid || !client_ok || !state.store.revoke_token(&hash)? {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid Token!",
                ));
            }
            let role = row.map(|r| r.role).unwrap_or(Role::User);
            issue_tokens(state, role, &config.client_id, true)
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

/// Approves the local user at once and sends the code to the loopback redirect URI (RFC 8252).
pub async fn authorize(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let refuse = |why: &str| {
        Ok((StatusCode::BAD_REQUEST, format!("Cannot authorize: {why}")).into_response())
    };
    if get("response_type") != "code" {
        return refuse("response_type must be code");
    }
    if get("client_id") != state.config.client_id {
        return refuse("unknown client_id");
    }
    let redirect_uri = get("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return refuse(
            "redirect_uri must be an http loopback address (127.0.0.1, localhost or [::1])",
        );
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
        return refuse("a public client must send a S256 code_challenge");
    }
    let code = random_secret("sbx_code_");
    state.store.insert_code(
        &hash_secret(&code),
        &CodeRow {
            client_id: state.config.client_id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            code_challenge: get("code_challenge").to_owned(),
            expires_at: Utc::now().timestamp() + 600,
        },
    )?;
    let mut target = Url::parse(redirect_uri).map_err(ApiError::internal)?;
    target.query_pairs_mut().append_pair("code", &code);
    if let Some(st) = q.get("state") {
        target.query_pairs_mut().append_pair("state", st);
    }
    Ok(Redirect::to(target.as_str()).into_response())
}

pub async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    // Zoom takes the token in the query string; a form body works too.
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let config = &state.config;
    let client_ok = match basic_credentials(&headers) {
        Some((id, secret)) => id == config.client_id && secret == config.client_secret,
        None => form.get("client_id").or(q.get("client_id")) == Some(&config.client_id),
    };
    if !client_ok {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client",
        ));
    }
    let token = form
        .get("token")
        .or(q.get("token"))
        .cloned()
        .unwrap_or_default();
    state.store.revoke_token(&hash_secret(&token))?;
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
