// Settings: where meetings open, what counts as back-to-back, start at login, and the account:
// the built-in local account, or a Zoom account signed in through the browser.
import { asErrorBody, type AccountView, type Backend, type Preferences } from "./backend";
import { h, present } from "./dom";

export class SettingsDialog {
  private dialog: HTMLDialogElement | null = null;
  private accountBox: HTMLElement | null = null;
  private account: AccountView | null = null;
  /** What the last sign-in or sign-out said, shown under the buttons. */
  private accountMessage = "";
  private clientId = "";

  /** `onAccountChanged` reloads the window's data for the account now in use. */
  constructor(
    private readonly api: Backend,
    private readonly onAccountChanged: () => Promise<void> | void = () => {},
  ) {}

  async open(): Promise<void> {
    const opener = document.activeElement as HTMLElement | null;
    let prefs: Preferences;
    try {
      [prefs, this.account] = await Promise.all([this.api.preferences(), this.api.account()]);
    } catch (err) {
      window.alert(asErrorBody(err).message);
      return;
    }
    this.clientId = prefs.zoom_client_id;
    this.accountMessage = "";
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
            ...prefs,
            open_in: (form.querySelector<HTMLInputElement>("input[name=open-in]:checked")?.value ?? "browser") as Preferences["open_in"],
            back_to_back_minutes: Number(form.querySelector<HTMLInputElement>("#gap")?.value ?? "15"),
            start_at_login: form.querySelector<HTMLInputElement>("#start-at-login")?.checked ?? false,
            zoom_client_id: this.clientIdField()?.value ?? this.clientId,
          };
          try {
            await this.api.setPreferences(next);
            this.dialog?.close();
          } catch (err) {
            const body = asErrorBody(err);
            const gap = body.fields.find((f) => f.field === "back_to_back_minutes");
            const clientId = body.fields.find((f) => f.field === "zoom_client_id");
            gapError.textContent = gap?.message ?? "";
            const clientIdError = document.getElementById("err-client-id");
            if (clientIdError) clientIdError.textContent = clientId?.message ?? "";
            const named = gap !== undefined || clientId !== undefined;
            failure.textContent = named ? "" : body.message;
            failure.hidden = named;
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
      (this.accountBox = h("fieldset", { class: "account", "data-testid": "account" })),
      failure,
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", onclick: () => this.dialog?.close() }, "Cancel"),
        h("button", { type: "submit", class: "primary" }, "Save"),
      ),
    );
    this.renderAccount();
    this.dialog?.remove();
    this.dialog = h("dialog", { class: "settings", "aria-labelledby": "settings-title" }, form);
    this.dialog.addEventListener("close", () => {
      this.dialog?.remove();
      opener?.focus();
    });
    document.body.append(this.dialog);
    this.dialog.showModal();
  }

  private clientIdField(): HTMLInputElement | null {
    return this.dialog?.querySelector<HTMLInputElement>("#zoom-client-id") ?? null;
  }

  /** The Account section, drawn again whenever the account or a sign-in changes. */
  private renderAccount(): void {
    const box = this.accountBox;
    const a = this.account;
    if (!box || !a) return;
    const typed = this.clientIdField()?.value;
    if (typed !== undefined) this.clientId = typed;
    const message = this.accountMessage
      ? h("p", { class: "field-error", role: "alert", "data-testid": "account-message" }, this.accountMessage)
      : null;
    if (a.kind === "zoom") {
      box.replaceChildren(
        ...present(
        h("legend", {}, "Account"),
        h(
          "p",
          { "data-testid": "account-name" },
          "Signed in to Zoom as ",
          h("strong", {}, a.display_name ?? ""),
          a.email ? ` (${a.email})` : "",
          ".",
        ),
        a.keychain_problem ? h("p", { class: "hint warning", "data-testid": "keychain-problem" }, a.keychain_problem) : null,
        h("button", { type: "button", id: "sign-out", onclick: () => void this.signOut() }, "Sign out"),
        message,
        ),
      );
      return;
    }
    const fromEnv = a.client_id_source === "environment";
    const clientId = fromEnv ? (a.client_id ?? "") : this.clientId;
    box.replaceChildren(
      ...present(
      h("legend", {}, "Account"),
      h("p", { "data-testid": "account-name" }, "Built-in local account (no Zoom account needed) — in use."),
      h(
        "div",
        { class: "field" },
        h("label", { for: "zoom-client-id" }, "Your Zoom app's Client ID"),
        h("input", {
          id: "zoom-client-id",
          type: "text",
          value: clientId,
          spellcheck: "false",
          autocomplete: "off",
          disabled: fromEnv || a.signing_in,
          placeholder: a.client_id_source === "built_in" ? (a.client_id ?? "") : "from your Zoom app's App Credentials",
          "aria-describedby": "client-id-hint err-client-id",
        }),
        h(
          "p",
          { class: "hint", id: "client-id-hint" },
          fromEnv
            ? "Set by PMI_DESK_ZOOM_CLIENT_ID."
            : "A Zoom app of your own with Public Client OAuth; no secret is needed. The README says how to make one.",
        ),
        h("p", { class: "field-error", id: "err-client-id" }),
      ),
      a.signing_in
        ? h(
            "p",
            { class: "hint", role: "status", "data-testid": "signing-in" },
            "Waiting for Zoom in your browser… ",
            h("button", { type: "button", id: "cancel-sign-in", onclick: () => void this.api.cancelSignIn() }, "Cancel"),
          )
        : h("button", { type: "button", id: "sign-in", class: "primary", onclick: () => void this.signIn() }, "Sign in with Zoom"),
      message,
      ),
    );
  }

  private async signIn(): Promise<void> {
    const typed = this.clientIdField()?.value.trim() ?? "";
    this.accountMessage = "";
    if (this.account) this.account = { ...this.account, signing_in: true };
    this.renderAccount();
    document.getElementById("cancel-sign-in")?.focus();
    try {
      this.account = await this.api.signIn(typed === "" ? null : typed);
      this.accountMessage = "";
      this.renderAccount();
      document.getElementById("sign-out")?.focus();
      await this.onAccountChanged();
    } catch (err) {
      const body = asErrorBody(err);
      this.accountMessage = body.kind === "sign_in_cancelled" ? "" : body.message;
      this.account = await this.api.account().catch(() => this.account);
      if (this.account) this.account = { ...this.account, signing_in: false };
      this.renderAccount();
      document.getElementById("sign-in")?.focus();
    }
  }

  private async signOut(): Promise<void> {
    try {
      this.account = await this.api.signOut();
      this.accountMessage = this.account.notice ?? "";
      this.renderAccount();
      document.getElementById("sign-in")?.focus();
      await this.onAccountChanged();
    } catch (err) {
      this.accountMessage = asErrorBody(err).message;
      this.renderAccount();
    }
  }
}
