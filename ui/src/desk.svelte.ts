// The window's state and what its buttons do: the overview (what was shown is kept when a read
// fails), the error and status lines, the selected item of the Meetings list, and which dialog is
// open. Components show it and call these methods; only backend.ts talks to Rust.
import {
  asErrorBody,
  backend,
  type AccountView,
  type ErrorBody,
  type JoinOffer,
  type JoinView,
  type MeetingView,
  type Overview,
  type PersonalRoomView,
  type Preferences,
} from "./backend";
import { chooseDialog, confirmDialog } from "./questions.svelte";

const ALREADY_STARTING = "A start is already under way: one at a time.";

/** An item of the Meetings list: the personal room, or a meeting by its id. */
export type Selection = "pmi" | number;

export class Desk {
  overview = $state<Overview | null>(null);
  loading = $state(false);
  error = $state<ErrorBody | null>(null);
  status = $state("");
  /** Kept by meeting id across reloads; the personal room when that meeting is gone. */
  selected = $state<Selection>("pmi");
  /** When the overview was read: the list's Today and Tomorrow count from then. */
  readAt = $state(new Date());

  // The open dialogs (null when closed), with what each was opened on.
  scheduling = $state.raw<{ overview: Overview; meeting: MeetingView | null } | null>(null);
  pmiWindow = $state.raw<PersonalRoomView | null>(null);
  settings = $state.raw<{ preferences: Preferences; account: AccountView } | null>(null);
  /** Join, with the text it opens on. */
  joining = $state.raw<{ text: string } | null>(null);
  /** A Zoom link found on the clipboard, offered once. */
  offer = $state.raw<JoinOffer | null>(null);
  /** A start under way (`start`). */
  #starting = false;

  /** Counts loads, so an answer that comes back after a newer load began (say, from the
   * account in use before a sign-in) is dropped instead of showing the wrong account. */
  #loads = 0;

  /** The error to show: the last action's, or why the overview is the last one seen. */
  get problem(): ErrorBody | null {
    return this.error ?? this.overview?.stale ?? null;
  }

  /** The selected meeting, or null when the personal room is selected. */
  get selectedMeeting(): MeetingView | null {
    const id = this.selected;
    if (id === "pmi") return null;
    return this.overview?.meetings.find((m) => m.id === id) ?? null;
  }

  /** The overview the app put in the page as it served it (read while the window loaded), or
   * null when the page has none or it does not read. The element is the app's
   * (src-tauri/src/page.rs); it stays in the page. */
  static launchOverview(page: Document = document): Overview | null {
    const carrier = page.getElementById("launch-overview");
    if (!carrier) return null;
    try {
      return JSON.parse(carrier.textContent ?? "") as Overview;
    } catch {
      return null;
    }
  }

  /** Shows the overview the page carries (`launchOverview`), so the first frame shows the
   * personal room; taken once. False when the page has none, and the window asks with `load`. */
  showLaunchOverview(page: Document = document): boolean {
    const overview = Desk.launchOverview(page);
    page.getElementById("launch-overview")?.remove();
    if (!overview) return false;
    this.overview = overview;
    this.readAt = new Date();
    return true;
  }

  async load(): Promise<void> {
    await this.#read();
  }

  /** Reads the overview and shows it (or why it could not be read), unless a later read began
   * meanwhile; returns what this read got, shown or not, or null when it failed. */
  async #read(): Promise<Overview | null> {
    const mine = ++this.#loads;
    this.loading = true;
    try {
      const overview = await backend.overview();
      if (mine !== this.#loads) return overview;
      this.overview = overview;
      this.readAt = new Date();
      this.error = null;
      if (this.selected !== "pmi" && !overview.meetings.some((m) => m.id === this.selected)) this.selected = "pmi";
      return overview;
    } catch (e) {
      if (mine === this.#loads) this.error = asErrorBody(e);
      return null;
    } finally {
      if (mine === this.#loads) this.loading = false;
    }
  }

  /** After a PMI or personal link change Zoom took but whose room could not be read back
   * (`unread`, a `changed_unread` error): the tab reads again. The room read, for the PMI
   * window to show; when it still cannot be read, no room from before the change stays on
   * screen: the tab shows none and the PMI window closes (the app keeps none either), and the
   * banner says the change was made, with Retry. */
  async rereadAfterUnread(unread: unknown): Promise<PersonalRoomView | null> {
    const read = await this.#read();
    if (read) return read.room;
    // A later read that showed a room has cleared the error: that room stays.
    if (this.error) {
      this.overview = null;
      this.pmiWindow = null;
      this.error = asErrorBody(unread);
    }
    return null;
  }

  say(status: string): void {
    this.status = status;
  }

  fail(e: unknown): void {
    this.error = asErrorBody(e);
  }

  select(item: Selection): void {
    this.selected = item;
  }

  async toggleInstantPmi(): Promise<void> {
    const o = this.overview;
    if (!o || o.instant_pmi.locked) return;
    try {
      const result = await backend.setInstantPmi(!o.instant_pmi.checked);
      o.instant_pmi = result;
      this.status = result.locked
        ? "Your account admin has locked this setting."
        : result.checked
          ? "New meetings will use your Personal Meeting ID."
          : "New meetings will get a new meeting ID.";
      this.error = null;
    } catch (e) {
      this.fail(e);
    }
  }

  /** When a session in the personal room now would run into a PMI meeting: asks whether to
   * start anyway or use a new ID ("start" | "new"), or null when cancelled. Nothing to ask:
   * "start". A check that cannot run does not stop the start. */
  private async askBeforeStartingOnPmi(flagged: boolean): Promise<"start" | "new" | null> {
    // `flagged`: the tray already found a PMI meeting near (from its cache); when the check
    // cannot run now, ask all the same rather than start.
    const busy = await backend.pmiBusyNow().catch(() => (flagged ? undefined : null));
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

  /** Runs a start (New Meeting, the room's Start, a meeting's Start) unless one is under way:
   * a second click meanwhile (a double click) does nothing, so it makes one meeting, as the
   * tray's New meeting does. Checked and set before the first await, so even a second click
   * dispatched in the same task as the first is turned away. */
  private async start(run: () => Promise<void>): Promise<void> {
    if (this.#starting) {
      // Said, not silent: the click (or the tray's Start, which comes here to ask first) did
      // nothing because the start before it, or its question, is still under way.
      this.say(ALREADY_STARTING);
      return;
    }
    this.#starting = true;
    try {
      await run();
    } finally {
      this.#starting = false;
      // The start said nothing of its own (its question was cancelled): no start is under way.
      if (this.status === ALREADY_STARTING) this.status = "";
    }
  }

  /** Start on the personal room, asking first when a PMI meeting is near (`flagged`: the tray
   * already saw one). */
  startRoom(flagged = false): Promise<void> {
    return this.start(async () => {
      const r = this.overview?.room;
      const choice = await this.askBeforeStartingOnPmi(flagged);
      if (choice === null) return;
      try {
        if (choice === "new") {
          const started = await backend.newMeeting(true);
          this.say(`Started a new meeting · Meeting ID ${started.meeting.join_number_formatted}`);
        } else {
          await backend.startPersonalRoom();
          this.say(`Started your personal room · ${r?.pmi_formatted ?? ""}`);
        }
      } catch (err) {
        this.fail(err);
      }
    });
  }

  newMeeting(flagged = false): Promise<void> {
    return this.start(async () => {
      let ownId = false;
      if (flagged || this.overview?.instant_pmi.checked) {
        const choice = await this.askBeforeStartingOnPmi(flagged);
        if (choice === null) return;
        ownId = choice === "new";
      }
      try {
        const started = await backend.newMeeting(ownId);
        this.error = null;
        const where = started.meeting.join_number_formatted;
        const onPmi = this.overview?.room.pmi_formatted === where;
        this.say(`Started a new meeting · Meeting ID ${where}${onPmi ? " (your PMI)" : ""}`);
      } catch (e) {
        this.fail(e);
      }
    });
  }

  startMeeting(m: MeetingView): Promise<void> {
    return this.start(async () => {
      try {
        await backend.startMeeting(m.id);
        this.say(`Started “${m.topic}”`);
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** Enter on the list: the selected item starts. */
  async startSelected(): Promise<void> {
    const m = this.selectedMeeting;
    await (m ? this.startMeeting(m) : this.startRoom());
  }

  /** Edit: the meeting read whole first (lists leave out its passcode and settings), so the
   * dialog shows it exactly as it is. */
  async edit(m: MeetingView): Promise<void> {
    try {
      this.openSchedule(await backend.meeting(m.id));
    } catch (e) {
      this.fail(e);
    }
  }

  /** Delete, once the user confirms; true when it was deleted. */
  async remove(m: MeetingView): Promise<boolean> {
    if (!(await confirmDialog(`Delete “${m.topic}”?`, "People who have the link will no longer be able to join it.", "Delete")))
      return false;
    try {
      await backend.deleteMeeting(m.id);
      this.say(`Deleted “${m.topic}”`);
      await this.load();
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  /** The Schedule dialog, or Edit (the same form filled in) for `meeting` read whole. */
  openSchedule(meeting?: MeetingView): void {
    if (this.overview) this.scheduling = { overview: $state.snapshot(this.overview), meeting: meeting ?? null };
  }

  openJoin(text = ""): void {
    this.offer = null;
    this.joining = { text };
  }

  joined(view: JoinView): void {
    this.status = `Joining: ${view.understood}.`;
  }

  /** When the window gains focus: a Zoom link on the clipboard not offered before. */
  async checkClipboard(): Promise<void> {
    if (this.joining) return;
    const offer = await backend.joinOffer().catch(() => null);
    if (offer) this.offer = offer;
  }

  /** The offer's Join: opens the link at once. */
  async joinOffered(): Promise<void> {
    const offer = this.offer;
    if (!offer) return;
    this.offer = null;
    try {
      this.joined(await backend.join(offer.text));
      this.error = null;
    } catch (e) {
      this.fail(e);
    }
  }

  openPmiWindow(): void {
    if (this.overview) this.pmiWindow = $state.snapshot(this.overview.room);
  }

  async openSettings(): Promise<void> {
    try {
      const [preferences, account] = await Promise.all([backend.preferences(), backend.account()]);
      this.settings = { preferences, account };
    } catch (err) {
      window.alert(asErrorBody(err).message);
    }
  }

  /** "Sign in again": the browser sign-in, then the account's data afresh. */
  async signInAgain(): Promise<void> {
    this.say("Waiting for Zoom in your browser…");
    try {
      await backend.signIn(null);
      this.status = "";
      await this.load();
    } catch (e) {
      this.status = "";
      this.fail(e);
    }
  }
}
