//! Whether this machine has a GPU device the user may paint with. The end-to-end tests and
//! `make bench` include this file as it is (tests/support/lib.rs), so they know what the app
//! chooses here by the same rule.

/// What the app sets when there is no GPU device (unless already set): WebKit paints on the CPU,
/// and draws the page without compositing (src-tauri/src/lib.rs says why).
pub const WITHOUT_A_GPU: [&str; 2] = [
    "WEBKIT_SKIA_ENABLE_CPU_RENDERING",
    "WEBKIT_DISABLE_COMPOSITING_MODE",
];

/// Whether there is a GPU device this user may paint with: a DRM render node (Mesa's and most
/// drivers') that opens for reading and writing, or NVIDIA's own device.
pub fn has_a_gpu_device() -> bool {
    let opens = |path: &std::path::Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .is_ok()
    };
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD") && opens(&e.path()))
    });
    render_node || opens(std::path::Path::new("/dev/nvidia0"))
}
