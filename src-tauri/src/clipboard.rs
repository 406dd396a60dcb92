//! The system clipboard (arboard). One clipboard lives as long as the app: on X11 the copied text
//! is served by its owner, so dropping it right after copying could lose the text.

use std::sync::Mutex;

use crate::error::Error;

#[derive(Default)]
pub struct Clipboard {
    inner: Mutex<Option<arboard::Clipboard>>,
}

impl Clipboard {
    /// Puts exactly `text` on the clipboard.
    pub fn copy(&self, text: &str) -> Result<(), Error> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| Error::Clipboard(e.to_string()))?);
        }
        match guard.as_mut() {
            Some(clipboard) => clipboard
                .set_text(text.to_owned())
                .map_err(|e| Error::Clipboard(e.to_string())),
            None => Err(Error::Clipboard("no clipboard".into())),
        }
    }

    /// What the clipboard holds now: Join offers a Zoom link found there.
    pub fn read(&self) -> Result<String, Error> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| Error::Clipboard(e.to_string()))?);
        }
        match guard.as_mut() {
            Some(clipboard) => clipboard
                .get_text()
                .map_err(|e| Error::Clipboard(e.to_string())),
            None => Err(Error::Clipboard("no clipboard".into())),
        }
    }
}
