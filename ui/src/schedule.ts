// The Schedule dialog (and Edit, which is the same form filled in). Field errors show inline in
// words that say what to fix; a PMI meeting too close to another PMI meeting shows a warning that
// names it; if saving fails, the dialog stays open with everything typed.
import { asErrorBody, type Backend, type MeetingView, type Overview, type ScheduleRequest } from "./backend";
import type { Recurrence } from "./bindings/Recurrence";
import { h } from "./dom";
import { dateAndTime, dateAndTimeIn, nextHalfHour, systemTimeZone, timeZones, zonedToUtc } from "./format";

const FIELDS = ["topic", "date", "time", "duration", "time_zone", "recurrence", "meeting_id", "passcode"] as const;
type Field = (typeof FIELDS)[number];

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "field", "data-field": id },
    h("label", { for: `s-${id}` }, label),
    control,
    hint ? h("p", { class: "hint" }, hint) : null,
    h("p", { class: "field-error", id: `err-${id}`, "data-testid": `error-${id}` }),
  );
}

function options(values: [string, string][], selected: string): HTMLOptionElement[] {
  return values.map(([value, text]) => h("option", { value, selected: value === selected }, text));
}


export class ScheduleDialog {
  private dialog: HTMLDialogElement | null = null;
  private editing: MeetingView | null = null;
  private checkTimer = 0;
  private opener: HTMLElement | null = null;

  constructor(
    private readonly api: Backend,
    private readonly saved: () => Promise<void>,
  ) {}

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  open(overview: Overview, editing?: MeetingView): void {
    this.editing = editing ?? null;
    this.opener = document.activeElement as HTMLElement | null;
    this.dialog?.remove();
    this.dialog = this.build(overview, editing);
    document.body.append(this.dialog);
    this.dialog.showModal();
    // The passcode field follows the Meeting ID choice from the start (this also checks the schedule).
    this.meetingIdChanged();
    this.el<HTMLInputElement>("s-topic").focus();
  }

  close(): void {
    this.dialog?.close();
  }

  private el<T extends HTMLElement>(id: string): T {
    const node = this.dialog?.querySelector<T>(`#${id}`);
    if (!node) throw new Error(`missing #${id}`);
    return node;
  }

  /** The dialog for a new meeting (the account's defaults), or for `m` read whole, shown
   * exactly as it is so that Save changes only what the user changes. */
  private build(o: Overview, m?: MeetingView): HTMLDialogElement {
    const start = m?.start ? new Date(m.start) : nextHalfHour(new Date());
    // A new meeting starts in the system's time zone, as Zoom's client does; an edited one keeps
    // its own, and its time reads as that zone's clock.
    const zone = m?.time_zone ?? systemTimeZone();
    const { date, time } = m?.start ? dateAndTimeIn(start, zone) : dateAndTime(start);
    const duration = m?.duration_minutes ?? 60;
    const onPmi = m ? m.on_pmi : o.schedule_on_pmi_by_default;
    const repeats = m?.recurrence ?? null;
    const endBy = repeats?.end.kind === "by" ? repeats.end.value : null;
    const endByDate = endBy ? dateAndTimeIn(new Date(endBy), zone).date : "";
    const recheck = () => this.scheduleCheck();

    const hours = h(
      "select",
      { id: "s-duration-hours", "aria-label": "Duration hours", onchange: recheck },
      ...options(Array.from({ length: 25 }, (_, i) => [String(i), `${i} hr`] as [string, string]), String(Math.floor(duration / 60))),
    );
    // Every five minutes, and the meeting's own minutes when they are not (62 stays 62).
    const minuteValues = Array.from({ length: 12 }, (_, i) => i * 5);
    if (!minuteValues.includes(duration % 60)) minuteValues.push(duration % 60);
    minuteValues.sort((a, b) => a - b);
    const minutes = h(
      "select",
      { id: "s-duration", "aria-label": "Duration minutes", onchange: recheck },
      ...options(minuteValues.map((m) => [String(m), `${m} min`] as [string, string]), String(duration % 60)),
    );
    const recurring = h("input", { type: "checkbox", id: "s-recurring", checked: repeats !== null, onchange: () => this.toggleRecurrence() });
    const recurrence = h(
      "fieldset",
      { id: "s-recurrence", class: "recurrence", hidden: repeats === null },
      h("legend", {}, "Recurrence"),
      h(
        "div",
        { class: "row" },
        h("label", { for: "s-every" }, "Repeats"),
        h("select", { id: "s-every", onchange: () => this.toggleRecurrence() }, ...options([["day", "Daily"], ["week", "Weekly"], ["month", "Monthly"]], repeats?.every ?? "week")),
        h("label", { for: "s-interval" }, "every"),
        h("input", { id: "s-interval", type: "number", min: "1", max: "90", value: String(repeats?.interval ?? 1), class: "short" }),
      ),
      h(
        "div",
        { class: "row weekly", hidden: (repeats?.every ?? "week") !== "week" },
        ...["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map((d, i) =>
          h(
            "label",
            { class: "day" },
            h("input", { type: "checkbox", name: "s-day", value: String(i + 1), checked: repeats ? repeats.weekly_days.includes(i + 1) : i + 1 === start.getDay() + 1 }),
            d,
          ),
        ),
      ),
      h(
        "div",
        { class: "row monthly", hidden: repeats?.every !== "month" },
        h("label", { for: "s-monthday" }, "Day of the month"),
        h("input", { id: "s-monthday", type: "number", min: "1", max: "31", value: String(repeats?.monthly_day ?? start.getDate()), class: "short" }),
      ),
      h(
        "div",
        { class: "row" },
        h("label", { class: "radio" }, h("input", { type: "radio", name: "s-end", id: "s-end-after", value: "after", checked: endBy === null }), "End after"),
        h("input", { id: "s-end-times", type: "number", min: "1", max: "60", value: String(repeats?.end.kind === "after" ? repeats.end.value : 7), class: "short", "aria-label": "Occurrences" }),
        h("span", {}, "occurrences"),
      ),
      h(
        "div",
        { class: "row" },
        h("label", { class: "radio" }, h("input", { type: "radio", name: "s-end", id: "s-end-by", value: "by", checked: endBy !== null }), "End by"),
        // The exact end Zoom has is kept unless another date is chosen.
        h("input", { id: "s-end-date", type: "date", value: endByDate, "data-shown": endByDate, "data-exact": endBy ?? "", "aria-label": "Last date" }),
      ),
    );

    const pmiRadio = h("input", { type: "radio", name: "s-meeting-id", id: "s-use-pmi", value: "pmi", checked: onPmi, onchange: () => this.meetingIdChanged() });
    const autoRadio = h("input", { type: "radio", name: "s-meeting-id", id: "s-auto-id", value: "auto", checked: !onPmi, onchange: () => this.meetingIdChanged() });
    const meetingId = h(
      "fieldset",
      { class: "meeting-id-section", "data-field": "meeting_id" },
      h("legend", {}, "Meeting ID"),
      h("label", { class: "radio" }, autoRadio, "Generate Automatically"),
      h("label", { class: "radio" }, pmiRadio, "Personal Meeting ID ", h("span", { class: "menu-pmi" }, o.room.pmi_formatted)),
      h("p", { class: "field-error", id: "err-meeting_id", "data-testid": "error-meeting_id" }),
    );

    // An edited meeting shows its own passcode (a PMI meeting, the room's, shown by
    // meetingIdChanged); a new one starts from the account's default.
    const ownPasscode = m ? (m.on_pmi ? (o.new_meeting.passcode ?? "") : (m.passcode ?? "")) : (o.new_meeting.passcode ?? "");
    const passcodeWanted = m ? m.on_pmi || m.passcode !== null : o.new_meeting.passcode !== null;
    const passcodeOn = h("input", { type: "checkbox", id: "s-passcode-on", checked: passcodeWanted, onchange: () => this.meetingIdChanged() });
    const rules = o.passcode_rules;
    const passcodeHint = `${rules.min_length}–${rules.max_length} characters${rules.only_allow_numeric ? ", numbers only" : ""}${rules.have_letter ? ", with a letter" : ""}${rules.have_number ? ", with a number" : ""}.`;
    const passcode = h(
      "div",
      { class: "field", "data-field": "passcode" },
      h("label", { class: "check" }, passcodeOn, "Passcode"),
      h("input", {
        id: "s-passcode",
        type: "text",
        maxlength: String(rules.max_length),
        value: ownPasscode,
        "data-pmi-passcode": o.room.passcode ?? "",
        "aria-describedby": "err-passcode s-passcode-hint",
        "aria-label": "Passcode",
      }),
      h("p", { class: "hint", id: "s-passcode-hint", "data-rules": passcodeHint }, passcodeHint),
      h("p", { class: "field-error", id: "err-passcode", "data-testid": "error-passcode" }),
    );

    const video = (id: string, label: string, on: boolean) =>
      h(
        "div",
        { class: "video", role: "radiogroup", "aria-label": label },
        h("span", {}, label),
        h("label", { class: "radio" }, h("input", { type: "radio", name: id, id: `${id}-on`, value: "on", checked: on }), "On"),
        h("label", { class: "radio" }, h("input", { type: "radio", name: id, id: `${id}-off`, value: "off", checked: !on }), "Off"),
      );

    const form = h(
      "form",
      {
        method: "dialog",
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.save();
        },
      },
      h("h2", { id: "schedule-title" }, m ? "Edit Meeting" : "Schedule Meeting"),
      field("topic", "Topic", h("input", { id: "s-topic", type: "text", maxlength: "200", value: m?.topic ?? `${o.room.display_name}'s Zoom Meeting`, "aria-describedby": "err-topic", required: true })),
      h(
        "div",
        { class: "row when" },
        field("date", "Date", h("input", { id: "s-date", type: "date", value: date, "aria-describedby": "err-date", onchange: recheck })),
        field("time", "Time", h("input", { id: "s-time", type: "time", value: time, "aria-describedby": "err-time", onchange: recheck })),
        h(
          "div",
          { class: "field", "data-field": "duration" },
          h("label", { for: "s-duration-hours" }, "Duration"),
          h("div", { class: "row" }, hours, minutes),
          h("p", { class: "field-error", id: "err-duration", "data-testid": "error-duration" }),
        ),
      ),
      field("time_zone", "Time Zone", h("select", { id: "s-time_zone", "aria-describedby": "err-time_zone", onchange: recheck }, ...options(timeZones(zone).map((z) => [z, z.replace(/_/g, " ")] as [string, string]), zone))),
      h("div", { class: "field" }, h("label", { class: "check" }, recurring, "Recurring meeting")),
      recurrence,
      h("p", { class: "field-error", id: "err-recurrence", "data-testid": "error-recurrence" }),
      meetingId,
      h("div", { class: "warning", id: "s-warning", role: "status", "aria-live": "polite", "data-testid": "pmi-warning", hidden: true }),
      h(
        "fieldset",
        {},
        h("legend", {}, "Security"),
        passcode,
        h("label", { class: "check" }, h("input", { type: "checkbox", id: "s-waiting-room", checked: m ? m.waiting_room : o.new_meeting.waiting_room }), "Waiting Room"),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Video"),
        video("s-host-video", "Host", m ? m.host_video : o.new_meeting.host_video),
        video("s-participant-video", "Participants", m ? m.participant_video : o.new_meeting.participant_video),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, "Calendar"),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "s-calendar", id: "s-calendar-ics", value: "ics" }), "Other Calendars (.ics file)"),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "s-calendar", id: "s-calendar-none", value: "none", checked: true }), "None"),
      ),
      h("div", { class: "banner", role: "alert", id: "s-failure", "data-testid": "schedule-failure", hidden: true }),
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", id: "s-cancel", onclick: () => this.close() }, "Cancel"),
        h("button", { type: "submit", id: "s-save", class: "primary" }, "Save"),
      ),
    );
    const dialog = h("dialog", { class: "schedule", "aria-labelledby": "schedule-title", "data-testid": "schedule-dialog" }, form);
    dialog.addEventListener("close", () => {
      window.clearTimeout(this.checkTimer);
      dialog.remove();
      this.opener?.focus();
    });
    for (const id of ["s-topic"]) dialog.querySelector(`#${id}`)?.addEventListener("input", recheck);
    return dialog;
  }

  private toggleRecurrence(): void {
    const on = this.el<HTMLInputElement>("s-recurring").checked;
    this.el("s-recurrence").hidden = !on;
    const every = this.el<HTMLSelectElement>("s-every").value;
    this.dialog?.querySelector<HTMLElement>(".weekly")?.toggleAttribute("hidden", every !== "week");
    this.dialog?.querySelector<HTMLElement>(".monthly")?.toggleAttribute("hidden", every !== "month");
    this.scheduleCheck();
  }

  private meetingIdChanged(): void {
    if (!this.dialog) return;
    const onPmi = this.el<HTMLInputElement>("s-use-pmi").checked;
    const passcodeOn = this.el<HTMLInputElement>("s-passcode-on");
    const input = this.el<HTMLInputElement>("s-passcode");
    passcodeOn.disabled = onPmi;
    input.disabled = onPmi || !passcodeOn.checked;
    // On the PMI the field shows the PMI's own passcode; off it, what the user had.
    if (onPmi && input.dataset.own === undefined) {
      input.dataset.own = input.value;
      input.value = input.dataset.pmiPasscode ?? "";
    } else if (!onPmi && input.dataset.own !== undefined) {
      input.value = input.dataset.own;
      delete input.dataset.own;
    }
    const hint = this.el("s-passcode-hint");
    hint.textContent = onPmi ? "Meetings on your Personal Meeting ID use its passcode." : (hint.dataset.rules ?? "");
    this.scheduleCheck();
  }

  /** The form as the backend takes it. */
  request(): ScheduleRequest {
    const v = (id: string) => this.el<HTMLInputElement | HTMLSelectElement>(id).value;
    const checked = (id: string) => this.el<HTMLInputElement>(id).checked;
    const onPmi = checked("s-use-pmi");
    let recurrence: Recurrence | null = null;
    if (checked("s-recurring")) {
      const every = v("s-every") as Recurrence["every"];
      const days = Array.from(this.dialog?.querySelectorAll<HTMLInputElement>("input[name=s-day]:checked") ?? []).map((d) => Number(d.value));
      recurrence = {
        every,
        interval: Number(v("s-interval")) || 0,
        weekly_days: every === "week" ? days : [],
        monthly_day: every === "month" ? Number(v("s-monthday")) || null : null,
        end: checked("s-end-by") ? { kind: "by", value: this.endBy() } : { kind: "after", value: Number(v("s-end-times")) || 0 },
      };
    }
    return {
      topic: v("s-topic"),
      date: v("s-date"),
      time: v("s-time"),
      duration_minutes: Number(v("s-duration-hours")) * 60 + Number(v("s-duration")),
      time_zone: v("s-time_zone"),
      recurrence,
      use_pmi: onPmi,
      passcode: !onPmi && checked("s-passcode-on") ? v("s-passcode") : null,
      waiting_room: checked("s-waiting-room"),
      host_video: checked("s-host-video-on"),
      participant_video: checked("s-participant-video-on"),
    };
  }

  /** The "End by" date as Zoom takes it: the exact end it had, unless another date was chosen
   * (then the end of that day on the meeting's own clock). */
  private endBy(): string {
    const input = this.el<HTMLInputElement>("s-end-date");
    if (input.value === input.dataset.shown && input.dataset.exact) return input.dataset.exact;
    const zone = this.el<HTMLSelectElement>("s-time_zone").value;
    return input.value ? zonedToUtc(input.value, "23:59", zone) : "";
  }

  private scheduleCheck(): void {
    window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => void this.check(), 250);
  }

  /** Asks whether this PMI meeting overlaps or runs back-to-back with another PMI meeting. */
  async check(): Promise<void> {
    if (!this.dialog?.open) return;
    const box = this.el("s-warning");
    try {
      const warnings = await this.api.checkSchedule(this.request(), this.editing?.id ?? null);
      box.replaceChildren(...warnings.map((w) => h("p", { "data-testid": "pmi-warning-text" }, w.message)));
      box.hidden = warnings.length === 0;
    } catch (e) {
      // The check could not run (the service did not answer): say so rather than look clear.
      const error = asErrorBody(e);
      box.replaceChildren(
        h("p", { "data-testid": "pmi-check-failed" }, `Could not check this time against your other PMI meetings: ${error.message}`),
      );
      box.hidden = false;
    }
  }

  private showProblems(problems: { field: string; message: string }[]): void {
    for (const f of FIELDS) {
      const err = this.dialog?.querySelector<HTMLElement>(`#err-${f}`);
      if (err) err.textContent = "";
      this.dialog?.querySelector(`#s-${f}`)?.removeAttribute("aria-invalid");
    }
    let first: HTMLElement | null = null;
    for (const p of problems) {
      const name: Field = (FIELDS as readonly string[]).includes(p.field) ? (p.field as Field) : "topic";
      const err = this.dialog?.querySelector<HTMLElement>(`#err-${name}`);
      if (err) err.textContent = err.textContent ? `${err.textContent} ${p.message}` : p.message;
      const input = this.dialog?.querySelector<HTMLElement>(`#s-${name}`);
      input?.setAttribute("aria-invalid", "true");
      first ??= input ?? null;
    }
    first?.focus();
  }

  async save(): Promise<void> {
    const failure = this.el("s-failure");
    failure.hidden = true;
    const button = this.el<HTMLButtonElement>("s-save");
    button.disabled = true;
    try {
      const request = this.request();
      if (this.editing) {
        await this.api.updateMeeting(this.editing.id, request);
      } else {
        const result = await this.api.scheduleMeeting(request, this.el<HTMLInputElement>("s-calendar-ics").checked);
        const said = result.calendar_problem
          ? `Scheduled “${result.meeting.topic}”, but its calendar file could not be saved: ${result.calendar_problem}`
          : result.calendar_file
            ? `Saved the calendar file ${result.calendar_file}`
            : null;
        if (said) document.dispatchEvent(new CustomEvent("pmi-desk:status", { detail: said }));
      }
      this.showProblems([]);
      this.close();
      await this.saved();
    } catch (e) {
      const error = asErrorBody(e);
      if (error.fields.length > 0) {
        this.showProblems(error.fields);
      } else {
        this.showProblems([]);
        // When the service may have made it, Save again could make it twice: say to look first.
        failure.textContent =
          error.kind === "unconfirmed"
            ? `${error.message} Your meetings are being read again; Save only if it is not among them.`
            : `${error.message} Nothing you typed was lost; try Save again.`;
        failure.hidden = false;
        if (error.kind === "unconfirmed") await this.saved();
      }
    } finally {
      button.disabled = false;
    }
  }
}
