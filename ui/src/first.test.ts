// The first frame's script (first.ts) as index.html runs it: built as `npm run build` builds it
// (Svelte's server renderer, a classic script), then run in the page before the window's own
// script, which renders the tab afresh in place of what it painted (start.ts).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, unmount } from "svelte";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import type { Overview } from "./backend";
import { openWindow } from "./start";
import { overview } from "./test-fixtures";

/** The first frame's script, built by first-frame.setup.ts. */
const firstFrame = inject("firstFrame");

/** The page as the app serves it: the overview it carries (or none), the tab's element, and the
 * first frame's script naming the window's. */
function servePage(carried: Overview | string | null): { root: HTMLElement; calls: [string, Record<string, unknown>][] } {
  const calls: [string, Record<string, unknown>][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, (args ?? {}) as Record<string, unknown>]);
    if (cmd === "window_ask") return new Promise(() => {});
    return cmd === "overview" ? overview() : null;
  });
  // Scripts in the page run in jsdom's own global, which does not see Vitest's: the mocked IPC
  // is handed over on the document they share.
  (document as unknown as Record<string, unknown>).ipc = (globalThis as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  document.head.querySelector("#launch-overview")?.remove();
  if (carried) {
    const carrier = document.createElement("script");
    carrier.type = "application/json";
    carrier.id = "launch-overview";
    carrier.textContent = typeof carried === "string" ? carried : JSON.stringify(carried);
    document.head.append(carrier);
  }
  const root = document.createElement("main");
  root.id = "app";
  document.body.replaceChildren(root);
  const script = document.createElement("script");
  script.dataset.window = "/assets/index-window.js";
  script.textContent = `window.__TAURI_INTERNALS__ = document.ipc;\n${firstFrame}`;
  document.body.append(script);
  return { root, calls };
}

const windowScript = () => document.querySelector<HTMLScriptElement>('script[type="module"]');

/** The page's first frame: the load, then the task after the frame's callbacks. */
async function paint(): Promise<void> {
  window.dispatchEvent(new Event("load"));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
}

/** What a tab shows: its elements, their attributes (in any order) and text; Svelte's markers
 * (comments) left out. */
function shape(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? "";
  if (!(node instanceof Element)) return "";
  const attributes = Array.from(node.attributes, (a) => `${a.name}="${a.value}"`).sort();
  const children = Array.from(node.childNodes, shape).join("");
  return `<${node.localName} ${attributes.join(" ")}>${children}</${node.localName}>`;
}

let shown: Awaited<ReturnType<typeof openWindow>> | null = null;

afterEach(() => {
  if (shown) void unmount(shown.app);
  shown = null;
  clearMocks();
  vi.restoreAllMocks();
});

describe("the first frame", () => {
  it("paints the Meetings tab before the window's script, which renders the same tab, live, in its place", async () => {
    const { root, calls } = servePage(overview());

    // Painted from the overview the page carries, with nothing asked and no script loaded yet.
    expect(root.hasAttribute("data-painted")).toBe(true);
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    expect(root.querySelector("[data-testid=meeting] .topic")?.textContent).toBe("Weekly 1:1");
    const painted = Array.from(root.childNodes, shape).join("");
    expect(windowScript()).toBeNull();
    expect(calls).toEqual([]);

    // Its first frame says the room is shown, the window not live yet; then the window's script loads.
    await paint();
    const said = calls.filter(([cmd]) => cmd === "ui_shown");
    expect(said).toHaveLength(1);
    expect(said[0]?.[1].live).toBe(false);
    // With when the page began to load (ms since the Unix epoch), for the launch's log and make bench.
    expect(said[0]?.[1].origin).toBeGreaterThan(Date.parse("2020-01-01"));
    expect(Object.keys(said[0]?.[1].marks as object)).toEqual(expect.arrayContaining(["first", "painted", "frame"]));
    expect(windowScript()?.getAttribute("src")).toBe("/assets/index-window.js");

    // That script renders the tab in its place, on the same overview: what was painted, now live.
    shown = await openWindow(root, {});
    flushSync();
    expect(shown.painted).toBe(true);
    expect(Array.from(root.childNodes, shape).join("")).toBe(painted);
    expect(root.querySelectorAll("[data-testid=pmi]")).toHaveLength(1);
    expect(root.hasAttribute("data-live")).toBe(true);
    const toggle = root.querySelector<HTMLElement>("#show-invitation");
    expect(toggle?.getAttribute("aria-expanded")).toBe("false");
    toggle?.click();
    flushSync();
    expect(toggle?.getAttribute("aria-expanded")).toBe("true");
    expect(calls.map(([cmd]) => cmd)).not.toContain("overview");
    // Live: it waits for what the app asks of it, with no event listened to.
    expect(calls.filter(([cmd]) => cmd === "window_ask")).toHaveLength(1);
    expect(calls.map(([cmd]) => cmd)).not.toContain("plugin:event|listen");
  });

  for (const [what, carried] of [
    ["no overview", null],
    ["an overview that does not read", "{"],
  ] as const) {
    it(`with ${what} in the page, paints nothing and loads the window's script at once`, async () => {
      const { root, calls } = servePage(carried);
      expect(root.childNodes).toHaveLength(0);
      expect(root.hasAttribute("data-painted")).toBe(false);
      expect(windowScript()?.getAttribute("src")).toBe("/assets/index-window.js");
      await paint();
      expect(calls).toEqual([]);

      // The window's script renders it itself, on the overview it asks for.
      shown = await openWindow(root, {});
      flushSync();
      expect(shown.painted).toBe(false);
      expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
      expect(calls.map(([cmd]) => cmd)).toContain("overview");
    });
  }
});
