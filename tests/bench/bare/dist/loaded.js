// Marks the page's first frame after it loaded (as PMI Desk marks its first frame with the
// personal room): the app prints it, and `make bench` reads the moment.
window.addEventListener("load", () => requestAnimationFrame(() => window.__TAURI__.core.invoke("loaded")));
