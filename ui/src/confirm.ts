// A confirmation dialog (native <dialog>: modal, Escape cancels, focus returns to the opener).
import { h } from "./dom";

export function confirmDialog(title: string, detail: string, action: string): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      h("p", {}, detail),
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", id: "confirm-cancel", onclick: () => dialog.close("cancel") }, "Cancel"),
        h("button", { type: "button", id: "confirm-ok", class: "danger", onclick: () => dialog.close("ok") }, action),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      opener?.focus();
      resolve(dialog.returnValue === "ok");
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("#confirm-cancel")?.focus();
  });
}

/** A choice between actions (and Cancel): resolves with the chosen action's id, or null. */
export function chooseDialog(title: string, detail: string, choices: { id: string; label: string; primary?: boolean }[]): Promise<string | null> {
  const opener = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "choose-title", "data-testid": "choose-dialog" },
      h("h2", { id: "choose-title" }, title),
      h("p", {}, detail),
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", id: "choose-cancel", onclick: () => dialog.close("") }, "Cancel"),
        ...choices.map((c) =>
          h("button", { type: "button", id: `choose-${c.id}`, class: c.primary ? "primary" : null, onclick: () => dialog.close(c.id) }, c.label),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      opener?.focus();
      resolve(dialog.returnValue || null);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("#choose-cancel")?.focus();
  });
}
