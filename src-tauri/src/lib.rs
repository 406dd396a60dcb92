//! PMI Desk's desktop shell: wires the account, the commands and the window. No business rules
//! live here; they are in `pmi-core`, and Zoom's API is in `zoom-api`.

mod commands;
mod error;
mod state;

use tauri::{Manager, Runtime};

pub use error::Error;

/// The app, generic over the runtime so tests can build it on `tauri::test::mock_builder()`.
pub fn builder<R: Runtime>() -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .invoke_handler(tauri::generate_handler![commands::personal_room])
        .setup(|app| {
            let dir = state::data_dir(app.path().app_data_dir()?);
            let account = tauri::async_runtime::block_on(state::Account::start_local(dir))?;
            app.manage(account);
            Ok(())
        })
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if let Err(err) = builder::<tauri::Wry>().run(tauri::generate_context!()) {
        tracing::error!(%err, "PMI Desk stopped");
        std::process::exit(1);
    }
}
