//! Join links, personal links and desktop-client links: built from typed parts, parsed back.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::Error;
use crate::ids::{MeetingId, VanityName};

fn invalid(input: &str, reason: &'static str) -> Error {
    Error::InvalidLink {
        input: input.to_owned(),
        reason,
    }
}

/// Parses an http(s) link, adding `https://` when someone pasted it without a scheme.
fn parse_web_url(input: &str) -> Result<Url, Error> {
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| invalid(input, "it is not a web address"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(invalid(input, "it is not a web address"));
    }
    Ok(url)
}

/// The origin a link lives on (`https://zoom.us`, `https://us05web.zoom.us`,
/// `http://127.0.0.1:5123` for the local service).
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// `https://<host>/j/<id>[?pwd=<passcode>][&omn=<meeting number>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLink {
    origin: String,
    meeting_id: MeetingId,
    pwd: Option<String>,
    omn: Option<String>,
}

impl JoinLink {
    /// `origin` is the scheme and host, such as `https://zoom.us`.
    pub fn new(origin: &str, meeting_id: MeetingId) -> Result<Self, Error> {
        let url = parse_web_url(origin)?;
        Ok(Self {
            origin: origin_of(&url),
            meeting_id,
            pwd: None,
            omn: None,
        })
    }

    /// Embeds the (encrypted) passcode; only when the account's `embed_password_in_join_link` is on.
    pub fn with_pwd(mut self, pwd: impl Into<String>) -> Self {
        self.pwd = Some(pwd.into()).filter(|p: &String| !p.is_empty());
        self
    }

    /// Marks the link as one session of the PMI: the meeting's own number, as Zoom's `omn=`.
    pub fn with_omn(mut self, omn: impl Into<String>) -> Self {
        self.omn = Some(omn.into()).filter(|o: &String| !o.is_empty());
        self
    }

    pub fn parse(input: &str) -> Result<Self, Error> {
        let url = parse_web_url(input)?;
        let mut segments = url
            .path_segments()
            .ok_or_else(|| invalid(input, "it has no meeting path"))?;
        let id = match (segments.next(), segments.next(), segments.next()) {
            (Some("j" | "s" | "w"), Some(id), _) => id,
            (Some("wc"), Some("join"), Some(id)) => id,
            (Some("wc"), Some(id), _) => id,
            _ => {
                return Err(invalid(
                    input,
                    "a join link has /j/ and the meeting ID in its path",
                ))
            }
        };
        let meeting_id = MeetingId::parse(id)
            .map_err(|_| invalid(input, "the meeting ID in the link is not 9 to 11 digits"))?;
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        Ok(Self {
            origin: origin_of(&url),
            meeting_id,
            pwd: query("pwd"),
            omn: query("omn"),
        })
    }

    pub fn meeting_id(&self) -> MeetingId {
        self.meeting_id
    }

    pub fn pwd(&self) -> Option<&str> {
        self.pwd.as_deref()
    }

    pub fn omn(&self) -> Option<&str> {
        self.omn.as_deref()
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl fmt::Display for JoinLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut url = match Url::parse(&self.origin) {
            Ok(url) => url,
            Err(_) => return Err(fmt::Error),
        };
        url.set_path(&format!("j/{}", self.meeting_id));
        {
            let mut query = url.query_pairs_mut();
            if let Some(pwd) = &self.pwd {
                query.append_pair("pwd", pwd);
            }
            if let Some(omn) = &self.omn {
                query.append_pair("omn", omn);
            }
        }
        let text = url.as_str();
        // An empty query leaves a trailing '?', which Zoom's links never have.
        f.write_str(text.strip_suffix('?').unwrap_or(text))
    }
}

/// `https://<host>/my/<vanity name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalLink {
    origin: String,
    name: VanityName,
}

impl PersonalLink {
    pub fn new(origin: &str, name: VanityName) -> Result<Self, Error> {
        let url = parse_web_url(origin)?;
        Ok(Self {
            origin: origin_of(&url),
            name,
        })
    }

    pub fn parse(input: &str) -> Result<Self, Error> {
        let url = parse_web_url(input)?;
        let mut segments = url
            .path_segments()
            .ok_or_else(|| invalid(input, "it has no path"))?;
        match (segments.next(), segments.next()) {
            (Some("my"), Some(name)) => {
                let name = VanityName::new(name)
                    .map_err(|_| invalid(input, "the personal link name is not valid"))?;
                Ok(Self {
                    origin: origin_of(&url),
                    name,
                })
            }
            _ => Err(invalid(
                input,
                "a personal link has /my/ and a name in its path",
            )),
        }
    }

    pub fn name(&self) -> &VanityName {
        &self.name
    }
}

impl fmt::Display for PersonalLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/my/{}", self.origin, self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesktopLinkAction {
    Join,
    Start,
}

/// A link that opens the Zoom desktop client: `zoommtg://zoom.us/join?confno=<id>&pwd=<pwd>` or
/// `zoommtg://zoom.us/start?confno=<id>` (the client must be signed in as the host), with
/// `omn=<meeting number>` for one session of the PMI, as its web link has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesktopLink {
    action: DesktopLinkAction,
    meeting_id: MeetingId,
    pwd: Option<String>,
    omn: Option<String>,
}

impl DesktopLink {
    pub fn join(meeting_id: MeetingId, pwd: Option<&str>) -> Self {
        Self {
            action: DesktopLinkAction::Join,
            meeting_id,
            pwd: pwd.filter(|p| !p.is_empty()).map(str::to_owned),
            omn: None,
        }
    }

    pub fn start(meeting_id: MeetingId) -> Self {
        Self {
            action: DesktopLinkAction::Start,
            meeting_id,
            pwd: None,
            omn: None,
        }
    }

    /// Starts or joins the meeting a join link names: for a session of the PMI, the PMI with the
    /// session's own number (`omn`), so the client shows that session's topic and details.
    pub fn for_join_link(action: DesktopLinkAction, link: &JoinLink) -> Self {
        Self {
            action,
            meeting_id: link.meeting_id(),
            pwd: match action {
                DesktopLinkAction::Join => link.pwd().map(str::to_owned),
                DesktopLinkAction::Start => None,
            },
            omn: link.omn().map(str::to_owned),
        }
    }

    pub fn parse(input: &str) -> Result<Self, Error> {
        let url = Url::parse(input.trim()).map_err(|_| invalid(input, "it is not a link"))?;
        if url.scheme() != "zoommtg" {
            return Err(invalid(
                input,
                "a desktop-client link starts with zoommtg://",
            ));
        }
        let action = match url.path() {
            "/join" => DesktopLinkAction::Join,
            "/start" => DesktopLinkAction::Start,
            _ => return Err(invalid(input, "a desktop-client link is /join or /start")),
        };
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let meeting_id = query("confno")
            .and_then(|c| MeetingId::parse(&c).ok())
            .ok_or_else(|| invalid(input, "it has no valid confno"))?;
        Ok(Self {
            action,
            meeting_id,
            pwd: query("pwd").filter(|p| !p.is_empty()),
            omn: query("omn").filter(|o| !o.is_empty()),
        })
    }

    pub fn action(&self) -> DesktopLinkAction {
        self.action
    }

    pub fn meeting_id(&self) -> MeetingId {
        self.meeting_id
    }

    pub fn pwd(&self) -> Option<&str> {
        self.pwd.as_deref()
    }

    pub fn omn(&self) -> Option<&str> {
        self.omn.as_deref()
    }
}

impl fmt::Display for DesktopLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match self.action {
            DesktopLinkAction::Join => "join",
            DesktopLinkAction::Start => "start",
        };
        let mut url = Url::parse("zoommtg://zoom.us/").map_err(|_| fmt::Error)?;
        url.set_path(action);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("confno", &self.meeting_id.to_string());
            if let Some(pwd) = &self.pwd {
                query.append_pair("pwd", pwd);
            }
            if let Some(omn) = &self.omn {
                query.append_pair("omn", omn);
            }
        }
        f.write_str(url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> MeetingId {
        MeetingId::new(n).unwrap()
    }

    #[test]
    fn join_link_has_pwd_only_when_embedded_and_omn_for_pmi_sessions() {
        let plain = JoinLink::new("https://zoom.us", id(85_746_065_432)).unwrap();
        assert_eq!(plain.to_string(), "https://zoom.us/j/85746065432");
        let with_pwd = plain.clone().with_pwd("7b18950c7815");
        assert_eq!(
            with_pwd.to_string(),
            "https://zoom.us/j/85746065432?pwd=7b18950c7815"
        );
        let pmi_session = JoinLink::new("https://us05web.zoom.us/", id(3_542_471_135))
            .unwrap()
            .with_pwd("abc")
            .with_omn("85746065432");
        assert_eq!(
            pmi_session.to_string(),
            "https://us05web.zoom.us/j/3542471135?pwd=abc&omn=85746065432"
        );
    }

    #[test]
    fn join_links_parse_back() {
        let link = JoinLink::parse("https://zoom.us/j/3542471135?pwd=abc&omn=85746065432").unwrap();
        assert_eq!(link.meeting_id(), id(3_542_471_135));
        assert_eq!(link.pwd(), Some("abc"));
        assert_eq!(link.omn(), Some("85746065432"));
        let local = JoinLink::parse("http://127.0.0.1:5123/j/3542471135").unwrap();
        assert_eq!(local.origin(), "http://127.0.0.1:5123");
        assert_eq!(local.to_string(), "http://127.0.0.1:5123/j/3542471135");
        assert!(JoinLink::parse("zoom.us/j/3542471135").is_ok());
        assert!(JoinLink::parse("https://zoom.us/my/jane.doe").is_err());
        assert!(JoinLink::parse("https://zoom.us/j/12").is_err());
    }

    #[test]
    fn personal_links_round_trip() {
        let link = PersonalLink::new("https://acme.zoom.us", VanityName::new("jane.doe").unwrap())
            .unwrap();
        assert_eq!(link.to_string(), "https://acme.zoom.us/my/jane.doe");
        assert_eq!(PersonalLink::parse(&link.to_string()).unwrap(), link);
        assert!(PersonalLink::parse("https://zoom.us/j/3542471135").is_err());
    }

    #[test]
    fn desktop_links_join_and_start() {
        let join = DesktopLink::join(id(3_542_471_135), Some("abc"));
        assert_eq!(
            join.to_string(),
            "zoommtg://zoom.us/join?confno=3542471135&pwd=abc"
        );
        let start = DesktopLink::start(id(3_542_471_135));
        assert_eq!(
            start.to_string(),
            "zoommtg://zoom.us/start?confno=3542471135"
        );
        assert_eq!(DesktopLink::parse(&join.to_string()).unwrap(), join);
        assert_eq!(DesktopLink::parse(&start.to_string()).unwrap(), start);
        assert!(DesktopLink::parse("https://zoom.us/join?confno=3542471135").is_err());
    }
}
