import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

// Moments on the way to the first Meetings tab (ms since the page began to load), for the log.
const marks: Record<string, number> = { script: performance.now() };
const target = document.getElementById("app");
if (target) {
  const desk = new Desk();
  mount(App, { target, props: { desk } });
  marks.mounted = performance.now();
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onOpenJoin(() => desk.openJoin());
  window.addEventListener("focus", () => void desk.checkClipboard());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  void desk.load().then(async () => {
    if (!desk.overview) return;
    marks.overview = performance.now();
    // The Meetings tab shows the personal room: said once, for the launch time in the log.
    await tick();
    marks.rendered = performance.now();
    requestAnimationFrame(() => {
      marks.frame = performance.now();
      void backend.uiShown(marks);
    });
  });
}
