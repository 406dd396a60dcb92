// Opening the window: the Meetings tab hydrated where the first frame's script painted it
// (first.ts), else mounted on the overview the page carries or on the one it asks for, and the
// app's events wired. main.ts calls it; the tests call it as main.ts does.
import { hydrate, mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

/** Opens the window on `target`. The app puts the overview in the page when it has it read by
 * then (src-tauri/src/page.rs), and the first render shows the personal room: painted already
 * by first.ts (`target` marked `data-painted`), the tab is hydrated, its nodes kept; without one,
 * the window asks. Marks `target` `data-live` once its buttons and the app's events are wired.
 * Resolves once the tab is rendered with what was read; `painted` says whether its first frame
 * was first.ts's; `marks` gets the moments on the way (ms since the page began to load). */
export async function openWindow(
  target: HTMLElement,
  marks: Record<string, number>,
  page: Document = document,
): Promise<{ desk: Desk; app: ReturnType<typeof mount>; painted: boolean }> {
  const desk = new Desk();
  const given = desk.showLaunchOverview(page);
  const painted = given && target.hasAttribute("data-painted");
  if (!painted) target.replaceChildren();
  const app = (painted ? hydrate : mount)(App, { target, props: { desk } });
  marks[painted ? "hydrated" : "mounted"] = performance.now();
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onOpenJoin(() => desk.openJoin());
  window.addEventListener("focus", () => void desk.checkClipboard());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  target.dataset.live = "";
  if (!given) await desk.load();
  if (desk.overview) {
    marks.overview = performance.now();
    await tick();
    marks.rendered = performance.now();
  }
  return { desk, app, painted };
}
