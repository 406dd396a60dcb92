// What the tests show: an overview as the app gives it (a personal room and one PMI meeting).
import type { Overview } from "./backend";

export function overview(partial: Partial<Overview> = {}): Overview {
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
      learnt: {
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
