//! Thin commands: take state and typed arguments, call the domain, map the error.

use serde::Serialize;
use tauri::State;

use crate::error::Error;
use crate::state::Account;

/// The personal room as the Meetings tab shows it on top.
#[derive(Debug, Serialize)]
pub struct PersonalRoom {
    pub display_name: String,
    pub pmi: u64,
    /// "354 247 1135"
    pub pmi_formatted: String,
    pub personal_link: Option<String>,
}

#[tauri::command]
pub async fn personal_room(account: State<'_, Account>) -> Result<PersonalRoom, Error> {
    let profile = account.profile().await?;
    let pmi = profile.pmi.ok_or(Error::NoPmi)?;
    Ok(PersonalRoom {
        display_name: profile.display_name,
        pmi: pmi.get(),
        pmi_formatted: pmi.formatted(),
        personal_link: profile.personal_meeting_url,
    })
}
