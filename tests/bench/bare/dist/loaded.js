// Marks the page's first frame after it loaded, once laid out and painted: the task after that
// frame's callbacks (as PMI Desk marks its first frame with the personal room). The app prints
// it, and `make bench` reads the moment.
window.addEventListener("load", () =>
  requestAnimationFrame(() => setTimeout(() => window.__TAURI__.core.invoke("loaded"), 0)),
);
