// Opening the window: the Meetings tab mounted on the overview the page carries, or on the one it
// asks for, and the app's events wired. main.ts calls it; the tests call it as main.ts does.
import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

/** Opens the window on `target`. The app puts the overview in the page when it has it read by
 * then (src-tauri/src/page.rs), and the first render shows the personal room; without one, the
 * window asks. Resolves once the tab is rendered with what was read; `marks` gets the moments on
 * the way (ms since the page began to load). */
export async function openWindow(
  target: HTMLElement,
  marks: Record<string, number>,
  page: Document = document,
): Promise<{ desk: Desk; app: ReturnType<typeof mount> }> {
  const desk = new Desk();
  const given = desk.showLaunchOverview(page);
  const app = mount(App, { target, props: { desk } });
  marks.mounted = performance.now();
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onOpenJoin(() => desk.openJoin());
  window.addEventListener("focus", () => void desk.checkClipboard());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  if (!given) await desk.load();
  if (desk.overview) {
    marks.overview = performance.now();
    await tick();
    marks.rendered = performance.now();
  }
  return { desk, app };
}
