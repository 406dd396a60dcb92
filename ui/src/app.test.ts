import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { App } from "./app";
import { backend, type Overview } from "./backend";

function overview(partial: Partial<Overview> = {}): Overview {
  return {
    room: {
      display_name: "Jane Doe",
      pmi: 3542471135,
      pmi_formatted: "354 247 1135",
      personal_link: "https://zoom.us/my/jane.doe",
      join_link: "https://zoom.us/j/3542471135",
      passcode: "123456",
      settings: {
        waiting_room: false, join_before_host: false, jbh_minutes: 0, mute_upon_entry: false,
        host_video: false, participant_video: false, audio: "both", authenticated_only: false,
      },
      locked: {
        passcode: false, waiting_room: false, join_before_host: false, mute_upon_entry: false,
        host_video: false, participant_video: false, audio: false, authenticated_only: false,
      },
      invitation: "Jane Doe is inviting you…",
      offline: false,
    },
    instant_pmi: { checked: false, locked: false },
    schedule_on_pmi_by_default: false,
    passcode_rules: { min_length: 6, max_length: 10, have_letter: false, have_number: false, have_special_character: false, only_allow_numeric: false },
    meetings: [
      {
        id: 85746065432,
        join_number_formatted: "354 247 1135",
        topic: "Weekly 1:1",
        start: "2030-01-02T09:00:00Z",
        duration_minutes: 30,
        time_zone: "Europe/Berlin",
        join_link: "https://zoom.us/j/3542471135?omn=85746065432",
        on_pmi: true,
        recurring: false,
        instant: false,
        passcode: null,
        waiting_room: false,
        host_video: false,
        participant_video: false,
        recurrence: null,
      },
    ],
    new_meeting: { waiting_room: true, host_video: true, participant_video: false, passcode: "842913" },
    stale: null,
    ...partial,
  };
}

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

async function mount(handler: Handler): Promise<{ app: App; root: HTMLElement; calls: string[] }> {
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    return handler(cmd, (args ?? {}) as Record<string, unknown>);
  });
  const root = document.createElement("main");
  document.body.replaceChildren(root);
  const app = new App(root, backend);
  await app.load();
  return { app, root, calls };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => vi.useRealTimers());
afterEach(() => clearMocks());

describe("Meetings tab", () => {
  it("shows the personal room and the meetings, with a PMI badge on PMI meetings", async () => {
    const { root } = await mount((cmd) => (cmd === "overview" ? overview() : null));
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    const row = root.querySelector("[data-testid=meeting]");
    expect(row?.querySelector(".topic")?.textContent).toBe("Weekly 1:1");
    expect(row?.querySelector("[data-testid=pmi-badge]")?.textContent).toBe("PMI");
    expect(row?.querySelector("[data-testid=join-link]")?.textContent).toContain("omn=85746065432");
  });

  it("keeps what was shown when a refresh fails, with the error and Retry", async () => {
    let fail = false;
    const { app, root } = await mount((cmd) => {
      if (cmd !== "overview") return null;
      if (fail) throw { kind: "unreachable", message: "Cannot reach the meeting service.", fields: [] };
      return overview();
    });
    fail = true;
    await app.load();
    expect(root.querySelector("[data-testid=error-banner]")?.textContent).toContain("Cannot reach the meeting service.");
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    fail = false;
    (root.querySelector("#retry") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(root.querySelector("[data-testid=error-banner]")).toBeNull();
  });
});

describe("New Meeting dropdown", () => {
  it("checks Use my PMI through the backend and shows what the account holds", async () => {
    const { root } = await mount((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_instant_pmi") return { checked: args.checked, locked: false };
      return null;
    });
    (root.querySelector("#new-meeting-menu") as HTMLButtonElement).click();
    const item = root.querySelector("#use-pmi") as HTMLElement;
    expect(item.getAttribute("role")).toBe("menuitemcheckbox");
    expect(item.textContent).toContain("354 247 1135");
    expect(item.getAttribute("aria-checked")).toBe("false");
    item.click();
    await flush();
    expect(root.querySelector("#use-pmi")?.getAttribute("aria-checked")).toBe("true");
  });

  it("shows a locked setting disabled with the reason, and does not write it", async () => {
    const { root, calls } = await mount((cmd) => (cmd === "overview" ? overview({ instant_pmi: { checked: true, locked: true } }) : null));
    (root.querySelector("#new-meeting-menu") as HTMLButtonElement).click();
    const item = root.querySelector("#use-pmi") as HTMLElement;
    expect(item.getAttribute("aria-disabled")).toBe("true");
    expect(item.getAttribute("aria-checked")).toBe("true");
    expect(root.querySelector("[data-testid=use-pmi-locked]")?.textContent).toBe("Locked by your account admin");
    item.click();
    await flush();
    expect(calls).not.toContain("set_instant_pmi");
  });

  it("reports a lock discovered when the write did not hold", async () => {
    const { root } = await mount((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "set_instant_pmi") return { checked: false, locked: true };
      return null;
    });
    (root.querySelector("#new-meeting-menu") as HTMLButtonElement).click();
    (root.querySelector("#use-pmi") as HTMLElement).click();
    await flush();
    expect(root.querySelector("#use-pmi")?.getAttribute("aria-disabled")).toBe("true");
    expect(root.querySelector("[data-testid=status]")?.textContent).toContain("locked");
  });

  it("opens with the keyboard and Escape closes it, returning focus to the arrow", async () => {
    const { root } = await mount((cmd) => (cmd === "overview" ? overview() : null));
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
    const { app } = await mount((cmd, args) => {
      if (cmd === "overview") return overview({ schedule_on_pmi_by_default: true });
      if (cmd === "check_schedule") return [];
      if (cmd === "schedule_meeting") {
        sent = args;
        return { meeting: overview().meetings[0], calendar_file: null };
      }
      return null;
    });
    app.openSchedule();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    expect((dialog.querySelector("#s-use-pmi") as HTMLInputElement).checked).toBe(true);
    expect((dialog.querySelector("#s-passcode") as HTMLInputElement).disabled).toBe(true);
    await app.schedule.save();
    expect((sent as unknown as { request: { use_pmi: boolean; passcode: string | null } }).request).toMatchObject({ use_pmi: true, passcode: null });
    expect(dialog.open).toBe(false);
  });

  it("marks each field the backend names and stays open", async () => {
    const { app } = await mount((cmd) => {
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
    app.openSchedule();
    await app.schedule.save();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.querySelector("#err-topic")?.textContent).toBe("Enter a topic.");
    expect(dialog.querySelector("#s-topic")?.getAttribute("aria-invalid")).toBe("true");
    expect(dialog.querySelector("#err-time_zone")?.textContent).toContain("not a time zone");
  });

  it("keeps everything typed when the service fails", async () => {
    const { app } = await mount((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "check_schedule") return [];
      if (cmd === "schedule_meeting") throw { kind: "unreachable", message: "Cannot reach the meeting service.", fields: [] };
      return null;
    });
    app.openSchedule();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const topic = dialog.querySelector("#s-topic") as HTMLInputElement;
    topic.value = "Budget sync";
    await app.schedule.save();
    expect(dialog.open).toBe(true);
    expect(topic.value).toBe("Budget sync");
    expect(dialog.querySelector("[data-testid=schedule-failure]")?.textContent).toContain("Nothing you typed was lost");
  });

  it("shows the PMI warning the backend finds, naming the other meeting", async () => {
    const { app } = await mount((cmd) => {
      if (cmd === "overview") return overview();
      if (cmd === "check_schedule")
        return [{ kind: "back_to_back", other_topic: "Weekly 1:1", other_start: "2030-01-02T09:00:00Z", message: "“x” runs back-to-back with “Weekly 1:1” (10 min apart)" }];
      return null;
    });
    app.openSchedule();
    await app.schedule.check();
    const warning = document.querySelector("[data-testid=pmi-warning]") as HTMLElement;
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toContain("Weekly 1:1");
  });
});

describe("Schedule dialog passcode", () => {
  it("shows the PMI's own passcode on the PMI and gives back what was typed off it", async () => {
    const { app } = await mount((cmd) => (cmd === "overview" ? overview() : cmd === "check_schedule" ? [] : null));
    app.openSchedule();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const input = dialog.querySelector("#s-passcode") as HTMLInputElement;
    input.value = "mine123";
    (dialog.querySelector("#s-use-pmi") as HTMLInputElement).click();
    expect(input.value).toBe("123456");
    expect(input.disabled).toBe(true);
    (dialog.querySelector("#s-auto-id") as HTMLInputElement).click();
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
    const { root, calls } = await mount((cmd) => {
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
    (root.querySelector("#sign-in-again") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(calls.filter((c) => c === "sign_in")).toHaveLength(1);
    expect(calls.filter((c) => c === "overview")).toHaveLength(2);
    expect(root.querySelector("[data-testid=error-banner]")).toBeNull();
  });

  it("drops an overview that comes back after a newer load began", async () => {
    const answers: ((o: Overview) => void)[] = [];
    mockIPC((cmd) => (cmd === "overview" ? new Promise<Overview>((resolve) => answers.push(resolve)) : null));
    const root = document.createElement("main");
    document.body.replaceChildren(root);
    const app = new App(root, backend);
    const first = app.load();
    const second = app.load();
    await flush();
    const zoom = overview();
    zoom.room = { ...zoom.room, pmi_formatted: "888 777 6666" };
    answers[1]?.(zoom);
    await second;
    answers[0]?.(overview());
    await first;
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("888 777 6666");
  });

  it("says why a sign-in did not happen, and shows the account and Sign out when it did", async () => {
    let attempt = 0;
    const { app, calls } = await mount((cmd, args) => {
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
    await app.settings.open();
    const dialog = document.querySelector("dialog.settings") as HTMLDialogElement;
    (dialog.querySelector("#zoom-client-id") as HTMLInputElement).value = "my_client";
    (dialog.querySelector("#sign-in") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-message]")?.textContent).toContain("Deny");
    expect((dialog.querySelector("#zoom-client-id") as HTMLInputElement).value).toBe("my_client");

    (dialog.querySelector("#sign-in") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-name]")?.textContent).toBe("Signed in to Zoom as Zoe Zoom (zoe@example.com).");
    expect(calls.filter((c) => c === "overview").length).toBeGreaterThanOrEqual(2);

    (dialog.querySelector("#sign-out") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(dialog.querySelector("[data-testid=account-name]")?.textContent).toContain("Built-in local account");
    expect(dialog.querySelector("[data-testid=account-message]")?.textContent).toContain("could not be deleted");
  });
});

describe("Edit", () => {
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
      recurrence: { every: "month" as const, interval: 2, weekly_days: [], monthly_day: 12, end: { kind: "by" as const, value: "2030-06-30T08:00:00Z" } },
    };
    const sent: unknown[] = [];
    const { root, calls } = await mount((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "meeting") return full;
      if (cmd === "check_schedule") return [];
      if (cmd === "update_meeting") {
        sent.push(args.request);
        return full;
      }
      return null;
    });
    (root.querySelector("[data-testid=meeting-edit]") as HTMLButtonElement).click();
    await flush();
    expect(calls).toContain("meeting");
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const value = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).value;
    const checked = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).checked;
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

    (dialog.querySelector("#s-topic") as HTMLInputElement).value = "Renamed";
    (dialog.querySelector("#s-save") as HTMLButtonElement).click();
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

  it("starts a new meeting from the account's defaults", async () => {
    const { app } = await mount((cmd) => (cmd === "overview" ? overview() : cmd === "check_schedule" ? [] : null));
    app.openSchedule();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    const checked = (id: string) => (dialog.querySelector(`#${id}`) as HTMLInputElement).checked;
    expect((dialog.querySelector("#s-passcode") as HTMLInputElement).value).toBe("842913");
    expect(checked("s-waiting-room")).toBe(true);
    expect(checked("s-host-video-on")).toBe(true);
    expect(checked("s-participant-video-off")).toBe(true);
    expect(checked("s-recurring")).toBe(false);
  });
});

describe("Starting near a PMI meeting", () => {
  it("asks first, and Use a new ID starts a meeting of its own", async () => {
    const busy = { kind: "back_to_back", other_topic: "Design review", other_start: "2030-01-02T10:00:00Z", message: "" };
    const newMeetings: unknown[] = [];
    const { root, calls } = await mount((cmd, args) => {
      if (cmd === "overview") return overview();
      if (cmd === "pmi_busy_now") return busy;
      if (cmd === "new_meeting") {
        newMeetings.push(args.ownId);
        return { meeting: { ...overview().meetings[0]!, join_number_formatted: "851 2546 7273" }, opened: "https://x" };
      }
      return null;
    });
    (root.querySelector("[data-testid=room-start]") as HTMLButtonElement).click();
    await flush();
    const chooser = document.querySelector("[data-testid=choose-dialog]") as HTMLDialogElement;
    expect(chooser.textContent).toContain("Design review");
    (chooser.querySelector("#choose-new") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(newMeetings).toEqual([true]);
    expect(calls).not.toContain("start_personal_room");

    // Start anyway starts the personal room.
    (root.querySelector("[data-testid=room-start]") as HTMLButtonElement).click();
    await flush();
    (document.querySelector("#choose-start") as HTMLButtonElement).click();
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
    const { root } = await mount((cmd) => (cmd === "overview" ? overview() : cmd === "meeting" ? full : cmd === "check_schedule" ? [] : null));
    (root.querySelector("[data-testid=meeting-edit]") as HTMLButtonElement).click();
    await flush();
    const dialog = document.querySelector("[data-testid=schedule-dialog]") as HTMLDialogElement;
    expect((dialog.querySelector("#s-duration-hours") as HTMLSelectElement).value).toBe("1");
    expect((dialog.querySelector("#s-duration") as HTMLSelectElement).value).toBe("2");
  });
});
