import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

// Moments on the way to the first Meetings tab (ms since the page began to load), for the log.
const marks: Record<string, number> = { script: performance.now() };
const target = document.getElementById("app");
if (target) {
  const desk = new Desk();
  // The overview the app put in the page when it had it read by then: the first frame shows the
  // personal room. Without one, the window asks for it.
  const given = desk.showLaunchOverview();
  mount(App, { target, props: { desk } });
  marks.mounted = performance.now();
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onOpenJoin(() => desk.openJoin());
  window.addEventListener("focus", () => void desk.checkClipboard());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  void (given ? Promise.resolve() : desk.load()).then(async () => {
    if (!desk.overview) return;
    marks.overview = performance.now();
    // The Meetings tab shows the personal room: said once, for the launch time in the log.
    await tick();
    marks.rendered = performance.now();
    // The first frame with it, once laid out and painted: the task after that frame's callbacks
    // (the bare window of `make bench` marks its page the same way).
    requestAnimationFrame(() =>
      setTimeout(() => {
        marks.frame = performance.now();
        void backend.uiShown(marks);
      }, 0),
    );
  });
}
