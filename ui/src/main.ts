import { mount } from "svelte";
import App from "./App.svelte";
import { backend } from "./backend";
import { Desk } from "./desk.svelte";

const target = document.getElementById("app");
if (target) {
  const desk = new Desk();
  mount(App, { target, props: { desk } });
  void backend.onOpenSchedule(() => desk.openSchedule());
  void backend.onConfirmStart((what) => void (what === "room" ? desk.startRoom(true) : desk.newMeeting(true)));
  void desk.load();
}
