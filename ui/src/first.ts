// The window's first frame, before the window's own script. When the page carries the overview
// (src-tauri/src/page.rs), the Meetings tab is rendered to HTML by Svelte's server renderer, from
// the same components, and put in the page, which the window shows and paints; the window's
// script is loaded after that frame and renders the tab afresh in its place, live (start.ts).
// Without an overview, the window's script loads at once and renders as before.
//
// Built on its own (`vite build --ssr`, vite.config.ts) as a classic script, `assets/first.js`,
// which index.html runs at the end of its body; the window's script is named on it
// (`data-window`) and loaded from here, whatever happens here. Until it is live (~25 ms after
// the first frame), a click on the tab does nothing.
import { render } from "svelte/server";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

/** Renders the Meetings tab on the overview `page` carries into `target`, marking it
 * `data-painted`. False, with `target` left empty, when the page carries none or it does not
 * render. */
function paintFirstFrame(target: HTMLElement, page: Document): boolean {
  const overview = Desk.launchOverview(page);
  if (!overview) return false;
  try {
    const desk = new Desk();
    desk.overview = overview;
    target.innerHTML = render(App, { props: { desk } }).body;
    target.dataset.painted = "";
    return true;
  } catch (e) {
    // The window's script renders it itself, as when the page carries nothing.
    console.error("the first frame could not be rendered", e);
    target.replaceChildren();
    return false;
  }
}

/** Loads the window's script (`src`), the page's module. */
function loadWindow(src: string | undefined, page: Document): void {
  if (!src) {
    console.error("index.html names no window script (data-window on first.js)");
    return;
  }
  const script = page.createElement("script");
  script.type = "module";
  script.src = src;
  script.onerror = () => console.error(`the window's script ${src} did not load`);
  page.body.append(script);
}

/** Paints the first frame when it can, then loads the window's script: after that frame, so
 * neither the page's load (which shows the window) nor the frame waits on it; at once when
 * nothing was painted. */
function open(page: Document): void {
  const self = page.currentScript;
  const windowScript = self instanceof HTMLScriptElement ? self.dataset.window : undefined;
  // Moments on the way (ms since the page began to load), for the log.
  const marks: Record<string, number> = { first: performance.now() };
  let painted = false;
  try {
    const target = page.getElementById("app");
    painted = target !== null && paintFirstFrame(target, page);
  } finally {
    if (!painted) loadWindow(windowScript, page);
  }
  if (!painted) return;
  marks.painted = performance.now();
  // Said at the frame's first paint once laid out: the task after that frame's callbacks (as
  // the bare window of `make bench` marks its page). The tray and the rest start once the
  // window's script says the window is live.
  const frame = () =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        marks.frame = performance.now();
        loadWindow(windowScript, page);
        void backend.uiShown(marks, false).catch(() => undefined);
      }, 0),
    );
  if (page.readyState === "complete") frame();
  else window.addEventListener("load", frame, { once: true });
}

open(document);
