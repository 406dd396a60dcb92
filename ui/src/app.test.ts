import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import App from "./App.svelte";
import type { MeetingView, Overview, WindowAsk } from "./backend";
import { Desk } from "./desk.svelte";
import { openWindow } from "./start";
import { asking } from "./questions.svelte";
import { overview } from "./test-fixtures";


type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

let shown: ReturnType<typeof mount> | null = null;

/** The window on a fresh Desk, as main.ts mounts it, with its first overview read. */
function start(): { desk: Desk; root: HTMLElement } {
  const root = document.createElement("main");
  document.body.replaceChildren(root);
  const desk = new Desk();
  shown = mount(App, { target: root, props: { desk } });
  return { desk, root };
}

async function open(handler: Handler): Promise<{ desk: Desk; root: HTMLElement; calls: string[] }> {
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    return handler(cmd, (args ?? {}) as Record<string, unknown>);
  });
  const { desk, root } = start();
  await desk.load();
  flushSync();
  return { desk, root, calls };
}

/** Lets the backend's answers (and what they change on screen) come through. */
const flush = async () => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};

/** Types into a field as a person does: the value, then the input event. */
function type(field: Element | null, value: string): void {
  const input = field as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

function click(element: Element | null): void {
  (element as HTMLElement).click();
  flushSync();
}

beforeEach(() => vi.useRealTimers());
afterEach(() => {
  asking.question?.answer(null);
  if (shown) void unmount(shown);
  shown = null;
  clearMocks();
});

describe("Meetings tab", () => {
  it("shows the personal room and the meetings, with a PMI badge on PMI meetings", async () => {
    const { root } = await open((cmd) => (cmd === "overview" ? overview() : null));
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    const row = root.querySelector("[data-testid=meeting]");
    expect(row?.querySelector(".topic")?.textContent).toBe("Weekly 1:1");
    expect(row?.querySelector("[data-testid=pmi-badge]")?.textContent).toBe("PMI");
    // The join link is in the selected meeting's details, not in the list.
    expect(row?.querySelector("[data-testid=join-link]")).toBeNull();
    click(row);
    expect(root.querySelector("[data-testid=meeting-detail] [data-testid=join-link]")?.textContent).toContain("omn=85746065432");
  });

  it("opens on the overview the page carries without asking for it, and asks once when the page has none", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "window_ask") return new Promise(() => {});
      return cmd === "overview" ? overview({ meetings: [] }) : null;
    });
    const carrier = document.createElement("script");
    carrier.type = "application/json";
    carrier.id = "launch-overview";
    carrier.textContent = JSON.stringify(overview());
    document.head.append(carrier);
    let root = document.createElement("main");
    document.body.replaceChildren(root);
    let opened = await openWindow(root, {});
    shown = opened.app;
    flushSync();
    // The first render shows the room and the meetings the page carried; nothing was asked.
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    expect(root.querySelector("[data-testid=meeting] .topic")?.textContent).toBe("Weekly 1:1");
    expect(root.querySelector(".loading")).toBeNull();
    expect(calls.filter((c) => c === "overview")).toEqual([]);
    expect(document.getElementById("launch-overview")).toBeNull();
    void unmount(opened.app);

    // Taken once: the page (as after a reload) carries none now, and the window asks.
    root = document.createElement("main");
    document.body.replaceChildren(root);
    opened = await openWindow(root, {});
    shown = opened.app;
    flushSync();
    expect(calls.filter((c) => c === "overview")).toEqual(["overview"]);
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    expect(root.querySelector("[data-testid=meeting]")).toBeNull();
  });

  it("asks for the overview when what the page carries does not read", () => {
    const carrier = document.createElement("script");
    carrier.type = "application/json";
    carrier.id = "launch-overview";
    carrier.textContent = "{";
    document.head.append(carrier);
    expect(new Desk().showLaunchOverview()).toBe(false);
  });

  it("keeps what was shown when a refresh fails, with the error and Retry", async () => {
    let fail = false;
    const { desk, root } = await open((cmd) => {
      if (cmd !== "overview") return null;
      if (fail) throw { kind: "unreachable", message: "Cannot reach the meeting service.", fields: [] };
      return overview();
    });
    fail = true;
    await desk.load();
    flushSync();
    expect(root.querySelector("[data-testid=error-banner]")?.textContent).toContain("Cannot reach the meeting service.");
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    fail = false;
    click(root.querySelector("#retry"));
    await flush();
    await flush();
    expect(root.querySelector("[data-testid=error-banner]")).toBeNull();
  });
});

/** A meeting today or tomorrow at `hour` local time, on its own ID with a long `pwd` link. */
function meetingAt(id: number, topic: string, daysFromToday: number, hour: number, partial: Partial<MeetingView> = {}): MeetingView {
  const now = new Date();
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysFromToday, hour, 0);
  return {
    ...overview().meetings[0]!,
    id,
    topic,
    start: start.toISOString(),
    on_pmi: false,
    join_number_formatted: `${id}`.replace(/(\d{3})(\d{4})(\d{4})/, "$1 $2 $3"),
    join_link: `https://zoom.us/j/${id}?pwd=WufsAN0vQk8EYe7kK2pyyGUCRXiiHvtZ`,
    ...partial,
  };
}

const three = () =>
  overview({
    meetings: [
      meetingAt(81111111111, "Stand-up", 0, 9),
      meetingAt(82222222222, "Design review", 1, 10, { on_pmi: true, join_number_formatted: "354 247 1135" }),
      meetingAt(83333333333, "Planning", 1, 14),
    ],
  });

const options = (root: HTMLElement) => Array.from(root.querySelectorAll<HTMLElement>("[role=listbox] [role=option]"));
const selectedTopic = (root: HTMLElement) => root.querySelector("[data-testid=meeting-detail] h2")?.textContent;
const key = (target: Element | null, k: string) => {
  target?.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  flushSync();
};

describe("Two-pane Meetings tab", () => {
  it("lists My Personal Meeting ID first, then meetings under Today and Tomorrow, without their links", async () => {
    const { root } = await open((cmd) => (cmd === "overview" ? three() : null));
    const [first, ...meetings] = options(root);
    expect(first?.dataset.testid).toBe("pmi-item");
    expect(first?.textContent).toContain("My Personal Meeting ID (PMI)");
    expect(first?.textContent).toContain("354 247 1135");
    expect(first?.getAttribute("aria-selected")).toBe("true");
    expect(first?.tabIndex).toBe(0);
    expect(meetings.map((m) => m.querySelector(".topic")?.textContent)).toEqual(["Stand-up", "Design review", "Planning"]);
    expect(meetings.every((m) => m.getAttribute("aria-selected") === "false" && m.tabIndex === -1)).toBe(true);
    const groups = Array.from(root.querySelectorAll("[role=group]")).map((g) => ({
      heading: g.querySelector("[data-testid=day-heading]")?.textContent,
      topics: Array.from(g.querySelectorAll(".topic")).map((t) => t.textContent),
    }));
    expect(groups).toEqual([
      { heading: "Today", topics: ["Stand-up"] },
      { heading: "Tomorrow", topics: ["Design review", "Planning"] },
    ]);
    expect(meetings[1]?.querySelector("[data-testid=pmi-badge]")?.textContent).toBe("PMI");
    expect(meetings[0]?.querySelector("[data-testid=pmi-badge]")).toBeNull();
    const list = root.querySelector("[role=listbox]")?.textContent ?? "";
    expect(list).not.toContain("pwd=");
    expect(list).not.toContain("zoom.us");
    // The personal room is shown on the right.
    expect(root.querySelector("[data-testid=room-detail] [data-testid=pmi]")?.textContent).toBe("354 247 1135");
  });

  it("shows the selected meeting on the right, read whole for its passcode and recurrence", async () => {
    const full = {
      ...three().meetings[2]!,
      passcode: "plan42",
      recurring: true,
      recurrence: { every: "week" as const, interval: 2, weekly_days: [2, 4], monthly_day: null, monthly_weekday: null, end: { kind: "after" as const, value: 4 } },
    };
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview({ meetings: [three().meetings[0]!, { ...full, passcode: null, recurrence: null }] });
      if (cmd === "meeting") return args.id === full.id ? full : null;
      return null;
    });
    click(root.querySelectorAll("[data-testid=meeting]")[1]!);
    const detail = root.querySelector("[data-testid=meeting-detail]") as HTMLElement;
    expect(detail.querySelector("h2")?.textContent).toBe("Planning");
    expect(detail.querySelector("[data-testid=meeting-id]")?.textContent).toBe("833 3333 3333");
    expect(detail.querySelector("[data-testid=join-link]")?.textContent).toContain("pwd=");
    for (const action of ["meeting-start", "meeting-copy-invitation", "meeting-edit", "meeting-delete"]) {
      expect(detail.querySelector(`[data-testid=${action}]`)).not.toBeNull();
    }
    await vi.waitFor(() => expect(detail.querySelector("[data-testid=recurrence]")?.textContent).toContain("Every 2 weeks on Mon, Wed, 4 times"));
    click(detail.querySelector("#toggle-meeting-passcode"));
    expect(detail.querySelector("[data-testid=meeting-passcode]")?.textContent).toBe("plan42");
  });

  it("moves the selection with the arrow keys, Home and End, and Enter starts the selected meeting", async () => {
    const started: unknown[] = [];
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return three();
      if (cmd === "start_meeting") {
        started.push(args.id);
        return { meeting: three().meetings[1], opened: "https://zoom.us/s/82222222222" };
      }
      return null;
    });
    const pmi = root.querySelector("#pmi-option") as HTMLElement;
    pmi.focus();
    key(document.activeElement, "ArrowDown");
    expect(document.activeElement?.querySelector(".topic")?.textContent).toBe("Stand-up");
    expect(document.activeElement?.getAttribute("aria-selected")).toBe("true");
    expect(pmi.getAttribute("aria-selected")).toBe("false");
    expect(selectedTopic(root)).toBe("Stand-up");
    key(document.activeElement, "ArrowDown");
    expect(selectedTopic(root)).toBe("Design review");
    key(document.activeElement, "End");
    expect(selectedTopic(root)).toBe("Planning");
    key(document.activeElement, "ArrowDown");
    expect(selectedTopic(root)).toBe("Planning");
    key(document.activeElement, "Home");
    expect(document.activeElement).toBe(pmi);
    expect(root.querySelector("[data-testid=room-detail]")).not.toBeNull();
    key(document.activeElement, "ArrowDown");
    key(document.activeElement, "ArrowDown");
    key(document.activeElement, "ArrowUp");
    expect(selectedTopic(root)).toBe("Stand-up");
    key(document.activeElement, "ArrowDown");
    key(document.activeElement, "Enter");
    await flush();
    expect(started).toEqual([82222222222]);
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("Started “Design review”");
  });

  it("Enter on My Personal Meeting ID starts the personal room, asking first near a PMI meeting", async () => {
    const { root, calls } = await open((cmd) => {
      if (cmd === "overview") return three();
      if (cmd === "pmi_busy_now") return { kind: "back_to_back", other_topic: "Design review", other_start: "2030-01-02T10:00:00Z", message: "" };
      return null;
    });
    key(root.querySelector("#pmi-option"), "Enter");
    await flush();
    expect(document.querySelector("[data-testid=choose-dialog]")?.textContent).toContain("Design review");
    click(document.querySelector("#choose-start"));
    await flush();
    expect(calls).toContain("start_personal_room");
    expect(calls).not.toContain("start_meeting");
  });

  it("keeps the selection across reloads, and falls back to the personal room when the meeting is gone", async () => {
    let meetings = three().meetings;
    const { desk, root } = await open((cmd) => (cmd === "overview" ? overview({ meetings }) : null));
    click(root.querySelector("[data-id='83333333333']"));
    // A new meeting before it, and the list read again: still the same meeting.
    meetings = [meetingAt(80000000000, "Early call", 0, 7), ...meetings];
    await desk.load();
    flushSync();
    expect(selectedTopic(root)).toBe("Planning");
    expect(root.querySelector("[data-id='83333333333']")?.getAttribute("aria-selected")).toBe("true");
    meetings = meetings.filter((m) => m.topic !== "Planning");
    await desk.load();
    flushSync();
    expect(root.querySelector("[data-testid=meeting-detail]")).toBeNull();
    expect(root.querySelector("#pmi-option")?.getAttribute("aria-selected")).toBe("true");
    expect(root.querySelector("[data-testid=room-detail] [data-testid=pmi]")?.textContent).toBe("354 247 1135");
  });

  it("deletes the selected meeting once confirmed, then selects the personal room", async () => {
    let meetings = three().meetings;
    const deleted: unknown[] = [];
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview({ meetings });
      if (cmd === "delete_meeting") {
        deleted.push(args.id);
        meetings = meetings.filter((m) => m.id !== args.id);
      }
      return null;
    });
    click(root.querySelector("[data-id='81111111111']"));
    click(root.querySelector("[data-testid=meeting-delete]"));
    expect(document.querySelector("#confirm-title")?.textContent).toBe("Delete “Stand-up”?");
    click(document.querySelector("#confirm-ok"));
    await flush();
    await flush();
    expect(deleted).toEqual([81111111111]);
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("Deleted “Stand-up”");
    expect(root.querySelectorAll("[data-testid=meeting]")).toHaveLength(2);
    expect(document.activeElement?.id).toBe("pmi-option");
    expect(root.querySelector("[data-testid=room-detail]")).not.toBeNull();
  });

  it("Show Meeting Invitation unfolds the room's invitation, and reads a meeting's from the service", async () => {
    const asked: unknown[] = [];
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return three();
      if (cmd === "invitation") {
        asked.push(args.meeting);
        return "Jane Doe is inviting you to a scheduled Zoom meeting.\n\nTopic: Design review\n\nMeeting ID: 354 247 1135\nPasscode: 123456";
      }
      return null;
    });
    const toggle = root.querySelector("#show-invitation") as HTMLButtonElement;
    const text = () => root.querySelector("[data-testid=invitation]") as HTMLElement;
    expect(toggle.textContent?.trim()).toBe("Show Meeting Invitation");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect((text().parentElement as HTMLElement).hidden).toBe(true);
    click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect((text().parentElement as HTMLElement).hidden).toBe(false);
    expect(text().textContent).toBe("Jane Doe is inviting you…");

    click(root.querySelector("[data-id='82222222222']"));
    click(root.querySelector("#show-invitation"));
    await flush();
    const shown = text().textContent ?? "";
    expect(asked).toEqual([82222222222]);
    expect(shown).toContain("is inviting you to a scheduled Zoom meeting");
    expect(shown).toContain("Topic: Design review");
    expect(shown).toContain("Passcode: 123456");
  });
});

describe("Days and repeats in words", () => {
  it("names Today, Tomorrow and other days, with the year only when it is not this year's", async () => {
    const { dayHeading, groupByDay } = await import("./format");
    const now = new Date(2031, 0, 31, 23, 30);
    expect(dayHeading(new Date(2031, 0, 31, 8, 0).toISOString(), now, "en-US")).toBe("Today");
    expect(dayHeading(new Date(2031, 1, 1, 0, 15).toISOString(), now, "en-US")).toBe("Tomorrow");
    expect(dayHeading(new Date(2031, 1, 5, 9, 0).toISOString(), now, "en-US")).toBe("Wed, Feb 5");
    expect(dayHeading(new Date(2032, 0, 7, 9, 0).toISOString(), now, "en-US")).toBe("Wed, Jan 7, 2032");
    const groups = groupByDay(
      [{ start: null }, { start: new Date(2031, 0, 31, 9).toISOString() }, { start: new Date(2031, 0, 31, 10).toISOString() }],
      now,
      "en-US",
    );
    expect(groups.map((g) => [g.heading, g.meetings.length])).toEqual([
      ["Today", 2],
      ["No fixed time", 1],
    ]);
  });

  it("says how a meeting repeats", async () => {
    const { describeRecurrence } = await import("./format");
    expect(describeRecurrence({ every: "day", interval: 1, weekly_days: [], monthly_day: null, monthly_weekday: null, end: { kind: "after", value: 1 } }, "en-US")).toBe(
      "Every day, 1 time",
    );
    expect(
      describeRecurrence({ every: "month", interval: 2, weekly_days: [], monthly_day: 12, monthly_weekday: null, end: { kind: "by", value: "2030-06-30T08:00:00Z" } }, "en-US", "Asia/Tokyo"),
    ).toBe("Every 2 months on day 12, until Jun 30, 2030");
    const monthly = { every: "month" as const, interval: 1, weekly_days: [], monthly_day: null, end: { kind: "after" as const, value: 6 } };
    expect(describeRecurrence({ ...monthly, monthly_weekday: { week: 2, day: 3 } }, "en-US")).toBe("Every month on the second Tuesday, 6 times");
    expect(describeRecurrence({ ...monthly, monthly_weekday: { week: -1, day: 6 } }, "en-US")).toBe("Every month on the last Friday, 6 times");
  });
});

describe("New Meeting dropdown", () => {
  it("checks Use my PMI through the backend and shows what the account holds", async () => {
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_instant_pmi") return { checked: args.checked, locked: false };
      return null;
    });
    click(root.querySelector("#new-meeting-menu"));
    const item = root.querySelector("#use-pmi") as HTMLElement;
    expect(item.getAttribute("role")).toBe("menuitemcheckbox");
    expect(item.textContent).toContain("354 247 1135");
    expect(item.getAttribute("aria-checked")).toBe("false");
    click(item);
    await flush();
    expect(root.querySelector("#use-pmi")?.getAttribute("aria-checked")).toBe("true");
  });

  it("shows a locked setting disabled with the reason, and does not write it", async () => {
    const { root, calls } = await open((cmd) => (cmd === "overview" ? overview({ instant_pmi: { checked: true, locked: true } }) : null));
    click(root.querySelector("#new-meeting-menu"));
    const item = root.querySelector("#use-pmi") as HTMLElement;
    expect(item.getAttribute("aria-disabled")).toBe("true");
    expect(item.getAttribute("aria-checked")).toBe("true");
    expect(root.querySelector("[data-testid=use-pmi-locked]")?.textContent).toBe("Locked by your account admin");
    click(item);
    await flush();
    expect(calls).not.toContain("set_instant_pmi");
  });

  it("reports a lock discovered when the write did not hold", async () => {
    const { root } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_instant_pmi") return { checked: false, locked: true };
      return null;
    });
    click(root.querySelector("#new-meeting-menu"));
    click(root.querySelector("#use-pmi"));
    await flush();
    expect(root.querySelector("#use-pmi")?.getAttribute("aria-disabled")).toBe("true");
    expect(root.querySelector("[data-testid=status]")?.textContent).toContain("locked");
  });

  it("opens with the keyboard and Escape closes it, returning focus to the arrow", async () => {
    const { root } = await open((cmd) => (cmd === "overview" ? overview() : null));
    const arrow = root.querySelector("#new-meeting-menu") as HTMLButtonElement;
    arrow.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement?.id).toBe("use-pmi");
    document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement?.id).toBe("pmi-settings");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(root.querySelector("#new-meeting-dropdown")).toBeNull();
    expect(document.activeElement?.id).toBe("new-meeting-menu");
  });
});

describe("Schedule dialog", () => {
  it("defaults the Meeting ID to the account's choice and sends use_pmi", async () => {
    let sent: Record<string, unknown> | null = null;
    const { desk } = await open((cmd, args) => {
      if (cmd === "overview") return overview({ schedule_on_pmi_by_default: true });
      if (cmd === "check_schedule") return [];
      if (cmd === "schedule_meeting") {
        sent = args;
        return { meeting: overview().meetings[0], calendar_file: null };
      }
      return null;
    });
    desk.openSchedule();
    flushSync();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    expect((dialog.querySelector("#s-use-pmi") as HTMLInputElement).checked).toBe(true);
    expect((dialog.querySelector("#s-passcode") as HTMLInputElement).disabled).toBe(true);
    click(dialog.querySelector("#s-save"));
    await flush();
    expect((sent as unknown as { request: { use_pmi: boolean; passcode: string | null } }).request).toMatchObject({ use_pmi: true, passcode: null });
    expect(dialog.open).toBe(false);
  });

  it("marks each field the backend names and stays open", async () => {
    const { desk } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "check_schedule") return [];
      if (cmd === "schedule_meeting")
        throw {
          kind: "invalid_fields",
          message: "Enter a topic.",
          fields: [
            { field: "topic", message: "Enter a topic." },
            { field: "time_zone", message: "“Nowhere” is not a time zone; pick one from the list." },
          ],
        };
      return null;
    });
    desk.openSchedule();
    flushSync();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    click(dialog.querySelector("#s-save"));
    await flush();
    expect(dialog.open).toBe(true);
    expect(dialog.querySelector("#err-topic")?.textContent).toBe("Enter a topic.");
    expect(dialog.querySelector("#s-topic")?.getAttribute("aria-invalid")).toBe("true");
    expect(dialog.querySelector("#err-time_zone")?.textContent).toContain("not a time zone");
  });

  it("keeps everything typed when the service fails", async () => {
    const { desk } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "check_schedule") return [];
      if (cmd === "schedule_meeting") throw { kind: "unreachable", message: "Cannot reach the meeting service.", fields: [] };
      return null;
    });
    desk.openSchedule();
    flushSync();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const topic = dialog.querySelector("#s-topic") as HTMLInputElement;
    type(topic, "Budget sync");
    click(dialog.querySelector("#s-save"));
    await flush();
    expect(dialog.open).toBe(true);
    expect(topic.value).toBe("Budget sync");
    expect(dialog.querySelector("[data-testid=schedule-failure]")?.textContent).toContain("Nothing you typed was lost");
  });

  it("shows the PMI warning the backend finds, naming the other meeting", async () => {
    const { desk } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "check_schedule")
        return [{ kind: "back_to_back", other_topic: "Weekly 1:1", other_start: "2030-01-02T09:00:00Z", message: "“x” runs back-to-back with “Weekly 1:1” (10 min apart)" }];
      return null;
    });
    desk.openSchedule();
    flushSync();
    // The dialog asks once typing pauses.
    const warning = document.querySelector("[data-testid=pmi-warning]") as HTMLElement;
    await vi.waitFor(() => expect(warning.hidden).toBe(false));
    expect(warning.textContent).toContain("Weekly 1:1");
  });
});

describe("Schedule dialog passcode", () => {
  it("shows the PMI's own passcode on the PMI and gives back what was typed off it", async () => {
    const { desk } = await open((cmd) => (cmd === "overview" ? overview() : cmd === "check_schedule" ? [] : null));
    desk.openSchedule();
    flushSync();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const input = dialog.querySelector("#s-passcode") as HTMLInputElement;
    type(input, "mine123");
    click(dialog.querySelector("#s-use-pmi"));
    expect(input.value).toBe("123456");
    expect(input.disabled).toBe(true);
    click(dialog.querySelector("#s-auto-id"));
    expect(input.value).toBe("mine123");
    expect(input.disabled).toBe(false);
  });
});

const local = {
  kind: "local",
  display_name: null,
  email: null,
  keychain_problem: null,
  client_id: null,
  client_id_source: "none",
  signing_in: false,
  notice: null,
};
const prefs = { open_in: "browser", back_to_back_minutes: 15, start_at_login: false, zoom_client_id: "" };

describe("Signing in to Zoom", () => {
  it("offers Sign in again when the sign-in lapsed, keeping the last overview, and reloads after", async () => {
    let signedIn = false;
    const lapsed = { kind: "sign_in_again", message: "Your Zoom sign-in has expired: sign in again.", fields: [] };
    const { root, calls } = await open((cmd) => {
      if (cmd === "overview") return signedIn ? overview() : overview({ stale: lapsed });
      if (cmd === "sign_in") {
        signedIn = true;
        return { ...local, kind: "zoom", display_name: "Jane Doe", email: "jane@example.com" };
      }
      return null;
    });
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    expect(root.querySelector("[data-testid=error-banner]")?.textContent).toContain("sign in again");
    expect(root.querySelector("#retry")).toBeNull();
    click(root.querySelector("#sign-in-again"));
    await flush();
    await flush();
    expect(calls.filter((c) => c === "sign_in")).toHaveLength(1);
    expect(calls.filter((c) => c === "overview")).toHaveLength(2);
    expect(root.querySelector("[data-testid=error-banner]")).toBeNull();
  });

  it("drops an overview that comes back after a newer load began", async () => {
    const answers: ((o: Overview) => void)[] = [];
    mockIPC((cmd) => (cmd === "overview" ? new Promise<Overview>((resolve) => answers.push(resolve)) : null));
    const { desk, root } = start();
    const first = desk.load();
    const second = desk.load();
    await flush();
    const zoom = overview();
    zoom.room = { ...zoom.room, pmi_formatted: "888 777 6666" };
    answers[1]?.(zoom);
    await second;
    answers[0]?.(overview());
    await first;
    flushSync();
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("888 777 6666");
  });

  it("says why a sign-in did not happen, and shows the account and Sign out when it did", async () => {
    let attempt = 0;
    const { desk, calls } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "preferences") return prefs;
      if (cmd === "account") return local;
      if (cmd === "sign_in") {
        attempt += 1;
        expect(args.clientId).toBe("my_client");
        if (attempt === 1) throw { kind: "sign_in_denied", message: "Sign-in was cancelled on Zoom's page (Deny), so PMI Desk is not signed in.", fields: [] };
        return { ...local, kind: "zoom", display_name: "Zoe Zoom", email: "zoe@example.com", client_id: "my_client", client_id_source: "settings" };
      }
      if (cmd === "sign_out") return { ...local, notice: "Signed out, but your Zoom sign-in could not be deleted from the system keychain." };
      return null;
    });
    await desk.openSettings();
    flushSync();
    const dialog = document.querySelector("dialog.settings") as HTMLDialogElement;
    type(dialog.querySelector("#zoom-client-id"), "my_client");
    click(dialog.querySelector("#sign-in"));
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-message]")?.textContent).toContain("Deny");
    expect((dialog.querySelector("#zoom-client-id") as HTMLInputElement).value).toBe("my_client");

    click(dialog.querySelector("#sign-in"));
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-name]")?.textContent).toBe("Signed in to Zoom as Zoe Zoom (zoe@example.com).");
    expect(calls.filter((c) => c === "overview").length).toBeGreaterThanOrEqual(2);

    click(dialog.querySelector("#sign-out"));
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-name]")?.textContent).toContain("Built-in local account");
    expect(dialog.querySelector("[data-testid=account-message]")?.textContent).toContain("could not be deleted");
  });
});

describe("Edit", () => {
  /** The app with `full` as its first meeting read whole, and Edit open on it: the dialog, a
   * field's value and check, what Save sent, and the commands called. */
  async function openEdit(full: MeetingView) {
    const sent: unknown[] = [];
    const { root, calls } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "meeting") return full;
      if (cmd === "check_schedule") return [];
      if (cmd === "update_meeting") {
        sent.push(args.request);
        return full;
      }
      return null;
    });
    click(root.querySelector("[data-testid=meeting]"));
    click(root.querySelector("[data-testid=meeting-edit]"));
    await flush();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const value = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).value;
    const checked = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).checked;
    return { dialog, value, checked, sent, calls };
  }

  it("reads the meeting whole and shows it exactly as it is", async () => {
    const full = {
      ...overview().meetings[0]!,
      on_pmi: false,
      time_zone: "Asia/Tokyo",
      start: "2030-01-02T09:00:00Z",
      passcode: "keep12",
      waiting_room: false,
      host_video: false,
      participant_video: true,
      recurrence: { every: "month" as const, interval: 2, weekly_days: [], monthly_day: 12, monthly_weekday: null, end: { kind: "by" as const, value: "2030-06-30T08:00:00Z" } },
    };
    const { dialog, value, checked, sent, calls } = await openEdit(full);
    expect(calls).toContain("meeting");
    expect(value("s-passcode")).toBe("keep12");
    expect(checked("s-waiting-room")).toBe(false);
    expect(checked("s-host-video-off")).toBe(true);
    expect(checked("s-participant-video-on")).toBe(true);
    expect(checked("s-recurring")).toBe(true);
    expect(value("s-every")).toBe("month");
    expect(value("s-monthday")).toBe("12");
    expect(checked("s-end-by")).toBe(true);
    // 09:00 UTC is 18:00 on the meeting's own clock in Tokyo.
    expect(value("s-time")).toBe("18:00");
    expect(value("s-time_zone")).toBe("Asia/Tokyo");

    type(dialog.querySelector("#s-topic"), "Renamed");
    click(dialog.querySelector("#s-save"));
    await flush();
    await flush();
    const request = sent[0] as Record<string, unknown>;
    expect(request).toMatchObject({
      topic: "Renamed",
      date: "2030-01-02",
      time: "18:00",
      time_zone: "Asia/Tokyo",
      passcode: "keep12",
      waiting_room: false,
      host_video: false,
      participant_video: true,
      use_pmi: false,
      // The exact end Zoom had is sent back untouched.
      recurrence: { every: "month", interval: 2, monthly_day: 12, end: { kind: "by", value: "2030-06-30T08:00:00Z" } },
    });
  });

  it("keeps a monthly recurrence on a weekday of the month, as Zoom's own apps make them", async () => {
    // The second Tuesday of every month, starting Tuesday 2030-01-08: a day of the month
    // would move it.
    const full = {
      ...overview().meetings[0]!,
      on_pmi: false,
      time_zone: "UTC",
      start: "2030-01-08T09:00:00Z",
      recurrence: {
        every: "month" as const,
        interval: 1,
        weekly_days: [],
        monthly_day: null,
        monthly_weekday: { week: 2, day: 3 },
        end: { kind: "after" as const, value: 6 },
      },
    };
    const { dialog, value, checked, sent } = await openEdit(full);
    expect(checked("s-month-by-weekday")).toBe(true);
    expect(value("s-month-week")).toBe("2");
    expect(value("s-month-weekday")).toBe("3");
    expect((dialog.querySelector("#s-monthday") as HTMLInputElement).disabled).toBe(true);
    // The other way, by a day of the month, is one click away, and back.
    click(dialog.querySelector("#s-month-by-day"));
    flushSync();
    expect((dialog.querySelector("#s-month-week") as HTMLSelectElement).disabled).toBe(true);
    expect((dialog.querySelector("#s-monthday") as HTMLInputElement).disabled).toBe(false);
    click(dialog.querySelector("#s-month-by-weekday"));
    flushSync();

    type(dialog.querySelector("#s-topic"), "Renamed");
    click(dialog.querySelector("#s-save"));
    await flush();
    await flush();
    expect(sent[0]).toMatchObject({
      topic: "Renamed",
      recurrence: { every: "month", interval: 1, monthly_day: null, monthly_weekday: { week: 2, day: 3 }, end: { kind: "after", value: 6 } },
    });
  });

  it("starts a new meeting from the account's defaults", async () => {
    const { desk } = await open((cmd) => (cmd === "overview" ? overview() : cmd === "check_schedule" ? [] : null));
    desk.openSchedule();
    flushSync();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const checked = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).checked;
    expect((dialog.querySelector("#s-passcode") as HTMLInputElement).value).toBe("842913");
    expect(checked("s-waiting-room")).toBe(true);
    expect(checked("s-host-video-on")).toBe(true);
    expect(checked("s-participant-video-off")).toBe(true);
    expect(checked("s-recurring")).toBe(false);
  });
});

describe("Starting", () => {
  it("starts one meeting for two clicks in one go, and says why the second did nothing", async () => {
    let answer: (v: unknown) => void = () => {};
    const { root, calls } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "new_meeting") return new Promise((resolve) => (answer = resolve));
      return null;
    });
    const button = root.querySelector<HTMLButtonElement>("#new-meeting")!;
    button.click();
    button.click();
    await flush();
    expect(calls.filter((c) => c === "new_meeting")).toHaveLength(1);
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("A start is already under way: one at a time.");
    answer({ meeting: { ...overview().meetings[0]!, join_number_formatted: "851 2546 7273" }, opened: "https://x" });
    await flush();
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("Started a new meeting · Meeting ID 851 2546 7273");
  });

  it("clears the word that a start is under way when that start ends without one", async () => {
    const busy = { kind: "back_to_back", other_topic: "Design review", other_start: "2030-01-02T10:00:00Z", message: "" };
    const { root } = await open((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "pmi_busy_now") return busy;
      return null;
    });
    click(root.querySelector("[data-testid=room-start]"));
    await flush();
    click(root.querySelector("[data-testid=room-start]"));
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("A start is already under way: one at a time.");
    click(document.querySelector("#choose-cancel"));
    await flush();
    await flush();
    expect(root.querySelector("[data-testid=status]")?.textContent).toBe("");
  });
});

describe("What the app asks of the window", () => {
  it("opens Join and Schedule for the tray, and asks before the tray's start near a PMI meeting, one ask at a time", async () => {
    const busy = { kind: "back_to_back", other_topic: "Design review", other_start: "2030-01-02T10:00:00Z", message: "" };
    const waiting: ((ask: WindowAsk | null) => void)[] = [];
    const calls: string[] = [];
    const newMeetings: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "overview") return overview();
      if (cmd === "pmi_busy_now") return busy;
      if (cmd === "window_ask") return new Promise((resolve) => waiting.push(resolve));
      if (cmd === "new_meeting") {
        newMeetings.push((args as Record<string, unknown>).ownId);
        return { meeting: { ...overview().meetings[0]!, join_number_formatted: "851 2546 7273" }, opened: "https://x" };
      }
      return null;
    });
    const root = document.createElement("main");
    document.body.replaceChildren(root);
    const opened = await openWindow(root, {});
    shown = opened.app;
    flushSync();
    // Live at once: one request waits for the app's next ask.
    expect(root.hasAttribute("data-live")).toBe(true);
    expect(waiting).toHaveLength(1);
    const dialog = (testid: string) => document.querySelector<HTMLDialogElement>(`[data-testid=${testid}]`);
    expect(dialog("join-dialog")).toBeNull();

    waiting[0]!("open_join");
    await flush();
    expect(dialog("join-dialog")?.open).toBe(true);
    expect(waiting).toHaveLength(2);
    opened.desk.joining = null;
    flushSync();

    waiting[1]!("open_schedule");
    await flush();
    expect(dialog("schedule-dialog")?.open).toBe(true);
    opened.desk.scheduling = null;
    flushSync();

    // Answered with nothing: the window asks again; at once after the app's wait (50 s), and
    // after a pause when the answer came sooner (a newer page took over, or the call failed).
    waiting[2]!(null);
    await flush();
    expect(waiting).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1100));
    expect(waiting).toHaveLength(4);

    // The tray's Start near a PMI meeting: the window asks, as its own Start does.
    waiting[3]!("confirm_room");
    await flush();
    await flush();
    expect(dialog("choose-dialog")?.textContent).toContain("Design review");
    click(document.querySelector("#choose-start"));
    await flush();
    await flush();
    expect(calls).toContain("start_personal_room");

    // Its New meeting on the PMI likewise: Use a new ID starts one of its own.
    waiting[4]!("confirm_new_meeting");
    await flush();
    await flush();
    expect(dialog("choose-dialog")?.textContent).toContain("Design review");
    click(document.querySelector("#choose-new"));
    await flush();
    await flush();
    expect(newMeetings).toEqual([true]);
  });
});

describe("Starting near a PMI meeting", () => {
  it("asks first, and Use a new ID starts a meeting of its own", async () => {
    const busy = { kind: "back_to_back", other_topic: "Design review", other_start: "2030-01-02T10:00:00Z", message: "" };
    const newMeetings: unknown[] = [];
    const { root, calls } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "pmi_busy_now") return busy;
      if (cmd === "new_meeting") {
        newMeetings.push(args.ownId);
        return { meeting: { ...overview().meetings[0]!, join_number_formatted: "851 2546 7273" }, opened: "https://x" };
      }
      return null;
    });
    click(root.querySelector("[data-testid=room-start]"));
    await flush();
    const chooser = document.querySelector("[data-testid=choose-dialog]") as HTMLDialogElement;
    expect(chooser.textContent).toContain("Design review");
    click(chooser.querySelector("#choose-new"));
    await flush();
    await flush();
    expect(newMeetings).toEqual([true]);
    expect(calls).not.toContain("start_personal_room");

    // Start anyway starts the personal room.
    click(root.querySelector("[data-testid=room-start]"));
    await flush();
    click(document.querySelector("#choose-start"));
    await flush();
    await flush();
    expect(calls).toContain("start_personal_room");
  });
});

describe("Times on a meeting's own clock", () => {
  it("turns a wall time in a zone into the moment, across daylight saving", async () => {
    const { zonedToUtc } = await import("./format");
    expect(zonedToUtc("2031-06-30", "23:59", "America/New_York")).toBe("2031-07-01T03:59:00Z");
    expect(zonedToUtc("2031-01-10", "23:59", "America/New_York")).toBe("2031-01-11T04:59:00Z");
    expect(zonedToUtc("2031-03-10", "23:59", "Asia/Tokyo")).toBe("2031-03-10T14:59:00Z");
  });

  it("keeps a duration that is not a multiple of five minutes", async () => {
    const full = { ...overview().meetings[0]!, duration_minutes: 62 };
    const { root } = await open((cmd) => (cmd === "overview" ? overview() : cmd === "meeting" ? full : cmd === "check_schedule" ? [] : null));
    click(root.querySelector("[data-testid=meeting]"));
    click(root.querySelector("[data-testid=meeting-edit]"));
    await flush();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    expect((dialog.querySelector("#s-duration-hours") as HTMLSelectElement).value).toBe("1");
    expect((dialog.querySelector("#s-duration") as HTMLSelectElement).value).toBe("2");
  });
});

describe("PMI Settings", () => {
  it("writes each change alone and says when one did not hold, with its real value, letting it be tried again", async () => {
    const changes: unknown[] = [];
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_room_settings") {
        changes.push(args.change);
        const room = overview().room;
        const change = args.change as Record<string, unknown>;
        if ("mute_upon_entry" in change) {
          // The admin holds it: the value stays, now known to be held.
          return { ...room, learnt: { ...room.learnt, mute_upon_entry: true } };
        }
        return { ...room, settings: { ...room.settings, ...change } };
      }
      return null;
    });
    click(root.querySelector("#open-pmi"));
    const jbh = root.querySelector<HTMLInputElement>("#room-jbh")!;
    click(jbh);
    await flush();
    expect(root.querySelector<HTMLSelectElement>("#room-jbh-minutes")!.disabled).toBe(false);
    const audio = root.querySelector<HTMLSelectElement>("#room-audio")!;
    audio.value = "telephony";
    audio.dispatchEvent(new Event("change", { bubbles: true }));
    await flush();
    const mute = root.querySelector<HTMLInputElement>("#room-mute")!;
    click(mute);
    await flush();
    expect(changes).toEqual([{ join_before_host: true }, { audio: "telephony" }, { mute_upon_entry: true }]);
    expect(mute.checked).toBe(false);
    expect(mute.disabled).toBe(false);
    expect(root.querySelector("[data-testid=locked-mute_upon_entry]")?.textContent).toBe("Locked by your account admin");
    expect(root.querySelector("[data-testid=locked-audio]")).toBeNull();
  });

  it("shows every setting the admin locked disabled, with the reason", async () => {
    const locked = { passcode: true, waiting_room: true, join_before_host: true, mute_upon_entry: true, host_video: true, participant_video: true, audio: true, authenticated_only: true };
    const { root } = await open((cmd) => (cmd === "overview" ? overview({ room: { ...overview().room, locked } }) : null));
    click(root.querySelector("#open-pmi"));
    for (const id of ["#room-passcode", "#room-waiting-room", "#room-jbh", "#room-jbh-minutes", "#room-mute", "#room-host-video", "#room-participant-video", "#room-audio", "#room-authenticated"]) {
      expect(root.querySelector<HTMLInputElement>(id)!.disabled, id).toBe(true);
    }
    expect(root.querySelectorAll(".locked-note").length).toBe(8);
  });

  it("saves a chosen passcode, and names the rule a wrong one breaks, keeping what was typed", async () => {
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_room_settings") {
        const passcode = (args.change as { passcode?: string }).passcode;
        if (passcode === "ab") throw { kind: "invalid_fields", message: "Check the passcode.", fields: [{ field: "passcode", message: "Use at least 6 characters." }] };
        return { ...overview().room, passcode };
      }
      return null;
    });
    click(root.querySelector("#open-pmi"));
    type(root.querySelector("#room-passcode-text"), "ab");
    flushSync();
    click(root.querySelector("#save-passcode"));
    await flush();
    expect(root.querySelector("[data-testid=err-room-passcode]")?.textContent).toBe("Use at least 6 characters.");
    expect(root.querySelector<HTMLInputElement>("#room-passcode-text")!.value).toBe("ab");
    type(root.querySelector("#room-passcode-text"), "Pmi-2468");
    flushSync();
    click(root.querySelector("#save-passcode"));
    await flush();
    click(root.querySelector("#toggle-passcode"));
    expect(root.querySelector("[data-testid=pmi-passcode]")?.textContent).toBe("Pmi-2468");
    expect(root.querySelector("[data-testid=err-room-passcode]")?.textContent).toBe("");
  });

  it("reads the room again after a PMI change it could not read back, and shows no room from before it", async () => {
    const unread = { kind: "changed_unread", message: "Your Personal Meeting ID is changed, but your personal room could not be read back to show it; it shows once the service answers. (Zoom is unavailable)", fields: [] };
    const first = { ...overview().room, pmi: 2468013579, pmi_formatted: "246 801 3579" };
    const second = { ...overview().room, pmi: 1357924680, pmi_formatted: "135 792 4680" };
    let room = overview().room;
    let answers = true;
    const { root } = await open((cmd) => {
      if (cmd === "overview") {
        if (answers) return overview({ room });
        throw { kind: "unavailable", message: "Zoom is unavailable.", fields: [] };
      }
      if (cmd === "set_pmi") throw unread;
      return null;
    });
    const shown = (selector: string) => root.querySelector(selector)?.textContent;

    // Made, and read on the second try: the window and the tab show the new PMI.
    click(root.querySelector("#open-pmi"));
    room = first;
    type(root.querySelector("#new-pmi"), "246 801 3579");
    click(root.querySelector("#change-pmi"));
    await flush();
    await flush();
    expect(shown("[data-testid=pmi-window-pmi]")).toBe("246 801 3579");
    expect(shown(".panes [data-testid=pmi]")).toBe("246 801 3579");
    expect(shown("#err-pmi")).toBe("");
    expect(shown("#vanity-status")).toBe("Your Personal Meeting ID is now 246 801 3579.");

    // Made, and still unread: no PMI anywhere on screen, the window closed, and the banner says
    // the change was made, with Retry.
    room = second;
    answers = false;
    type(root.querySelector("#new-pmi"), "135 792 4680");
    click(root.querySelector("#change-pmi"));
    await flush();
    await flush();
    expect(root.querySelector("[data-testid=pmi-window-pmi]")).toBeNull();
    expect(root.querySelector(".panes")).toBeNull();
    expect(root.textContent).not.toContain("246 801 3579");
    expect(shown("[data-testid=error-banner] span")).toBe(unread.message);

    // Once the service answers, Retry shows the new one.
    answers = true;
    click(root.querySelector("#retry"));
    await flush();
    expect(shown(".panes [data-testid=pmi]")).toBe("135 792 4680");
    expect(root.querySelector("[data-testid=error-banner]")).toBeNull();
  });
});

describe("Join", () => {
  it("says what it understood as it is typed, the reason when nothing, and joins", async () => {
    const joined: string[] = [];
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      const text = args.text as string;
      const view = { understood: "Meeting 857 4606 5432, with passcode", meeting_id_formatted: "857 4606 5432", has_passcode: true, personal_link: null, open_in: "zoom_app" };
      if (cmd === "understand_join" || cmd === "join") {
        if (!text.includes("857")) throw { kind: "invalid_fields", message: "Check it.", fields: [{ field: "join", message: "No meeting ID or Zoom link in this text." }] };
        if (cmd === "join") joined.push(text);
        return view;
      }
      return null;
    });
    click(root.querySelector("#join"));
    type(root.querySelector("#join-text"), "lunch?");
    await new Promise((r) => setTimeout(r, 200));
    await flush();
    expect(root.querySelector("[data-testid=err-join]")?.textContent).toBe("No meeting ID or Zoom link in this text.");
    type(root.querySelector("#join-text"), "https://zoom.us/j/85746065432?pwd=x");
    await new Promise((r) => setTimeout(r, 200));
    await flush();
    expect(root.querySelector("[data-testid=join-understood]")?.textContent).toContain("Meeting 857 4606 5432, with passcode · opens in the Zoom app");
    expect(root.querySelector("[data-testid=err-join]")?.textContent).toBe("");
    click(root.querySelector("#join-go"));
    await flush();
    expect(joined).toEqual(["https://zoom.us/j/85746065432?pwd=x"]);
    expect(root.querySelector("[data-testid=join-dialog]")).toBeNull();
    expect(root.querySelector("[data-testid=status]")?.textContent).toContain("Joining: Meeting 857 4606 5432");
  });

  it("offers a Zoom link found on the clipboard when the window gains focus", async () => {
    const joined: string[] = [];
    const offer = { text: "https://zoom.us/j/85746065432", join: { understood: "Meeting 857 4606 5432, no passcode in the text", meeting_id_formatted: "857 4606 5432", has_passcode: false, personal_link: null, open_in: "browser" } };
    let offered = false;
    const { desk, root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "join_offer") {
        if (offered) return null;
        offered = true;
        return offer;
      }
      if (cmd === "join") {
        joined.push(args.text as string);
        return offer.join;
      }
      return null;
    });
    await desk.checkClipboard();
    flushSync();
    expect(root.querySelector("#join-offer")?.textContent?.trim()).toBe("Join 857 4606 5432");
    click(root.querySelector("#join-offer"));
    await flush();
    expect(joined).toEqual([offer.text]);
    expect(root.querySelector("[data-testid=join-offer]")).toBeNull();
    await desk.checkClipboard();
    flushSync();
    expect(root.querySelector("[data-testid=join-offer]")).toBeNull();
  });
});

describe("Settings: reminders and shortcuts", () => {
  it("saves them, and shows a shortcut the backend refuses at its field", async () => {
    const saved: unknown[] = [];
    const preferences = { open_in: "browser", back_to_back_minutes: 15, start_at_login: false, zoom_client_id: "", reminders: true, reminder_minutes: 5, shortcuts: { start_room: "", copy_personal_link: "", open_app: "" } };
    const { root } = await open((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "preferences") return preferences;
      if (cmd === "account") return { kind: "local", name: "Built-in local account", email: null, client_id: "", client_id_source: "none", signing_in: false, notice: null, keychain_problem: null };
      if (cmd === "set_preferences") {
        const p = args.preferences as typeof preferences;
        saved.push(p);
        if (p.shortcuts.open_app === "Ctrl+Alt+P") throw { kind: "invalid_fields", message: "Check.", fields: [{ field: "shortcut_open_app", message: "“Ctrl+Alt+P” is already the shortcut for Start my personal room." }] };
        return p;
      }
      return null;
    });
    click(root.querySelector("#open-settings"));
    await flush();
    type(root.querySelector("#reminder-minutes"), "10");
    type(root.querySelector("#shortcut-start-room"), "Ctrl+Alt+P");
    type(root.querySelector("#shortcut-open-app"), "Ctrl+Alt+P");
    flushSync();
    click(root.querySelector("dialog.settings button[type=submit]"));
    await flush();
    expect(root.querySelector("#err-shortcut-open-app")?.textContent).toContain("already the shortcut for Start my personal room");
    expect(root.querySelector<HTMLInputElement>("#shortcut-start-room")!.value).toBe("Ctrl+Alt+P");
    type(root.querySelector("#shortcut-open-app"), "Ctrl+Alt+O");
    flushSync();
    click(root.querySelector("dialog.settings button[type=submit]"));
    await flush();
    expect(saved.at(-1)).toMatchObject({ reminders: true, reminder_minutes: 10, shortcuts: { start_room: "Ctrl+Alt+P", copy_personal_link: "", open_app: "Ctrl+Alt+O" } });
  });
});
