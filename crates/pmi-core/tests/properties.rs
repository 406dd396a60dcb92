//! Property tests: parsing what we format gives back the same value, and the PMI rules hold for
//! every number they accept.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pmi_core::{DesktopLink, DesktopLinkAction, JoinLink, MeetingId, PasscodeRules, Pmi, PmiRule};
use proptest::prelude::*;

fn meeting_ids() -> impl Strategy<Value = MeetingId> {
    (100_000_000u64..100_000_000_000).prop_filter_map("in range", |n| MeetingId::new(n).ok())
}

proptest! {
    #[test]
    fn meeting_id_format_then_parse_is_identity(id in meeting_ids()) {
        prop_assert_eq!(MeetingId::parse(&id.formatted()), Ok(id));
        prop_assert_eq!(MeetingId::parse(&id.formatted().replace(' ', "-")), Ok(id));
        prop_assert_eq!(MeetingId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn formatted_ids_have_zoom_group_sizes(id in meeting_ids()) {
        let groups: Vec<usize> = id.formatted().split(' ').map(str::len).collect();
        let expected: &[usize] = match id.to_string().len() {
            9 => &[3, 3, 3],
            10 => &[3, 3, 4],
            _ => &[3, 4, 4],
        };
        prop_assert_eq!(groups, expected);
    }

    #[test]
    fn join_link_format_then_parse_is_identity(
        id in meeting_ids(),
        pwd in proptest::option::of("[A-Za-z0-9.]{1,32}"),
        omn in proptest::option::of(100_000_000u64..100_000_000_000),
        host in prop_oneof![Just("https://zoom.us"), Just("https://us05web.zoom.us"), Just("http://127.0.0.1:5123")],
    ) {
        let mut link = JoinLink::new(host, id).expect("valid origin");
        if let Some(pwd) = pwd { link = link.with_pwd(pwd); }
        if let Some(omn) = omn { link = link.with_omn(omn.to_string()); }
        prop_assert_eq!(JoinLink::parse(&link.to_string()), Ok(link.clone()));
        prop_assert_eq!(MeetingId::parse(&link.to_string()), Ok(id));
    }

    #[test]
    fn desktop_link_format_then_parse_is_identity(
        id in meeting_ids(),
        pwd in proptest::option::of("[A-Za-z0-9]{1,16}"),
        omn in proptest::option::of(80_000_000_000u64..99_999_999_999),
    ) {
        let join = DesktopLink::join(id, pwd.as_deref());
        prop_assert_eq!(DesktopLink::parse(&join.to_string()), Ok(join));
        let start = DesktopLink::start(id);
        prop_assert_eq!(DesktopLink::parse(&start.to_string()), Ok(start));
        // A session of the PMI keeps its own number in the desktop link.
        let mut web = JoinLink::new("https://zoom.us", id).unwrap();
        if let Some(omn) = omn { web = web.with_omn(omn.to_string()); }
        let session = DesktopLink::for_join_link(DesktopLinkAction::Start, &web);
        prop_assert_eq!(session.omn(), web.omn());
        prop_assert_eq!(DesktopLink::parse(&session.to_string()), Ok(session));
    }

    #[test]
    fn every_accepted_pmi_obeys_every_rule(n in 1_000_000_000u64..10_000_000_000) {
        if let Ok(pmi) = Pmi::choose(&n.to_string()) {
            let s = pmi.to_string();
            let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            prop_assert_eq!(d.len(), 10);
            prop_assert!(d[0] >= 2);
            for prefix in ["800", "400", "888", "887", "877", "866", "855", "850", "803", "804", "807",
                           "808", "809", "660", "508", "900", "200", "300", "500", "600", "700"] {
                prop_assert!(!s.starts_with(prefix));
            }
            prop_assert!(!d.windows(5).any(|w| w.iter().all(|&x| x == w[0])));
            prop_assert!(!d.windows(6).any(|w| w.windows(2).all(|p| p[1] == p[0] + 1)));
            prop_assert!(!d.windows(6).any(|w| w.windows(2).all(|p| p[0] == p[1] + 1)));
            prop_assert!(!(0..10u8).any(|x| d.iter().filter(|&&y| y == x).count() >= 8));
            prop_assert!(!(s[0..3] == s[3..6] && s[3..6] == s[6..9]));
            prop_assert_eq!(Pmi::parse(&pmi.formatted()), Ok(pmi));
        }
    }

    #[test]
    fn five_in_a_row_is_always_refused(prefix in 2u64..10, digit in 0u64..10, pos in 1usize..6, tail in 0u64..10_000) {
        // Build a 10-digit number with `digit` repeated five times starting at `pos`.
        let mut s = format!("{prefix}{tail:0>9}");
        s.replace_range(pos..pos + 5, &digit.to_string().repeat(5));
        let refused = Pmi::choose(&s);
        prop_assert!(refused.is_err(), "{} was accepted", s);
    }

    #[test]
    fn nine_digit_numbers_are_never_choosable(n in 200_000_000u64..1_000_000_000) {
        match Pmi::choose(&n.to_string()) {
            Err(pmi_core::Error::InvalidPmi { rule, .. }) => prop_assert_eq!(rule, PmiRule::LegacyNotChoosable),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}

proptest! {
    /// Any rules that do not contradict themselves get a passcode that meets them, at once.
    #[test]
    fn generated_passcodes_meet_every_consistent_rule(
        min_length in 0u8..=10,
        have_letter: bool,
        have_number: bool,
        have_special_character: bool,
        only_allow_numeric: bool,
        have_upper_and_lower_characters: bool,
        seed: u64,
    ) {
        prop_assume!(!(only_allow_numeric
            && (have_letter || have_special_character || have_upper_and_lower_characters)));
        let rules = PasscodeRules {
            min_length,
            have_letter,
            have_number,
            have_special_character,
            only_allow_numeric,
            have_upper_and_lower_characters,
        };
        let mut state = seed;
        let code = rules.generate(|n| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            usize::try_from(state >> 33).unwrap() % n
        });
        prop_assert_eq!(rules.check(&code), Ok(()), "{}", code);
    }
}

fn joinable_id(text: &str) -> Option<MeetingId> {
    match pmi_core::understand(text, &[]) {
        Ok(pmi_core::Joinable::Meeting { id, .. }) => Some(id),
        _ => None,
    }
}

proptest! {
    /// Join from anything: every text gives something to join or a reason, never a panic, and
    /// what it gives opens with links PMI Desk may open.
    #[test]
    fn any_text_gives_a_meeting_or_a_reason(text in any::<String>()) {
        if let Ok(j) = pmi_core::understand(&text, &[]) {
            prop_assert!(j.app_link().starts_with("zoommtg://") || j.app_link().starts_with("https://"));
            prop_assert!(j.web_link().starts_with("https://"));
            prop_assert!(!j.describe().is_empty());
        }
    }

    #[test]
    fn zoomish_text_gives_a_meeting_or_a_reason(
        text in "[ a-zA-Z0-9:/.?=&%-]{0,80}(zoom\\.us|zoommtg:|/j/|/my/|Meeting ID:|Passcode:)[ a-zA-Z0-9:/.?=&%-]{0,80}",
    ) {
        let _ = pmi_core::understand(&text, &["http://127.0.0.1:5123"]);
        if let Some(j) = pmi_core::understand_link(&text, &[]) {
            prop_assert!(j.web_link().starts_with("https://"));
        }
    }

    #[test]
    fn a_meeting_id_is_found_however_it_is_pasted(
        id in meeting_ids(),
        pwd in proptest::option::of("[A-Za-z0-9]{1,20}(\\.1)?"),
        sub in prop_oneof![Just(""), Just("us05web."), Just("acme.")],
        before in "[a-zA-Z ,!]{0,40}",
        after in "[a-zA-Z ,!]{0,40}",
    ) {
        let dashed = id.formatted().replace(' ', "-");
        let mut link = JoinLink::new(&format!("https://{sub}zoom.us"), id).expect("valid origin");
        if let Some(pwd) = &pwd {
            link = link.with_pwd(pwd.clone());
        }
        let link = link.to_string();
        let desktop = DesktopLink::join(id, pwd.as_deref()).to_string();
        let invitation = format!("{before}\nJoin Zoom Meeting\n{link}\n\nMeeting ID: {}\nPasscode: 123456\n{after}", id.formatted());
        for pasted in [id.formatted(), dashed, link.clone(), format!("{before} {link} {after}"), desktop, invitation] {
            prop_assert_eq!(joinable_id(&pasted), Some(id), "{}", pasted);
        }
    }
}
