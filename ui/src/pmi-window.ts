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

  open(room: PersonalRoomView): void {
    this.room = room;
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
      this.room = await this.api.setRoomOptions(waitingRoom, passcode);
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
            checked: r.waiting_room,
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
}
