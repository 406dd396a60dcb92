// The Personal Meeting ID window: the PMI, its passcode (hidden until shown), the personal link
// with a copy icon, a "Join Zoom Meeting" section with its own copy button, Copy Invitation,
// Send Email, and switches for the Waiting Room and the passcode, written and read back.
import { asErrorBody, type Backend, type PersonalRoomView } from "./backend";
import { copyIcon, flashCopied, h, present } from "./dom";

export class PmiWindow {
  private dialog: HTMLDialogElement | null = null;
  private room: PersonalRoomView | null = null;
  private showPasscode = false;
  private opener: HTMLElement | null = null;
  private error = "";

  constructor(
    private readonly api: Backend,
    private readonly changed: () => Promise<void>,
  ) {}

  /** The PMI and personal link fields: built once per opening, so what is typed survives the
   * window being drawn again. */
  private choose: HTMLElement | null = null;
  private checkTimer = 0;

  open(room: PersonalRoomView): void {
    this.room = room;
    this.choose = this.chooseSection(room);
    this.showPasscode = false;
    this.error = "";
    this.opener = document.activeElement as HTMLElement | null;
    this.dialog?.remove();
    this.dialog = h("dialog", { class: "pmi-window", "aria-labelledby": "pmi-window-title", "data-testid": "pmi-window" });
    this.dialog.addEventListener("close", () => {
      this.dialog?.remove();
      this.dialog = null;
      this.opener?.focus();
    });
    document.body.append(this.dialog);
    this.render();
    this.dialog.showModal();
    this.dialog.querySelector<HTMLElement>("#copy-personal-link")?.focus();
  }

  private copyButton(id: string, label: string, text: string | Node, copy: () => Promise<string>): HTMLButtonElement {
    return h(
      "button",
      {
        type: "button",
        id,
        class: typeof text === "string" ? "copy" : "copy icon-button",
        "aria-label": label,
        title: label,
        onclick: async (e: Event) => {
          const button = e.currentTarget as HTMLButtonElement;
          try {
            await copy();
            this.error = "";
            flashCopied(button);
          } catch (err) {
            this.error = asErrorBody(err).message;
            this.render();
          }
        },
      },
      text,
    );
  }

  private async setOption(waitingRoom: boolean | null, passcode: boolean | null): Promise<void> {
    try {
      this.room = await this.api.setRoomSettings({
        ...(waitingRoom === null ? {} : { waiting_room: waitingRoom }),
        ...(passcode === null ? {} : { passcode_on: passcode }),
      });
      this.error = "";
      await this.changed();
    } catch (err) {
      this.error = asErrorBody(err).message;
    }
    const focused = document.activeElement?.id;
    this.render();
    if (focused) this.dialog?.querySelector<HTMLElement>(`#${focused}`)?.focus();
  }

  private render(): void {
    const r = this.room;
    if (!this.dialog || !r) return;
    const passcode = r.passcode
      ? h(
          "p",
          { class: "passcode" },
          "Passcode: ",
          h("span", { "data-testid": "pmi-passcode" }, this.showPasscode ? r.passcode : "••••••"),
          h(
            "button",
            {
              type: "button",
              id: "toggle-passcode",
              class: "link-button",
              "aria-pressed": String(this.showPasscode),
              onclick: () => {
                this.showPasscode = !this.showPasscode;
                this.render();
                this.dialog?.querySelector<HTMLElement>("#toggle-passcode")?.focus();
              },
            },
            this.showPasscode ? "Hide" : "Show",
          ),
        )
      : h("p", { class: "passcode" }, "No passcode");
    this.dialog.replaceChildren(...present(
      h("h2", { id: "pmi-window-title" }, "Personal Meeting ID"),
      h("p", { class: "pmi", "data-testid": "pmi-window-pmi" }, r.pmi_formatted),
      h(
        "p",
        { class: "link-row" },
        h("span", { class: "link", "data-testid": "pmi-window-personal-link" }, r.personal_link),
        this.copyButton("copy-personal-link", "Copy personal link", copyIcon(), () => this.api.copyPersonalLink()),
      ),
      passcode,
      h(
        "section",
        { class: "join", "aria-labelledby": "join-heading" },
        h("h3", { id: "join-heading" }, "Join Zoom Meeting"),
        h("p", { class: "link", "data-testid": "pmi-window-join-link" }, r.join_link),
        this.copyButton("copy-join-link", "Copy the join link", "Copy Link", () => this.api.copyJoinLink()),
      ),
      h(
        "div",
        { class: "switches" },
        h(
          "label",
          { class: "switch" },
          h("input", {
            type: "checkbox",
            role: "switch",
            id: "room-waiting-room",
            checked: r.settings.waiting_room,
            onchange: (e: Event) => void this.setOption((e.target as HTMLInputElement).checked, null),
          }),
          "Waiting Room",
        ),
        h(
          "label",
          { class: "switch" },
          h("input", {
            type: "checkbox",
            role: "switch",
            id: "room-passcode",
            checked: r.passcode !== null,
            onchange: (e: Event) => void this.setOption(null, (e.target as HTMLInputElement).checked),
          }),
          "Passcode",
        ),
      ),
      this.error ? h("p", { class: "banner", role: "alert" }, this.error) : null,
      this.choose,
      h(
        "details",
        { class: "invitation" },
        h("summary", {}, "Show Meeting Invitation"),
        h("pre", { "data-testid": "pmi-window-invitation" }, r.invitation),
      ),
      h(
        "div",
        { class: "dialog-buttons" },
        h(
          "button",
          {
            type: "button",
            id: "pmi-start",
            class: "primary",
            onclick: async () => {
              try {
                await this.api.startPersonalRoom();
              } catch (err) {
                this.error = asErrorBody(err).message;
                this.render();
              }
            },
          },
          "Start",
        ),
        this.copyButton("copy-invitation", "Copy Invitation", "Copy Invitation", () => this.api.copyInvitation(null)),
        h(
          "button",
          {
            type: "button",
            id: "send-email",
            onclick: async () => {
              try {
                await this.api.emailInvitation();
              } catch (err) {
                this.error = asErrorBody(err).message;
                this.render();
              }
            },
          },
          "Send Email",
        ),
        h("button", { type: "button", id: "pmi-close", onclick: () => this.dialog?.close() }, "Close"),
      ),
    ));
  }

  /** The personal link's name, from the link (`…/my/<name>`), or "" without one. */
  private static vanityName(room: PersonalRoomView): string {
    const at = room.personal_link.lastIndexOf("/my/");
    return at >= 0 ? room.personal_link.slice(at + 4) : "";
  }

  /** Change the PMI and the personal link name, as Zoom's profile does: checked as typed (the
   * broken rule named, a taken name refused), then written, and every place shows the new ones. */
  private chooseSection(room: PersonalRoomView): HTMLElement {
    const pmi = h("input", { id: "new-pmi", type: "text", inputmode: "numeric", value: room.pmi_formatted, "aria-describedby": "err-pmi", autocomplete: "off" });
    const name = h("input", { id: "new-vanity", type: "text", value: PmiWindow.vanityName(room), "aria-describedby": "err-vanity_name vanity-status", autocomplete: "off", spellcheck: "false" });
    const pmiError = h("p", { class: "field-error", id: "err-pmi", role: "alert" });
    const nameError = h("p", { class: "field-error", id: "err-vanity_name", role: "alert" });
    const nameStatus = h("p", { class: "hint", id: "vanity-status", role: "status" });
    const say = (field: "pmi" | "vanity_name", err: unknown) => {
      const body = asErrorBody(err);
      const problem = body.fields.find((f) => f.field === field);
      (field === "pmi" ? pmiError : nameError).textContent = problem?.message ?? body.message;
      if (field === "vanity_name") nameStatus.textContent = "";
    };
    const check = (field: "pmi" | "vanity_name") => {
      window.clearTimeout(this.checkTimer);
      (field === "pmi" ? pmiError : nameError).textContent = "";
      nameStatus.textContent = "";
      const sent = field === "pmi" ? pmi.value : name.value;
      this.checkTimer = window.setTimeout(async () => {
        try {
          if (field === "pmi") {
            await this.api.checkPmi(pmi.value);
          } else {
            const checked = name.value;
            await this.api.checkVanityName(checked);
            // An answer for a name since changed says nothing about the one there now.
            if (name.value === checked) nameStatus.textContent = `${checked} is available.`;
          }
        } catch (err) {
          const typed = field === "pmi" ? pmi.value : name.value;
          if (typed === sent) say(field, err);
        }
      }, 300);
    };
    pmi.addEventListener("input", () => check("pmi"));
    name.addEventListener("input", () => check("vanity_name"));
    const change = async (field: "pmi" | "vanity_name") => {
      window.clearTimeout(this.checkTimer);
      try {
        this.room = field === "pmi" ? await this.api.setPmi(pmi.value) : await this.api.setVanityName(name.value);
        pmi.value = this.room.pmi_formatted;
        name.value = PmiWindow.vanityName(this.room);
        pmiError.textContent = "";
        nameError.textContent = "";
        nameStatus.textContent = field === "pmi" ? `Your Personal Meeting ID is now ${this.room.pmi_formatted}.` : `Your personal link is now ${this.room.personal_link}.`;
        this.render();
        await this.changed();
      } catch (err) {
        say(field, err);
      }
    };
    return h(
      "section",
      { class: "choose", "aria-labelledby": "choose-heading" },
      h("h3", { id: "choose-heading" }, "Your Personal Meeting ID and personal link"),
      h(
        "div",
        { class: "field" },
        h("label", { for: "new-pmi" }, "Personal Meeting ID"),
        h("div", { class: "row" }, pmi, h("button", { type: "button", id: "change-pmi", onclick: () => void change("pmi") }, "Change")),
        pmiError,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "new-vanity" }, "Personal link name"),
        h("div", { class: "row" }, h("span", { class: "hint" }, "…/my/"), name, h("button", { type: "button", id: "change-vanity", onclick: () => void change("vanity_name") }, "Change")),
        nameError,
        nameStatus,
      ),
    );
  }
}
