/// The app's commands, declared so the capability can grant each one by name (allow-<command>).
const COMMANDS: &[&str] = &[
    "overview",
    "personal_room",
    "set_instant_pmi",
    "new_meeting",
    "start_meeting",
    "ui_shown",
    "window_ask",
    "invitation",
    "understand_join",
    "join",
    "join_offer",
    "start_personal_room",
    "pmi_busy_now",
    "check_schedule",
    "schedule_meeting",
    "meeting",
    "update_meeting",
    "delete_meeting",
    "copy_personal_link",
    "copy_join_link",
    "copy_invitation",
    "email_invitation",
    "set_room_settings",
    "preferences",
    "set_preferences",
    "account",
    "sign_in",
    "cancel_sign_in",
    "sign_out",
    "check_pmi",
    "set_pmi",
    "check_vanity_name",
    "set_vanity_name",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
