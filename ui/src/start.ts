// Opening the window: the Meetings tab mounted on the overview the page carries, or on the one it
// asks for, in place of the first frame first.ts painted from the same overview, and what the app
// asks of the window answered. main.ts calls it; the tests call it as main.ts does.
import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend, type WindowAsk } from "./backend";
import { Desk } from "./desk.svelte";

/** Does what the app asks of the window. */
function answer(desk: Desk, ask: WindowAsk): void {
  switch (ask) {
    case "open_join":
      return desk.openJoin();
    case "open_schedule":
      return desk.openSchedule();
    case "confirm_room":
      return void desk.startRoom(true);
    case "confirm_new_meeting":
      return void desk.newMeeting(true);
  }
}

/** Answers what the app asks of the window (the tray's Join… and Schedule…, a start near a PMI
 * meeting to confirm), one ask at a time, for as long as the page lives: the app answers the
 * request when it has an ask (src-tauri/src/asks.rs). */
async function answerAsks(desk: Desk): Promise<void> {
  for (;;) {
    const asked = performance.now();
    try {
      const ask = await backend.windowAsk();
      if (ask) {
        answer(desk, ask);
        continue;
      }
    } catch (err) {
      console.error("PMI Desk: the app's asks cannot be read:", err);
    }
    // Answered with nothing: after the app's wait, at once again; sooner (a failure, or a newer
    // page took over), after a pause rather than in a tight loop.
    if (performance.now() - asked < 1000) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Opens the window on `target`. The app puts the overview in the page when it has it read by
 * then (src-tauri/src/page.rs), and the first render shows the personal room; without one, the
 * window asks. Where first.ts painted the first frame (`target` marked `data-painted`), the tab
 * is mounted afresh in its place, in the same task, so the frame shown next is the same tab, now
 * live: hydrating the painted tab in place kept ~2 MB more in the web process (measured).
 * The window is live once mounted and the overview read: what the app asks of it is answered
 * from then on (an ask made before waits for it), and `target` is marked `data-live`. Resolves
 * once the tab is rendered with what was read, with `painted` saying whether its first frame
 * was first.ts's; `marks` gets the moments on the way (ms since the page began to load). */
export async function openWindow(
  target: HTMLElement,
  marks: Record<string, number>,
  page: Document = document,
): Promise<{ desk: Desk; app: ReturnType<typeof mount>; painted: boolean }> {
  const desk = new Desk();
  const given = desk.showLaunchOverview(page);
  const painted = target.hasAttribute("data-painted");
  target.replaceChildren();
  const app = mount(App, { target, props: { desk } });
  marks.mounted = performance.now();
  window.addEventListener("focus", () => void desk.checkClipboard());
  if (!given) await desk.load();
  // Live once the tab has what the asks need (Schedule… opens on the overview): an ask made
  // before waits for it.
  void answerAsks(desk);
  target.dataset.live = "";
  if (desk.overview) {
    marks.overview = performance.now();
    await tick();
    marks.rendered = performance.now();
  }
  return { desk, app, painted };
}
