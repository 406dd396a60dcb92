import { mount, tick } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

const target = document.getElementById("app");
if (target) {
  const desk = new Desk();
  mount(App, { target, props: { desk } });
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onOpenJoin(() => desk.openJoin());
  window.addEventListener("focus", () => void desk.checkClipboard());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  void desk.load().then(async () => {
    if (!desk.overview) return;
    // The Meetings tab shows the personal room: said once, for the launch time in the log.
    await tick();
    requestAnimationFrame(() => void backend.uiShown());
  });
}
