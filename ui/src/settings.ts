// Settings: where meetings open, what counts as back-to-back, start at login, and the account.
import { asErrorBody, type Backend, type Preferences } from "./backend";
import { h } from "./dom";

export class SettingsDialog {
  private dialog: HTMLDialogElement | null = null;

  constructor(private readonly api: Backend) {}

  async open(): Promise<void> {
    const opener = document.activeElement as HTMLElement | null;
    let prefs: Preferences;
    try {
      prefs = await this.api.preferences();
    } catch (err) {
      window.alert(asErrorBody(err).message);
      return;
    }
    const failure = h("p", { class: "banner", role: "alert", hidden: true });
    const gapError = h("p", { class: "field-error", id: "err-gap" });
    const form = h(
      "form",
      {
        method: "dialog",
        // Our own check says what to fix; the browser's would block Save without a word.
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const next: Preferences = {
            open_in: (form.querySelector<HTMLInputElement>("input[name=open-in]:checked")?.value ?? "browser") as Preferences["open_in"],
            back_to_back_minutes: Number(form.querySelector<HTMLInputElement>("#gap")?.value ?? "15"),
            start_at_login: form.querySelector<HTMLInputElement>("#start-at-login")?.checked ?? false,
          };
          try {
            await this.api.setPreferences(next);
            this.dialog?.close();
          } catch (err) {
            const body = asErrorBody(err);
            const gap = body.fields.find((f) => f.field === "back_to_back_minutes");
            gapError.textContent = gap?.message ?? "";
            failure.textContent = gap ? "" : body.message;
            failure.hidden = gap !== undefined;
          }
        },
      },
      h("h2", { id: "settings-title" }, "Settings"),
      h(
        "fieldset",
        {},
        h("legend", {}, "Open meetings in"),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "open-in", value: "zoom_app", checked: prefs.open_in === "zoom_app" }), "The Zoom app (zoommtg://)"),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "open-in", value: "browser", checked: prefs.open_in === "browser" }), "The browser"),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "gap" }, "Warn when PMI meetings are this close (minutes)"),
        h("input", {
          id: "gap",
          type: "number",
          min: "0",
          max: "240",
          value: String(prefs.back_to_back_minutes),
          class: "short",
          "aria-describedby": "err-gap",
          oninput: () => (gapError.textContent = ""),
        }),
        gapError,
      ),
      h("label", { class: "check" }, h("input", { type: "checkbox", id: "start-at-login", checked: prefs.start_at_login }), "Start PMI Desk when I log in"),
      h(
        "fieldset",
        {},
        h("legend", {}, "Account"),
        h("p", {}, "Built-in local account (no Zoom account needed) — in use."),
        h("button", { type: "button", disabled: true, "aria-describedby": "zoom-later" }, "Sign in with Zoom"),
        h("p", { class: "hint", id: "zoom-later" }, "Signing in to a Zoom account comes in a later version."),
      ),
      failure,
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", onclick: () => this.dialog?.close() }, "Cancel"),
        h("button", { type: "submit", class: "primary" }, "Save"),
      ),
    );
    this.dialog?.remove();
    this.dialog = h("dialog", { class: "settings", "aria-labelledby": "settings-title" }, form);
    this.dialog.addEventListener("close", () => {
      this.dialog?.remove();
      opener?.focus();
    });
    document.body.append(this.dialog);
    this.dialog.showModal();
  }
}
