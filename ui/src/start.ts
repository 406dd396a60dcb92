// Opening the window: the Meetings tab mounted on the overview the page carries, or on the one it
// asks for, in place of the first frame first.ts painted from the same overview, and the app's
// events wired. main.ts calls it; the tests call it as main.ts does.
import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

/** Opens the window on `target`. The app puts the overview in the page when it has it read by
 * then (src-tauri/src/page.rs), and the first render shows the personal room; without one, the
 * window asks. Where first.ts painted the first frame (`target` marked `data-painted`), the tab
 * is mounted afresh in its place, in the same task, so the frame shown next is the same tab, now
 * live: hydrating the painted tab in place kept ~2 MB more in the web process (measured).
 * Resolves once the tab is rendered with what was read, with `painted` saying whether its first
 * frame was first.ts's, and `live`, resolved once the tray's events are listened to (`target`
 * is then marked `data-live`); `marks` gets the moments on the way (ms since the page began to
 * load). */
export async function openWindow(
  target: HTMLElement,
  marks: Record<string, number>,
  page: Document = document,
): Promise<{ desk: Desk; app: ReturnType<typeof mount>; painted: boolean; live: Promise<void> }> {
  const desk = new Desk();
  const given = desk.showLaunchOverview(page);
  const painted = target.hasAttribute("data-painted");
  target.replaceChildren();
  const app = mount(App, { target, props: { desk } });
  marks.mounted = performance.now();
  window.addEventListener("focus", () => void desk.checkClipboard());
  const live = Promise.all([
    backend.onOpenSchedule(() => desk.openSchedule()),
    backend.onOpenJoin(() => desk.openJoin()),
    backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true))),
  ]).then(() => {
    target.dataset.live = "";
  });
  if (!given) await desk.load();
  if (desk.overview) {
    marks.overview = performance.now();
    await tick();
    marks.rendered = performance.now();
  }
  return { desk, app, painted, live };
}
