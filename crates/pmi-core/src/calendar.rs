//! An iCalendar (`.ics`, RFC 5545) event for "Other Calendars".

use chrono::{DateTime, Utc};

use crate::account::Meeting;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\r', '\n'], "\\n")
}

/// Folds a content line at 75 octets, as RFC 5545 asks, without splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The meeting as one calendar event; the invitation text is its description.
pub fn ics_event(meeting: &Meeting, invitation: &str, now: DateTime<Utc>) -> Option<String> {
    let start = meeting.start?;
    let end = meeting.end()?;
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//PMI Desk//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@pmidesk", meeting.id),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(start)),
        format!("DTEND:{}", stamp(end)),
        format!("SUMMARY:{}", escape(&meeting.topic)),
        format!("LOCATION:{}", escape(&meeting.join_link.to_string())),
        format!("URL:{}", meeting.join_link),
        format!("DESCRIPTION:{}", escape(invitation)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    Some(
        lines
            .iter()
            .map(|l| fold(l))
            .collect::<Vec<_>>()
            .join("\r\n")
            + "\r\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_event_with_escaped_text_and_folded_lines() {
        let meeting = Meeting {
            topic: "Plan; budget, Q1".into(),
            time_zone: Some("UTC".into()),
            ..Meeting::sample(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(), 45)
        };
        let text = "x".repeat(100);
        let ics = ics_event(
            &meeting,
            &text,
            Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap(),
        )
        .unwrap();
        assert!(ics.contains("DTSTART:20261201T090000Z\r\nDTEND:20261201T094500Z\r\n"));
        assert!(ics.contains("SUMMARY:Plan\\; budget\\, Q1\r\n"));
        assert!(ics.lines().all(|l| l.len() <= 75), "{ics}");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));

        // A bare CR (or CRLF) in the text must not end the line early.
        let crlf = ics_event(&meeting, "one\r\ntwo\rthree", Utc::now()).unwrap();
        assert!(crlf.contains("DESCRIPTION:one\\ntwo\\nthree\r\n"), "{crlf}");
        assert_eq!(crlf.matches('\r').count(), crlf.matches("\r\n").count());
    }
}
