//! The window's page as the app serves it: the built UI, and in `index.html` the overview read
//! at launch when it is read by the time the page is asked for.
//!
//! WebKit paints a page's first frame as soon as it has something to show, and on a machine that
//! paints through Mesa that first frame costs 0.1–0.25 s of shader compiling, during which no
//! later frame is drawn. A page that first shows "Loading your meetings…" and then asks for the
//! overview therefore shows the personal room only after that first frame is done. With the
//! overview in the page, the UI renders the room as the page starts: no loading line flashes,
//! and the room's frame is usually the page's first. The page's first script renders it before
//! the window's own script has loaded (`ui/src/first.ts`: Svelte's server renderer, run in the
//! page), and the window's script then mounts the same tab afresh in its place. When the
//! overview is not read yet (a slow service, a Zoom account whose reads take longer than the
//! window takes to load), or was given already (a reload), the page is served as built and asks.

use std::borrow::Cow;
use std::sync::OnceLock;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{App, AppHandle, Assets, Manager, Runtime};

use crate::desk::Desk;
use crate::views::Overview;

/// The id of the element that carries the overview (`ui/src/desk.svelte.ts` reads it).
pub const LAUNCH_OVERVIEW_ID: &str = "launch-overview";

/// The app's assets, with `index.html` given the overview read at launch.
pub struct PageAssets<R: Runtime> {
    built: Box<dyn Assets<R>>,
    app: OnceLock<AppHandle<R>>,
}

/// The context with its assets served through [`PageAssets`].
#[cfg(not(test))]
pub fn serve<R: Runtime>(mut context: tauri::Context<R>) -> tauri::Context<R> {
    let built = context.set_assets(Box::new(NoAssets));
    context.set_assets(Box::new(PageAssets {
        built,
        app: OnceLock::new(),
    }));
    context
}

impl<R: Runtime> PageAssets<R> {
    /// The assets of `context`, for `app` (the IPC tests, whose app never runs Tauri's set-up).
    #[cfg(test)]
    pub fn of(mut context: tauri::Context<R>, app: &AppHandle<R>) -> Self {
        let app_handle = OnceLock::new();
        let _ = app_handle.set(app.clone());
        PageAssets {
            built: context.set_assets(Box::new(NoAssets)),
            app: app_handle,
        }
    }
}

impl<R: Runtime> Assets<R> for PageAssets<R> {
    fn setup(&self, app: &App<R>) {
        self.built.setup(app);
        let _ = self.app.set(app.handle().clone());
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        let asset = self.built.get(key)?;
        // Tauri also asks for index.html in place of a file it does not have (say, a favicon a
        // webview asks for on its own; the page names an empty one so none is asked for).
        if key.as_ref() != "/index.html" {
            return Some(asset);
        }
        let (Some(app), Some(head_end)) = (self.app.get(), head_end(&asset)) else {
            return Some(asset);
        };
        let Some(overview) = app
            .try_state::<Desk>()
            .and_then(|d| d.launch_overview_ready())
        else {
            tracing::debug!("the page is served without an overview: the window asks");
            return Some(asset);
        };
        match with_overview(&asset, head_end, &overview) {
            Ok(page) => {
                crate::commands::shown(app, &overview);
                tracing::debug!("the page is served with the overview in it");
                Some(Cow::Owned(page))
            }
            Err(err) => {
                tracing::warn!(%err, "the overview cannot be put in the page: the window asks");
                Some(asset)
            }
        }
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.built.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.built.csp_hashes(html_path)
    }
}

/// Where the head of `html` ends, if `html` is UTF-8 and has one.
fn head_end(html: &[u8]) -> Option<usize> {
    std::str::from_utf8(html).ok()?.find("</head>")
}

/// `html` with the overview as a JSON data block at `head_end`, the end of its head (data, not
/// a script: the content security policy has nothing to allow). In the JSON, `<` is escaped, so
/// nothing in a meeting's topic can end the block, and so is the `_` that begins Tauri's CSP
/// nonce placeholders, which Tauri replaces anywhere in the page it serves.
fn with_overview(html: &[u8], head_end: usize, overview: &Overview) -> serde_json::Result<Vec<u8>> {
    let json = serde_json::to_string(overview)?
        .replace('<', "\\u003c")
        .replace("__TAURI_", "\\u005f_TAURI_");
    let mut page = Vec::with_capacity(html.len() + json.len() + 64);
    page.extend_from_slice(&html[..head_end]);
    page.extend_from_slice(
        format!(r#"<script type="application/json" id="{LAUNCH_OVERVIEW_ID}">{json}</script>"#)
            .as_bytes(),
    );
    page.extend_from_slice(&html[head_end..]);
    Ok(page)
}

/// Stands in for the built assets while they are moved into [`PageAssets`].
struct NoAssets;

impl<R: Runtime> Assets<R> for NoAssets {
    fn get(&self, _: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}
