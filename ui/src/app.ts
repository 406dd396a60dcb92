// The Meetings tab: the personal room on top, New Meeting (with its dropdown), Schedule, the
// Personal Meeting ID button, and the upcoming meetings. Errors show in a banner with Retry and
// never wipe what was already shown.
import { asErrorBody, type Backend, type ErrorBody, type MeetingView, type Overview } from "./backend";
import { chooseDialog, confirmDialog } from "./confirm";
import { flashCopied, h, present } from "./dom";
import { formatDuration, formatStart } from "./format";
import { PmiWindow } from "./pmi-window";
import { ScheduleDialog } from "./schedule";
import { SettingsDialog } from "./settings";

export class App {
  overview: Overview | null = null;
  loading = false;
  error: ErrorBody | null = null;
  status = "";
  menuOpen = false;
  private readonly tab: HTMLElement;
  readonly schedule: ScheduleDialog;
  readonly pmiWindow: PmiWindow;
  readonly settings: SettingsDialog;

  constructor(
    private readonly root: HTMLElement,
    readonly api: Backend,
  ) {
    this.tab = h("div", { class: "meetings-tab" });
    this.root.replaceChildren(this.tab);
    this.schedule = new ScheduleDialog(api, () => this.load());
    this.pmiWindow = new PmiWindow(api, () => this.load());
    this.settings = new SettingsDialog(api, () => this.load());
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.menuOpen) this.closeMenu(true);
    });
    document.addEventListener("click", (e) => {
      if (this.menuOpen && !(e.target as Element).closest?.(".split-button")) this.closeMenu(false);
    });
  }

  /** Counts loads, so an answer that comes back after a newer load began (say, from the
   * account in use before a sign-in) is dropped instead of showing the wrong account. */
  private loads = 0;

  async load(): Promise<void> {
    const mine = ++this.loads;
    this.loading = true;
    this.render();
    try {
      const overview = await this.api.overview();
      if (mine !== this.loads) return;
      this.overview = overview;
      this.error = null;
    } catch (e) {
      if (mine !== this.loads) return;
      this.error = asErrorBody(e);
    } finally {
      if (mine === this.loads) {
        this.loading = false;
        this.render();
      }
    }
  }

  say(status: string): void {
    this.status = status;
    this.render();
  }

  private fail(e: unknown): void {
    this.error = asErrorBody(e);
    this.render();
  }

  render(): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    this.tab.replaceChildren(...present(this.toolbar(), this.banner(), this.statusLine(), this.body()));
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private toolbar(): HTMLElement {
    const o = this.overview;
    return h(
      "header",
      { class: "toolbar" },
      h(
        "div",
        { class: "split-button" },
        h(
          "button",
          { id: "new-meeting", class: "primary", type: "button", disabled: !o, onclick: () => void this.newMeeting() },
          "New Meeting",
        ),
        h(
          "button",
          {
            id: "new-meeting-menu",
            class: "primary arrow",
            type: "button",
            "aria-label": "New Meeting options",
            "aria-haspopup": "menu",
            "aria-expanded": String(this.menuOpen),
            "aria-controls": "new-meeting-dropdown",
            disabled: !o,
            onclick: () => (this.menuOpen ? this.closeMenu(true) : this.openMenu()),
            onkeydown: (e: Event) => {
              if ((e as KeyboardEvent).key === "ArrowDown") {
                e.preventDefault();
                this.openMenu();
              }
            },
          },
          "▾",
        ),
        this.menuOpen && o ? this.dropdown(o) : null,
      ),
      h("button", { id: "schedule", type: "button", disabled: !o, onclick: () => this.openSchedule() }, "Schedule"),
      h("span", { class: "spacer" }),
      h(
        "button",
        { id: "open-pmi", type: "button", disabled: !o, onclick: () => o && this.pmiWindow.open(o.room) },
        "Personal Meeting ID",
      ),
      h(
        "button",
        { id: "open-settings", type: "button", "aria-label": "Settings", onclick: () => void this.settings.open() },
        "Settings",
      ),
    );
  }

  private dropdown(o: Overview): HTMLElement {
    const choice = o.instant_pmi;
    const usePmi = h(
      "div",
      {
        id: "use-pmi",
        role: "menuitemcheckbox",
        "aria-checked": String(choice.checked),
        "aria-disabled": choice.locked ? "true" : null,
        tabindex: "-1",
        class: "menu-item",
        "data-testid": "use-pmi",
        onclick: () => void this.toggleInstantPmi(),
        onkeydown: (e: Event) => this.menuKey(e as KeyboardEvent),
      },
      h("span", { class: "check", "aria-hidden": "true" }, choice.checked ? "✓" : ""),
      h(
        "span",
        { class: "menu-label" },
        "Use my Personal Meeting ID (PMI)",
        h("span", { class: "menu-pmi" }, o.room.pmi_formatted),
        choice.locked
          ? h("span", { class: "locked-note", "data-testid": "use-pmi-locked" }, "Locked by your account admin")
          : null,
      ),
    );
    const settings = h(
      "div",
      {
        id: "pmi-settings",
        role: "menuitem",
        tabindex: "-1",
        class: "menu-item",
        onclick: () => {
          this.closeMenu(false);
          this.pmiWindow.open(o.room);
        },
        onkeydown: (e: Event) => this.menuKey(e as KeyboardEvent),
      },
      h("span", { class: "check", "aria-hidden": "true" }),
      h("span", { class: "menu-label" }, "PMI Settings"),
    );
    return h(
      "div",
      { id: "new-meeting-dropdown", role: "menu", "aria-label": "New Meeting options", class: "menu" },
      usePmi,
      settings,
    );
  }

  private menuItems(): HTMLElement[] {
    return Array.from(document.querySelectorAll<HTMLElement>("#new-meeting-dropdown .menu-item"));
  }

  private menuKey(e: KeyboardEvent): void {
    const items = this.menuItems();
    const index = items.indexOf(e.currentTarget as HTMLElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = (index + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      (e.currentTarget as HTMLElement).click();
    } else if (e.key === "Tab") {
      this.closeMenu(false);
    }
  }

  private openMenu(): void {
    this.menuOpen = true;
    this.render();
    this.menuItems()[0]?.focus();
  }

  closeMenu(returnFocus: boolean): void {
    this.menuOpen = false;
    this.render();
    if (returnFocus) document.getElementById("new-meeting-menu")?.focus();
  }

  private async toggleInstantPmi(): Promise<void> {
    const o = this.overview;
    if (!o || o.instant_pmi.locked) return;
    const wanted = !o.instant_pmi.checked;
    try {
      const result = await this.api.setInstantPmi(wanted);
      o.instant_pmi = result;
      this.status = result.locked
        ? "Your account admin has locked this setting."
        : result.checked
          ? "New meetings will use your Personal Meeting ID."
          : "New meetings will get a new meeting ID.";
      this.error = null;
    } catch (e) {
      this.error = asErrorBody(e);
    }
    this.render();
    document.getElementById("use-pmi")?.focus();
  }

  /** When a session in the personal room now would run into a PMI meeting: asks whether to
   * start anyway or use a new ID ("start" | "new"), or null when cancelled. Nothing to ask:
   * "start". A check that cannot run does not stop the start. */
  private async askBeforeStartingOnPmi(flagged: boolean): Promise<"start" | "new" | null> {
    // `flagged`: the tray already found a PMI meeting near (from its cache); when the check
    // cannot run now, ask all the same rather than start.
    const busy = await this.api.pmiBusyNow().catch(() => (flagged ? undefined : null));
    if (busy === null) return "start";
    const at = busy ? new Date(busy.other_start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
    const choice = await chooseDialog(
      busy ? `“${busy.other_topic}” is at ${at} on your PMI` : "A meeting on your PMI is near",
      "Anyone with your Personal Meeting ID link can walk into this session too. Start in your personal room anyway, or start this one on a new meeting ID?",
      [
        { id: "new", label: "Use a new ID", primary: true },
        { id: "start", label: "Start anyway" },
      ],
    );
    return choice === "start" || choice === "new" ? choice : null;
  }

  /** Start on the personal room, asking first when a PMI meeting is near (`flagged`: the tray
   * already saw one). */
  async startRoom(flagged = false): Promise<void> {
    const r = this.overview?.room;
    const choice = await this.askBeforeStartingOnPmi(flagged);
    if (choice === null) return;
    try {
      if (choice === "new") {
        const started = await this.api.newMeeting(true);
        this.say(`Started a new meeting · Meeting ID ${started.meeting.join_number_formatted}`);
      } else {
        await this.api.startPersonalRoom();
        this.say(`Started your personal room · ${r?.pmi_formatted ?? ""}`);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  async newMeeting(flagged = false): Promise<void> {
    let ownId = false;
    if (flagged || this.overview?.instant_pmi.checked) {
      const choice = await this.askBeforeStartingOnPmi(flagged);
      if (choice === null) return;
      ownId = choice === "new";
    }
    try {
      const started = await this.api.newMeeting(ownId);
      this.error = null;
      const where = started.meeting.join_number_formatted;
      this.say(`Started a new meeting · Meeting ID ${where}${this.overview && this.isPmi(where) ? " (your PMI)" : ""}`);
    } catch (e) {
      this.fail(e);
    }
  }

  private isPmi(formatted: string): boolean {
    return this.overview?.room.pmi_formatted === formatted;
  }

  /** Edit: the meeting read whole first (lists leave out its passcode and settings), so the
   * dialog shows it exactly as it is. */
  private async edit(m: MeetingView): Promise<void> {
    try {
      const full = await this.api.meeting(m.id);
      this.openSchedule(full);
    } catch (e) {
      this.fail(e);
    }
  }

  openSchedule(meeting?: MeetingView): void {
    if (this.overview) this.schedule.open(this.overview, meeting);
  }

  /** The error to show: the last action's, or why the overview is the last one seen. */
  private problem(): ErrorBody | null {
    return this.error ?? this.overview?.stale ?? null;
  }

  private banner(): HTMLElement | null {
    const problem = this.problem();
    if (!problem) return null;
    const signIn = problem.kind === "sign_in_again";
    return h(
      "div",
      { class: "banner", role: "alert", "data-testid": "error-banner" },
      h("span", {}, problem.message),
      signIn
        ? h("button", { type: "button", id: "sign-in-again", onclick: () => void this.signInAgain() }, "Sign in again")
        : h("button", { type: "button", id: "retry", onclick: () => void this.load() }, "Retry"),
    );
  }

  /** "Sign in again": the browser sign-in, then the account's data afresh. */
  private async signInAgain(): Promise<void> {
    this.say("Waiting for Zoom in your browser…");
    try {
      await this.api.signIn(null);
      this.status = "";
      await this.load();
    } catch (e) {
      this.status = "";
      this.fail(e);
    }
  }

  private statusLine(): HTMLElement {
    return h("p", { class: "status", role: "status", "data-testid": "status" }, this.status);
  }

  private body(): HTMLElement {
    const o = this.overview;
    if (!o) {
      return h(
        "p",
        { class: "loading", role: "status" },
        this.loading ? "Loading your meetings…" : "Nothing to show yet.",
      );
    }
    return h("div", { class: "content" }, this.roomRow(o), this.upcoming(o));
  }

  private roomRow(o: Overview): HTMLElement {
    const r = o.room;
    const copy = h(
      "button",
      {
        type: "button",
        "data-testid": "room-copy-invitation",
        onclick: async (e: Event) => {
          try {
            await this.api.copyInvitation(null);
            flashCopied(e.currentTarget as HTMLButtonElement);
          } catch (err) {
            this.fail(err);
          }
        },
      },
      "Copy Invitation",
    );
    return h(
      "section",
      { class: "room", "aria-labelledby": "room-heading" },
      h("h2", { id: "room-heading" }, "Personal Meeting ID (PMI)"),
      h("p", { class: "pmi", "data-testid": "pmi" }, r.pmi_formatted),
      h("p", { class: "link", "data-testid": "personal-link" }, r.personal_link),
      r.offline ? h("p", { class: "offline" }, "Shown from the last time the service answered.") : null,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "primary",
            "data-testid": "room-start",
            onclick: () => void this.startRoom(),
          },
          "Start",
        ),
        copy,
        h("button", { type: "button", "data-testid": "room-edit", onclick: () => this.pmiWindow.open(r) }, "Edit"),
      ),
    );
  }

  private upcoming(o: Overview): HTMLElement {
    const list =
      o.meetings.length === 0
        ? h("p", { class: "empty", "data-testid": "no-meetings" }, "No upcoming meetings. Schedule one to see it here.")
        : h("ul", { class: "meeting-list" }, ...o.meetings.map((m) => this.meetingRow(m)));
    return h("section", { class: "upcoming", "aria-labelledby": "upcoming-heading" }, h("h2", { id: "upcoming-heading" }, "Upcoming"), list);
  }

  private meetingRow(m: MeetingView): HTMLElement {
    const copy = h(
      "button",
      {
        type: "button",
        onclick: async (e: Event) => {
          try {
            await this.api.copyInvitation(m.id);
            flashCopied(e.currentTarget as HTMLButtonElement);
          } catch (err) {
            this.fail(err);
          }
        },
      },
      "Copy Invitation",
    );
    return h(
      "li",
      { class: "meeting", "data-testid": "meeting", "data-id": String(m.id) },
      h(
        "div",
        { class: "meeting-main" },
        h("h3", { class: "topic" }, m.topic),
        h(
          "p",
          { class: "when" },
          `${formatStart(m.start)} · ${formatDuration(m.duration_minutes)}`,
          m.recurring ? " · Recurring" : "",
        ),
        h(
          "p",
          { class: "meeting-id" },
          `Meeting ID: ${m.join_number_formatted}`,
          m.on_pmi ? h("span", { class: "badge", "data-testid": "pmi-badge" }, "PMI") : null,
        ),
        h("p", { class: "link", "data-testid": "join-link" }, m.join_link),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "primary",
            onclick: async () => {
              try {
                await this.api.startMeeting(m.id);
                this.say(`Started “${m.topic}”`);
              } catch (err) {
                this.fail(err);
              }
            },
          },
          "Start",
        ),
        copy,
        h("button", { type: "button", "data-testid": "meeting-edit", onclick: () => void this.edit(m) }, "Edit"),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            onclick: async () => {
              if (!(await confirmDialog(`Delete “${m.topic}”?`, "People who have the link will no longer be able to join it.", "Delete"))) return;
              try {
                await this.api.deleteMeeting(m.id);
                this.say(`Deleted “${m.topic}”`);
                await this.load();
              } catch (err) {
                this.fail(err);
              }
            },
          },
          "Delete",
        ),
      ),
    );
  }
}
