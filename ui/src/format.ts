// Dates and times in the user's own time zone, as the Meetings tab shows them.

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
