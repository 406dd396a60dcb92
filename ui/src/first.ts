// The window's first frame, before the window's own script. When the page carries the overview
// (src-tauri/src/page.rs), the Meetings tab is rendered to HTML by Svelte's server renderer, from
// the same components, and put in the page; the window is shown and paints it while the
// window's script loads, which then hydrates it (start.ts) and wires its buttons. Without an
// overview, the window's script loads at once and renders as before.
//
// Built on its own (`vite build --ssr`, vite.config.ts) as a classic script, `assets/first.js`,
// which index.html runs at the end of its body; the window's script is named on it
// (`data-window`) and loaded from here. Parsing and running the window's script and mounting
// the tab took ~25 ms before the first frame: this renders it in ~4.
import { render } from "svelte/server";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

/** Renders the Meetings tab on the overview `page` carries into `target`, marking it
 * `data-painted` for the window's script to hydrate. False, with `target` left empty, when the
 * page carries none or it does not render. */
function paintFirstFrame(target: HTMLElement, page: Document = document): boolean {
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
function loadWindow(src: string, page: Document): void {
  const script = page.createElement("script");
  script.type = "module";
  script.src = src;
  page.body.append(script);
}

const self = document.currentScript;
const windowScript = self instanceof HTMLScriptElement ? self.dataset.window : undefined;
const target = document.getElementById("app");
if (windowScript) {
  // Moments on the way (ms since the page began to load), for the log.
  const marks: Record<string, number> = { first: performance.now() };
  if (target && paintFirstFrame(target)) {
    marks.painted = performance.now();
    // Said at the frame's first paint once laid out: the task after that frame's callbacks (as
    // the bare window of `make bench` marks its page). The window's script loads after it, so
    // neither the page's load (which shows the window) nor its first frame wait on it; the
    // tray and the rest start when that script says the window is live.
    window.addEventListener("load", () =>
      requestAnimationFrame(() =>
        setTimeout(() => {
          marks.frame = performance.now();
          void backend.uiShown(marks, false);
          loadWindow(windowScript, document);
        }, 0),
      ),
      { once: true },
    );
  } else {
    loadWindow(windowScript, document);
  }
}
