//! The web pages the sandbox's links open, so Start and Join visibly work without Zoom: a join
//! page ("waiting for host" or "in progress"), a start page that starts the meeting, and the
//! personal link.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::ApiResult;
use crate::model::MeetingRecord;
use crate::AppState;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, heading: &str, detail: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}}\
         h1{{font-size:1.4rem}}.id{{font-variant-numeric:tabular-nums;color:#555}}</style></head>\
         <body><h1>{heading}</h1><p>{detail}</p><p class=\"id\">PMI Desk local meeting service</p></body></html>",
        title = escape(title),
        heading = escape(heading),
        detail = escape(detail),
    ))
}

/// The meeting a link's number names (the personal room for the PMI), or the page that says
/// there is none.
fn meeting_or_not_found(state: &AppState, id: &str) -> ApiResult<Result<MeetingRecord, Response>> {
    let found = match id.parse::<u64>() {
        Ok(number) => state.store.meeting(number)?,
        Err(_) => None,
    };
    Ok(found.ok_or_else(|| {
        (
            StatusCode::NOT_FOUND,
            page(
                "Meeting not found",
                "This meeting ID is not valid",
                "Check the link and try again.",
            ),
        )
            .into_response()
    }))
}

fn formatted(meeting: &MeetingRecord) -> String {
    pmi_core::MeetingId::new(meeting.id)
        .map(|m| m.formatted())
        .unwrap_or_else(|_| meeting.id.to_string())
}

pub async fn join(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let meeting = match meeting_or_not_found(&state, &id)? {
        Ok(meeting) => meeting,
        Err(not_found) => return Ok(not_found),
    };
    let number = formatted(&meeting);
    let response = if meeting.status == "started" {
        page(
            &meeting.topic,
            &format!("{} is in progress", meeting.topic),
            &format!("Meeting ID {number}: you are joining the meeting."),
        )
    } else {
        page(
            &meeting.topic,
            "Please wait for the host to start this meeting.",
            &format!("{} · Meeting ID {number}", meeting.topic),
        )
    };
    Ok(response.into_response())
}

/// The start link's page: it asks, and only the button (a POST) starts the meeting, so that
/// nothing changes on a plain GET (a preview, a prefetch, a link checker).
pub async fn start_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let meeting = match meeting_or_not_found(&state, &id)? {
        Ok(meeting) => meeting,
        Err(not_found) => return Ok(not_found),
    };
    let number = formatted(&meeting);
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}}\
         h1{{font-size:1.4rem}}button{{font:inherit;padding:.4rem 1.2rem}}</style></head>\
         <body><h1>Start {title}?</h1><p>Meeting ID {number}. You are the host.</p>\
         <form method=\"post\"><button type=\"submit\">Start Meeting</button></form>\
         <p class=\"id\">PMI Desk local meeting service</p></body></html>",
        title = escape(&meeting.topic),
    ))
    .into_response())
}

/// Start Meeting on the start page.
pub async fn start(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut meeting = match meeting_or_not_found(&state, &id)? {
        Ok(meeting) => meeting,
        Err(not_found) => return Ok(not_found),
    };
    meeting.status = "started".into();
    state.store.save_meeting(&meeting)?;
    let number = formatted(&meeting);
    Ok(page(
        &meeting.topic,
        "Meeting started",
        &format!("{} · Meeting ID {number}. You are the host.", meeting.topic),
    )
    .into_response())
}

pub async fn personal_link(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    let user = state.store.user()?;
    if user
        .vanity_name
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case(&name))
    {
        Ok(Redirect::to(&format!("/j/{}", user.pmi)).into_response())
    } else {
        Ok((
            StatusCode::NOT_FOUND,
            page(
                "Not found",
                "This personal link is not valid",
                "Check the link and try again.",
            ),
        )
            .into_response())
    }
}

pub async fn home() -> Html<String> {
    page(
        "PMI Desk local meeting service",
        "PMI Desk local meeting service",
        "This service speaks Zoom's REST API v2 under /v2 and OAuth under /oauth, for PMI Desk's built-in account and its tests.",
    )
}

/// Zoom's consent page: who is signing in, and Allow or Deny. The form carries only the
/// one-time ticket of the checked request.
pub fn consent(display_name: &str, email: &str, ticket: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Allow PMI Desk?</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}}\
         h1{{font-size:1.4rem}}button{{font:inherit;padding:.4rem 1.2rem;margin-right:.5rem}}</style></head>\
         <body><h1>Allow PMI Desk to use your account?</h1>\
         <p>Signed in as <strong>{name}</strong> ({email}).</p>\
         <p>PMI Desk will be able to read and change your profile, settings and meetings.</p>\
         <form method=\"post\" action=\"/oauth/authorize\">\
         <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\
         <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>\
         <p class=\"id\">PMI Desk local meeting service</p></body></html>",
        name = escape(display_name),
        email = escape(email),
        ticket = escape(ticket),
    ))
}
