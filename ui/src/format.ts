// Dates and times in the user's own time zone, as the Meetings tab shows them.
import type { MonthlyWeekday } from "./bindings/MonthlyWeekday";
import type { Recurrence } from "./bindings/Recurrence";

export function formatStart(start: string | null, locale?: string): string {
  if (!start) return "No fixed time";
  const date = new Date(start);
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(date);
}

export function formatDuration(minutes: number | null): string {
  if (minutes === null) return "";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} hr` : `${h} hr ${m} min`;
}

/** The IANA zones the webview knows, with `current` first if it is missing from the list. */
export function timeZones(current: string): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
  const all = zones.includes("UTC") ? zones : ["UTC", ...zones];
  return all.includes(current) ? all : [current, ...all];
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** "2026-11-27" and "09:30" for a Date, in local time. */
export function dateAndTime(date: Date): { date: string; time: string } {
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

/** `yyyy-mm-dd` and `HH:MM` of `date` as a clock in `zone` shows it (a meeting's own time zone). */
export function dateAndTimeIn(date: Date, zone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${part("year")}-${part("month")}-${part("day")}`, time: `${part("hour")}:${part("minute")}` };
}

/** The moment a clock in `zone` shows `date` (`yyyy-mm-dd`) at `time` (`HH:MM`), as
 * `yyyy-mm-ddTHH:MM:SSZ`: the zone's offset is found from the zone itself (twice, for a
 * daylight-saving change between the guess and the answer). */
export function zonedToUtc(date: string, time: string, zone: string): string {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  let utc = wall;
  for (let i = 0; i < 2; i += 1) {
    const shown = dateAndTimeIn(new Date(utc), zone);
    const [sy, smo, sd] = shown.date.split("-").map(Number);
    const [sh, smi] = shown.time.split(":").map(Number);
    const shownWall = Date.UTC(sy ?? 1970, (smo ?? 1) - 1, sd ?? 1, sh ?? 0, smi ?? 0);
    utc += wall - shownWall;
  }
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The next half hour from `now`, as Zoom's Schedule dialog proposes. */
export function nextHalfHour(now: Date): Date {
  const next = new Date(now);
  next.setSeconds(0, 0);
  next.setMinutes(next.getMinutes() < 30 ? 30 : 60);
  return next;
}

/** The clock of `zone`, or the local one. */
function inZone(zone: string | null | undefined): Intl.DateTimeFormatOptions {
  return zone ? { timeZone: zone } : {};
}

/** "10:00 AM" for a moment, in local time (or on the clock of `zone`). */
export function formatTime(date: Date, locale?: string, zone?: string | null): string {
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", ...inZone(zone) }).format(date);
}

/** "10:00 AM – 10:30 AM", "10:00 AM" without a duration, or "No fixed time"; local time (or the
 * clock of `zone`). */
export function formatTimeRange(start: string | null, minutes: number | null, locale?: string, zone?: string | null): string {
  if (!start) return "No fixed time";
  const from = new Date(start);
  if (minutes === null) return formatTime(from, locale, zone);
  return `${formatTime(from, locale, zone)} – ${formatTime(new Date(from.getTime() + minutes * 60_000), locale, zone)}`;
}

/** "Wednesday, January 2, 2030", in local time (or on the clock of `zone`). */
export function formatLongDate(start: string, locale?: string, zone?: string | null): string {
  return new Intl.DateTimeFormat(locale, { weekday: "long", year: "numeric", month: "long", day: "numeric", ...inZone(zone) }).format(
    new Date(start),
  );
}

/** "Today", "Tomorrow", or the day ("Wed, Jan 2", with the year when it is not `now`'s year),
 * on the local calendar. */
export function dayHeading(start: string, now: Date, locale?: string): string {
  const day = new Date(start);
  const key = dateAndTime(day).date;
  if (key === dateAndTime(now).date) return "Today";
  if (key === dateAndTime(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)).date) return "Tomorrow";
  const year: Intl.DateTimeFormatOptions = day.getFullYear() === now.getFullYear() ? {} : { year: "numeric" };
  return new Intl.DateTimeFormat(locale, { weekday: "short", month: "short", day: "numeric", ...year }).format(day);
}

/** Meetings grouped under their local day, in the order given; those without a fixed time last. */
export function groupByDay<M extends { start: string | null }>(
  meetings: readonly M[],
  now: Date,
  locale?: string,
): { key: string; heading: string; meetings: M[] }[] {
  const groups = new Map<string, { key: string; heading: string; meetings: M[] }>();
  for (const m of meetings) {
    const key = m.start ? dateAndTime(new Date(m.start)).date : "no-fixed-time";
    let group = groups.get(key);
    if (!group) {
      group = { key, heading: m.start ? dayHeading(m.start, now, locale) : "No fixed time", meetings: [] };
      groups.set(key, group);
    }
    group.meetings.push(m);
  }
  const all = [...groups.values()];
  return [...all.filter((g) => g.key !== "no-fixed-time"), ...all.filter((g) => g.key === "no-fixed-time")];
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/** Zoom's weeks of the month (`monthly_week`), in words. */
export const MONTH_WEEKS: [number, string][] = [
  [1, "first"],
  [2, "second"],
  [3, "third"],
  [4, "fourth"],
  [-1, "last"],
];
/** Zoom's days of the week (1 = Sunday), in words. */
export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** "second Tuesday", "last Friday". */
export function describeWeekday(w: MonthlyWeekday): string {
  const week = MONTH_WEEKS.find(([n]) => n === w.week)?.[1] ?? "?";
  return `${week} ${WEEKDAY_NAMES[w.day - 1] ?? "?"}`;
}

/** The weekday of the month `date` falls on: the last one when it is in the month's last week
 * and past the fourth (the 29th–31st), else its first to fourth. */
export function weekdayOfMonth(date: Date): MonthlyWeekday {
  const week = Math.ceil(date.getDate() / 7);
  return { week: week > 4 ? -1 : week, day: date.getDay() + 1 };
}

/** How a meeting repeats, in words: "Every 2 weeks on Mon, Wed, 4 times"; an end date on the
 * clock of `zone` (the meeting's own). */
export function describeRecurrence(r: Recurrence, locale?: string, zone?: string | null): string {
  const unit = { day: "day", week: "week", month: "month" }[r.every];
  let text = r.interval > 1 ? `Every ${r.interval} ${unit}s` : `Every ${unit}`;
  if (r.every === "week" && r.weekly_days.length > 0) {
    text += ` on ${r.weekly_days.map((d) => WEEKDAYS[d - 1] ?? "?").join(", ")}`;
  }
  if (r.every === "month" && r.monthly_day !== null) text += ` on day ${r.monthly_day}`;
  else if (r.every === "month" && r.monthly_weekday !== null) text += ` on the ${describeWeekday(r.monthly_weekday)}`;
  if (r.end.kind === "after") return `${text}, ${r.end.value} ${r.end.value === 1 ? "time" : "times"}`;
  const until = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", year: "numeric", ...inZone(zone) }).format(
    new Date(r.end.value),
  );
  return `${text}, until ${until}`;
}
