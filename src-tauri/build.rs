fn main() {
    // App commands are declared so capabilities can grant each one by name (allow-<command>).
    let manifest = tauri_build::AppManifest::new().commands(&["personal_room"]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
