//! Reading request bodies the way Zoom does: malformed JSON is an error, unknown fields are
//! ignored, known fields of the wrong type or out of range are named in a 300 error.

use axum::body::Bytes;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};

/// Parses a JSON object body; anything else is Zoom's "valid JSON object" error.
pub fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(
            300,
            "Request Body should be a valid JSON object.",
        )),
    }
}

/// Collects field errors while reading typed values out of a JSON object.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'static str,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            prefix: "",
            errors: Vec::new(),
        }
    }

    pub fn nested(map: &'a Map<String, Value>, prefix: &'static str) -> Self {
        Self {
            map,
            prefix,
            errors: Vec::new(),
        }
    }

    pub fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: format!("{}{key}", self.prefix),
            message: message.into(),
        });
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    pub fn string(&mut self, key: &str, max_chars: usize) -> Option<String> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::String(s) if s.chars().count() <= max_chars => Some(s.clone()),
            Value::String(_) => {
                self.fail(key, format!("Must be at most {max_chars} characters."));
                None
            }
            _ => {
                self.fail(key, "Must be a string.");
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            _ => {
                self.fail(key, "Must be true or false.");
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.map.get(key)?;
        if value.is_null() {
            return None;
        }
        // Zoom accepts numbers sent as strings for a few fields (e.g. "duration": "30").
        let number = value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
        match number {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(_) => {
                self.fail(key, format!("Must be between {min} and {max}."));
                None
            }
            None => {
                self.fail(key, "Must be a whole number.");
                None
            }
        }
    }

    pub fn one_of(&mut self, key: &str, allowed: &[i64]) -> Option<i64> {
        let n = self.integer(key, i64::MIN, i64::MAX)?;
        if allowed.contains(&n) {
            Some(n)
        } else {
            self.fail(key, format!("Must be one of {allowed:?}."));
            None
        }
    }

    pub fn word(&mut self, key: &str, allowed: &[&str]) -> Option<String> {
        let s = self.string(key, 64)?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            self.fail(key, format!("Must be one of {}.", allowed.join(", ")));
            None
        }
    }

    pub fn object(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::Object(map) => Some(map),
            _ => {
                self.fail(key, "Must be an object.");
                None
            }
        }
    }

    pub fn time_zone(&mut self, key: &str) -> Option<String> {
        let tz = self.string(key, 64)?;
        if tz.parse::<Tz>().is_ok() {
            Some(tz)
        } else {
            self.fail(
                key,
                format!("Unknown time zone “{tz}”: use an IANA name such as Europe/Berlin."),
            );
            None
        }
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` (UTC), an RFC 3339 time with an offset, or a local
    /// `yyyy-MM-ddTHH:mm:ss` read in `zone`.
    pub fn start_time(&mut self, key: &str, zone: &str) -> Option<DateTime<Utc>> {
        let text = self.string(key, 64)?;
        if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
            return Some(t.with_timezone(&Utc));
        }
        let local = NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").ok();
        let tz = zone.parse::<Tz>().ok();
        match (local, tz) {
            (Some(local), Some(tz)) => match tz.from_local_datetime(&local).earliest() {
                Some(t) => Some(t.with_timezone(&Utc)),
                None => {
                    self.fail(
                        key,
                        format!("{text} does not exist in {zone} (a clock change skips it)."),
                    );
                    None
                }
            },
            _ => {
                self.fail(
                    key,
                    "Use yyyy-MM-ddTHH:mm:ssZ, or yyyy-MM-ddTHH:mm:ss with a timezone.",
                );
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(self.errors))
        }
    }
}
