//! `Debug` that leaves secrets out: tokens, start links, passcodes, and the links and texts
//! that carry an encrypted passcode are printed as `<hidden>`, so a log line or a panic message
//! never shows them.

/// Implements `Debug` for a struct, printing `<hidden>` for the fields in the first list. Every
/// field must be named in one list or the other (the struct is destructured), so a field added
/// later cannot slip into the output unnoticed.
#[macro_export]
macro_rules! debug_hiding {
    ($ty:ty, hide [$($secret:ident),* $(,)?], show [$($field:ident),* $(,)?]) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let Self { $($field,)* $($secret: _,)* } = self;
                let mut d = f.debug_struct(stringify!($ty));
                $( d.field(stringify!($field), $field); )*
                $( d.field(stringify!($secret), &"<hidden>"); )*
                d.finish()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use crate::{JoinLink, Meeting, MeetingId, MeetingKind, MeetingStatus};

    #[test]
    fn a_meeting_prints_without_its_start_link_passcode_or_pwd() {
        let id = MeetingId::new(85_746_065_432).unwrap();
        let meeting = Meeting {
            id,
            kind: MeetingKind::Scheduled,
            topic: "Plan".into(),
            agenda: String::new(),
            start: Some(Utc::now()),
            duration_minutes: Some(30),
            time_zone: None,
            join_link: JoinLink::new("https://zoom.us", id)
                .unwrap()
                .with_pwd("SECRETPWD"),
            start_url: Some("https://zoom.us/s/1?zak=SECRETZAK".into()),
            passcode: Some("SECRETPASS".into()),
            on_pmi: false,
            waiting_room: false,
            host_video: false,
            participant_video: false,
            status: MeetingStatus::Waiting,
            created_at: None,
            recurrence: None,
        };
        let printed = format!("{meeting:?}");
        assert!(
            printed.contains("Plan") && printed.contains("<hidden>"),
            "{printed}"
        );
        for secret in ["SECRETPWD", "SECRETZAK", "SECRETPASS"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
