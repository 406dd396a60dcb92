// Marks that the page loaded: the app prints it, and `make bench` reads the moment.
window.addEventListener("load", () => window.__TAURI__.core.invoke("loaded"));
