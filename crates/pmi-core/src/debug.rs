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

    use crate::Meeting;

    #[test]
    fn a_meeting_prints_without_its_start_link_passcode_or_pwd() {
        let sample = Meeting::sample(Utc::now(), 30);
        let meeting = Meeting {
            join_link: sample.join_link.clone().with_pwd("SECRETPWD"),
            start_url: Some("https://zoom.us/s/1?zak=SECRETZAK".into()),
            passcode: Some("SECRETPASS".into()),
            ..sample
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
