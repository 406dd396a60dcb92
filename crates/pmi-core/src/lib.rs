//! The Personal Meeting ID domain, with no I/O: which numbers may be a PMI or a meeting ID, how
//! Zoom formats and links them, how an invitation reads, and which schedules put two PMI meetings
//! too close together. Everything here is pure and tested without a network or a window.

mod account;
mod calendar;
mod debug;
mod error;
mod ids;
mod invitation;
mod join;
mod links;
mod meeting;
mod reminders;
mod schedule;
mod schedule_request;

pub use account::{Meeting, MeetingStatus, PmiPasscodeRequirement, PmiSettings, Profile};
pub use calendar::ics_event;
pub use error::{Error, PmiRule};
pub use ids::{MeetingId, Pmi, VanityName};
pub use invitation::{Invitation, InvitationSubject};
pub use join::{is_zoom_host, understand, understand_link, JoinProblem, Joinable};
pub use links::{DesktopLink, DesktopLinkAction, JoinLink, PersonalLink};
pub use meeting::{
    AudioType, MeetingKind, MeetingOptions, MonthlyWeekday, PasscodeRules, Recurrence,
    RecurrenceEnd, RecurrenceUnit, JBH_MINUTES, PASSCODE_MAX_LENGTH,
};
pub use reminders::{due, next_look, Reminder, Upcoming, LATE_GRACE};
pub use schedule::{
    check_pmi_occurrences, check_pmi_schedule, occurrence_slots, occurrences, PmiSlot,
    ScheduleWarning, ScheduleWarningKind, RECURRENCE_HORIZON_DAYS,
};
pub use schedule_request::{
    FieldProblem, ScheduleChanges, ScheduleRequest, ValidSchedule, DURATION_MAX_MINUTES,
    TOPIC_MAX_CHARS,
};
