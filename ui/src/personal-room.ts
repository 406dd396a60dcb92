import { isAppError, personalRoom, type PersonalRoom } from "./backend";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The personal room block: "Personal Meeting ID (PMI)" with the number and the personal link. */
export function renderPersonalRoom(room: PersonalRoom): HTMLElement {
  const section = el("section", { class: "personal-room", "aria-labelledby": "pmi-heading" });
  section.append(el("h2", { id: "pmi-heading" }, "Personal Meeting ID (PMI)"));
  section.append(el("p", { class: "pmi", "data-testid": "pmi" }, room.pmi_formatted));
  if (room.personal_link) {
    section.append(el("p", { class: "personal-link", "data-testid": "personal-link" }, room.personal_link));
  }
  section.append(el("p", { class: "host" }, room.display_name));
  return section;
}

export function renderError(message: string): HTMLElement {
  return el("p", { role: "alert", class: "error" }, message);
}

/** Loads the personal room into `root`, with a loading state and an error that says what happened. */
export async function mountPersonalRoom(root: HTMLElement): Promise<void> {
  root.replaceChildren(el("p", { class: "loading", role: "status" }, "Loading your Personal Meeting Room…"));
  try {
    const room = await personalRoom();
    root.replaceChildren(renderPersonalRoom(room));
  } catch (error) {
    const message = isAppError(error) ? error.message : String(error);
    root.replaceChildren(renderError(message));
  }
}
