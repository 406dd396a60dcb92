//! Join from anything pasted: a meeting ID with spaces, dashes or dots, a join link from any
//! Zoom domain (vanity subdomains too), a personal link, a `zoommtg://` link, or a whole
//! invitation. Total: any text gives what it names or a reason, never a panic.

use thiserror::Error;
use url::Url;

use crate::ids::MeetingId;
use crate::links::{DesktopLink, DesktopLinkAction, JoinLink, PersonalLink};

/// What a pasted text names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joinable {
    /// A meeting by number: with its web link when the text had one, and a passcode when the
    /// text gave one (the link's encrypted `pwd`, or an invitation's "Passcode:" line).
    Meeting {
        id: MeetingId,
        link: Option<JoinLink>,
        passcode: Option<String>,
    },
    /// Someone's personal link (`/my/<name>`): only Zoom knows which meeting it leads to.
    Personal(PersonalLink),
}

/// Why a text names nothing to join, saying what to paste instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JoinProblem {
    #[error("Paste a meeting ID, a Zoom link or a whole invitation.")]
    Empty,
    #[error("“{0}” is not a Zoom address: PMI Desk opens meeting links from Zoom only.")]
    NotZoom(String),
    #[error("A meeting ID has 9 to 11 digits; “{0}” has {1}.")]
    WrongLength(String, usize),
    #[error("A meeting ID does not start with 0: check “{0}”.")]
    LeadingZero(String),
    #[error("No meeting ID or Zoom link in this text.")]
    NothingFound,
}

/// Zoom's own hosts: `zoom.us`, `zoom.com`, `zoomgov.com` and their subdomains (regions such
/// as `us05web.zoom.us`, company vanity hosts such as `acme.zoom.us`).
pub fn is_zoom_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["zoom.us", "zoom.com", "zoomgov.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Reads `text`. `also_trusted` are more web origins whose links count as Zoom's (the services
/// the account talks to, such as the built-in one on loopback).
pub fn understand(text: &str, also_trusted: &[&str]) -> Result<Joinable, JoinProblem> {
    if text.trim().is_empty() {
        return Err(JoinProblem::Empty);
    }
    let passcode = labelled_passcode(text);
    let mut foreign: Option<String> = None;
    // A meeting link on another host is not joined, not even by the number in it.
    let mut rest = text.to_owned();
    for token in tokens(text) {
        match link_in(token, also_trusted) {
            Some(Ok(Joinable::Meeting {
                id,
                link,
                passcode: pwd,
            })) => {
                return Ok(Joinable::Meeting {
                    id,
                    link,
                    passcode: pwd.or(passcode),
                })
            }
            Some(Ok(personal)) => return Ok(personal),
            Some(Err(host)) => {
                foreign.get_or_insert(host);
                rest = rest.replace(token, " ");
            }
            None => {}
        }
    }
    match meeting_number(&rest) {
        Ok(id) => Ok(Joinable::Meeting {
            id,
            link: None,
            passcode,
        }),
        Err(problem) => Err(match (problem, foreign) {
            (JoinProblem::NothingFound, Some(host)) => JoinProblem::NotZoom(host),
            (problem, _) => problem,
        }),
    }
}

impl Joinable {
    /// What was understood, in a line: "Meeting 857 4606 5432, with passcode".
    pub fn describe(&self) -> String {
        match self {
            Joinable::Meeting { id, passcode, .. } => format!(
                "Meeting {}{}",
                id.formatted(),
                if passcode.is_some() {
                    ", with passcode"
                } else {
                    ", no passcode in the text"
                }
            ),
            Joinable::Personal(link) => format!("Personal link {}", link.name()),
        }
    }

    /// The link that opens it in the Zoom app; a personal link opens on the web, where Zoom
    /// hands it to the app.
    pub fn app_link(&self) -> String {
        match self {
            Joinable::Meeting {
                link: Some(link), ..
            } if link.pwd().is_some() || link.omn().is_some() => {
                DesktopLink::for_join_link(DesktopLinkAction::Join, link).to_string()
            }
            Joinable::Meeting { id, passcode, .. } => {
                DesktopLink::join(*id, passcode.as_deref()).to_string()
            }
            Joinable::Personal(link) => link.to_string(),
        }
    }

    /// The link that opens it in the browser.
    pub fn web_link(&self) -> String {
        match self {
            Joinable::Meeting {
                link: Some(link), ..
            } => link.to_string(),
            Joinable::Meeting { id, .. } => JoinLink::new("https://zoom.us", *id)
                .map(|l| l.to_string())
                .unwrap_or_else(|_| format!("https://zoom.us/j/{id}")),
            Joinable::Personal(link) => link.to_string(),
        }
    }
}

/// A Zoom link in `text` (a join link, a personal link, a `zoommtg://` link), if there is one;
/// a bare number does not count. What the clipboard offer looks for.
pub fn understand_link(text: &str, also_trusted: &[&str]) -> Option<Joinable> {
    let passcode = labelled_passcode(text);
    tokens(text).find_map(|token| match link_in(token, also_trusted)? {
        Ok(Joinable::Meeting {
            id,
            link,
            passcode: pwd,
        }) => Some(Joinable::Meeting {
            id,
            link,
            passcode: pwd.or_else(|| passcode.clone()),
        }),
        Ok(personal) => Some(personal),
        Err(_) => None,
    })
}

/// The text cut where links end: white space, quotes and brackets.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "<>\"'()[]{}|`,;".contains(c))
        .map(|t| t.trim_end_matches(['.', '!', '?', ':']))
        .filter(|t| !t.is_empty())
}

/// A link in one token: `None` when it is not a link at all, `Err(host)` for a meeting link on
/// a host that is not Zoom's.
fn link_in(token: &str, also_trusted: &[&str]) -> Option<Result<Joinable, String>> {
    let lower = token.to_ascii_lowercase();
    if lower.starts_with("zoommtg:") || lower.starts_with("zoomus:") {
        let desktop = DesktopLink::parse(&format!("zoommtg:{}", token.split_once(':')?.1)).ok()?;
        // The same meeting on the web, with what the link carried (its pwd, a PMI session's omn).
        let mut link = JoinLink::new("https://zoom.us", desktop.meeting_id()).ok()?;
        if let Some(pwd) = desktop.pwd() {
            link = link.with_pwd(pwd);
        }
        if let Some(omn) = desktop.omn() {
            link = link.with_omn(omn);
        }
        return Some(Ok(Joinable::Meeting {
            id: desktop.meeting_id(),
            link: Some(link),
            passcode: desktop.pwd().map(str::to_owned),
        }));
    }
    let looks_like_link = lower.contains("/j/")
        || lower.contains("/my/")
        || lower.contains("/wc/")
        || lower.contains("/w/");
    if !looks_like_link {
        return None;
    }
    let with_scheme = if lower.contains("://") {
        token.to_owned()
    } else {
        format!("https://{token}")
    };
    let url = Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.to_owned();
    let trusted = also_trusted
        .iter()
        .filter_map(|o| Url::parse(o).ok())
        .any(|o| o.origin() == url.origin());
    let zoom = is_zoom_host(&host) && matches!(url.scheme(), "https" | "http");
    if !(zoom || trusted) {
        return Some(Err(host));
    }
    // Zoom's own links always go over https, whatever was pasted.
    let text = if zoom && url.scheme() == "http" {
        format!("https{}", &with_scheme[4..])
    } else {
        with_scheme
    };
    if let Ok(link) = JoinLink::parse(&text) {
        return Some(Ok(Joinable::Meeting {
            id: link.meeting_id(),
            passcode: link.pwd().map(str::to_owned),
            link: Some(link),
        }));
    }
    PersonalLink::parse(&text)
        .ok()
        .map(|p| Ok(Joinable::Personal(p)))
}

/// The passcode an invitation gives on a "Passcode:" (or older "Password:") line.
fn labelled_passcode(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let lower = line.to_ascii_lowercase();
        let at = ["passcode:", "password:"]
            .iter()
            .find_map(|label| lower.find(label).map(|i| i + label.len()))?;
        let value = line.get(at..)?.split_whitespace().next()?;
        let ok = value.chars().count() <= crate::PASSCODE_MAX_LENGTH
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_' | '*'));
        ok.then(|| value.to_owned())
    })
}

/// A meeting number in free text: after "Meeting ID:" when there is one, else the first run of
/// digits (grouped by single spaces, dashes or dots) of a meeting number's length.
fn meeting_number(text: &str) -> Result<MeetingId, JoinProblem> {
    let lower = text.to_ascii_lowercase();
    let from = lower
        .find("meeting id:")
        .map_or(0, |i| i + "meeting id:".len());
    let runs = digit_runs(text.get(from..).unwrap_or(text));
    if let Some(id) = runs.iter().find_map(|digits| {
        let ok = (9..=11).contains(&digits.len()) && !digits.starts_with('0');
        ok.then(|| digits.parse().ok().and_then(|n| MeetingId::new(n).ok()))
            .flatten()
    }) {
        return Ok(id);
    }
    // The whole text was one number that cannot be a meeting ID: say why.
    let only_a_number = text
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || is_separator(c));
    match runs.as_slice() {
        [digits] if only_a_number && digits.starts_with('0') => {
            Err(JoinProblem::LeadingZero(text.trim().to_owned()))
        }
        [digits] if only_a_number => Err(JoinProblem::WrongLength(
            text.trim().to_owned(),
            digits.len(),
        )),
        _ => Err(JoinProblem::NothingFound),
    }
}

/// What may stand between the groups of a meeting ID: a space (a no-break one too, as mail
/// copied from the web has), a tab, a dash or a dot.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\t' | '-' | '.')
}

/// Runs of digits, one separator between groups kept inside one run.
fn digit_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if is_separator(c)
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        {
            continue;
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(text: &str) -> (u64, Option<String>, Option<String>) {
        match understand(text, &[]).unwrap() {
            Joinable::Meeting { id, link, passcode } => {
                (id.get(), link.map(|l| l.origin().to_owned()), passcode)
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_kind_of_paste_names_its_meeting() {
        assert_eq!(meeting("857 4606 5432"), (85_746_065_432, None, None));
        assert_eq!(meeting(" 857-4606-5432 "), (85_746_065_432, None, None));
        assert_eq!(meeting("354.247.1135"), (3_542_471_135, None, None));
        assert_eq!(
            meeting("https://us05web.zoom.us/j/85746065432?pwd=abc.1"),
            (
                85_746_065_432,
                Some("https://us05web.zoom.us".into()),
                Some("abc.1".into())
            )
        );
        assert_eq!(
            meeting("acme.zoom.us/j/3542471135"),
            (3_542_471_135, Some("https://acme.zoom.us".into()), None)
        );
        assert_eq!(
            meeting("http://zoom.us/j/3542471135"),
            (3_542_471_135, Some("https://zoom.us".into()), None),
            "Zoom's links go over https"
        );
        assert_eq!(
            meeting("zoommtg://zoom.us/join?confno=3542471135&pwd=xyz"),
            (
                3_542_471_135,
                Some("https://zoom.us".into()),
                Some("xyz".into())
            )
        );
        let invitation = "Jane Doe is inviting you to a scheduled Zoom meeting.\n\n\
            Topic: Design review\nTime: Jan 2, 2030 09:00 AM Berlin\n\nJoin Zoom Meeting\n\
            https://zoom.us/j/85746065432\n\nMeeting ID: 857 4606 5432\nPasscode: 123456\n";
        assert_eq!(
            meeting(invitation),
            (
                85_746_065_432,
                Some("https://zoom.us".into()),
                Some("123456".into())
            )
        );
        let no_link =
            "Call at 10:00 tomorrow, room 12 3456\nMeeting ID: 354 247 1135\nPasscode: x7";
        assert_eq!(meeting(no_link), (3_542_471_135, None, Some("x7".into())));
    }

    #[test]
    fn a_personal_link_is_understood_as_one() {
        let j = understand("Join me: https://acme.zoom.us/my/jane.doe.", &[]).unwrap();
        assert_eq!(j.web_link(), "https://acme.zoom.us/my/jane.doe");
        assert_eq!(j.describe(), "Personal link jane.doe");
    }

    #[test]
    fn links_open_in_the_app_with_what_they_carry() {
        let j = understand("https://zoom.us/j/3542471135?pwd=abc&omn=85746065432", &[]).unwrap();
        assert_eq!(
            j.app_link(),
            "zoommtg://zoom.us/join?confno=3542471135&pwd=abc&omn=85746065432"
        );
        let j = understand("Meeting ID: 354 247 1135 Passcode: 99x", &[]).unwrap();
        assert_eq!(
            j.app_link(),
            "zoommtg://zoom.us/join?confno=3542471135&pwd=99x"
        );
        assert_eq!(j.web_link(), "https://zoom.us/j/3542471135");
        assert_eq!(j.describe(), "Meeting 354 247 1135, with passcode");
    }

    #[test]
    fn a_desktop_link_opens_on_the_web_with_what_it_carried() {
        let j = understand(
            "zoommtg://zoom.us/join?confno=3542471135&pwd=abc&omn=85746065432",
            &[],
        )
        .unwrap();
        assert_eq!(
            j.web_link(),
            "https://zoom.us/j/3542471135?pwd=abc&omn=85746065432"
        );
        assert_eq!(
            j.app_link(),
            "zoommtg://zoom.us/join?confno=3542471135&pwd=abc&omn=85746065432"
        );
    }

    #[test]
    fn only_a_link_is_one_to_offer() {
        assert!(understand_link("call 354 247 1135 at noon", &[]).is_none());
        assert!(understand_link("https://example.com/j/1 call 555 123 4567", &[]).is_none());
        let j = understand_link("see https://zoom.us/j/3542471135 soon", &[]).unwrap();
        assert_eq!(j.web_link(), "https://zoom.us/j/3542471135");
        assert!(understand_link("zoommtg://zoom.us/join?confno=3542471135", &[]).is_some());
    }

    #[test]
    fn bad_input_gets_a_reason() {
        assert_eq!(understand("  \n", &[]), Err(JoinProblem::Empty));
        assert_eq!(
            understand("see you at lunch", &[]),
            Err(JoinProblem::NothingFound)
        );
        assert_eq!(
            understand("12345678", &[]),
            Err(JoinProblem::WrongLength("12345678".into(), 8))
        );
        assert_eq!(
            understand("0123456789", &[]),
            Err(JoinProblem::LeadingZero("0123456789".into()))
        );
        assert_eq!(
            understand("https://zoom.evil.com/j/3542471135", &[]),
            Err(JoinProblem::NotZoom("zoom.evil.com".into()))
        );
        assert_eq!(
            understand("https://evilzoom.us/my/jane.doe", &[]),
            Err(JoinProblem::NotZoom("evilzoom.us".into()))
        );
    }

    #[test]
    fn the_accounts_own_service_counts_as_zoom() {
        let link = "http://127.0.0.1:5123/j/3542471135?pwd=a";
        assert_eq!(
            understand(link, &[]),
            Err(JoinProblem::NotZoom("127.0.0.1".into()))
        );
        let j = understand(link, &["http://127.0.0.1:5123"]).unwrap();
        assert_eq!(j.web_link(), link);
    }
}
