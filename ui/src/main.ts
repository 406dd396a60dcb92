import { App } from "./app";
import { backend } from "./backend";

const root = document.getElementById("app");
if (root) {
  const app = new App(root, backend);
  document.addEventListener("pmi-desk:status", (e) => app.say(String((e as CustomEvent).detail)));
  void backend.onOpenSchedule(() => app.openSchedule());
  void backend.onConfirmStart((what) => void (what === "room" ? app.startRoom(true) : app.newMeeting(true)));
  void app.load();
}
