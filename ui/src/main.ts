import { mountPersonalRoom } from "./personal-room";

const root = document.getElementById("app");
if (root) {
  const header = document.createElement("h1");
  header.textContent = "PMI Desk";
  const body = document.createElement("div");
  root.replaceChildren(header, body);
  void mountPersonalRoom(body);
}
