//! Zoom's official OpenAPI specs (`specs/`, provenance in `specs/SOURCE.md`) and a validator that
//! checks a JSON body against the schema of one operation. Tests use it on both sides: the bodies
//! the client sends and the bodies the sandbox answers.
//!
//! OpenAPI 3.0 schemas are close to JSON Schema draft 4 with two differences handled here:
//! `nullable: true` widens the type to allow `null`, and `oneOf` is not exclusive. Zoom's `oneOf`
//! branches set no `additionalProperties: false`, so a full settings object fits its own branch and
//! also the branch that only knows `meeting_security`; a strict `oneOf` would refuse every real
//! answer, and a plain `anyOf` would accept anything through the branch that knows nothing. So a
//! body must match one of the branches that declare every field the body has.
//!
//! One correction follows the spec's own words: an `enum` whose description says several values
//! may be given comma separated (`recurrence.weekly_days`: "provide `1,3`") becomes a pattern of
//! comma-separated enum values, since the enum alone would refuse the documented `1,3`.

use std::sync::OnceLock;

use serde_json::{Map, Value};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SpecError {
    #[error("no operation {method} {path} in the specs")]
    NoOperation { method: String, path: String },
    #[error("{method} {path} documents no JSON body for {what}")]
    NoSchema {
        method: String,
        path: String,
        what: String,
    },
    #[error("the schema for {0} does not compile: {1}")]
    BadSchema(String, String),
    #[error("{context} does not match the spec:\n  {}", .errors.join("\n  "))]
    Invalid {
        context: String,
        errors: Vec<String>,
    },
}

const SPECS: [&str; 3] = [
    include_str!("../specs/Users.json"),
    include_str!("../specs/Meetings.json"),
    include_str!("../specs/Accounts.json"),
];

fn specs() -> &'static [Value] {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SPECS
            .iter()
            .filter_map(|text| serde_json::from_str(text).ok())
            .collect()
    })
}

fn operation(method: &str, path: &str) -> Result<&'static Value, SpecError> {
    let method_key = method.to_ascii_lowercase();
    specs()
        .iter()
        .find_map(|doc| doc.get("paths")?.get(path)?.get(&method_key))
        .ok_or_else(|| SpecError::NoOperation {
            method: method.to_owned(),
            path: path.to_owned(),
        })
}

/// Turns an OpenAPI 3.0 schema object into a draft-4 JSON Schema (see the module docs).
fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "oneOf" => {
                        out.insert("anyOf".to_owned(), to_json_schema(value));
                    }
                    "example" | "examples" | "nullable" | "deprecated" => {}
                    k if k.starts_with("x-") => {}
                    // Keywords whose value is a schema or a map of schemas: convert inside.
                    _ => {
                        out.insert(key.clone(), to_json_schema(value));
                    }
                }
            }
            if let Some(pattern) = comma_separated_enum(map) {
                out.remove("enum");
                out.insert("pattern".to_owned(), Value::String(pattern));
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(ty)) = map.get("type") {
                    out.insert(
                        "type".to_owned(),
                        Value::Array(vec![Value::String(ty.clone()), Value::from("null")]),
                    );
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The `oneOf` branches (one level of nested `oneOf` flattened) that declare every top-level field
/// of `body`; `None` when the schema has no top-level `oneOf`.
fn declaring_branches<'a>(schema: &'a Value, body: &Value) -> Option<Vec<&'a Value>> {
    fn flatten<'a>(branches: &'a [Value], out: &mut Vec<&'a Value>) {
        for branch in branches {
            match branch.get("oneOf").and_then(Value::as_array) {
                Some(inner) => flatten(inner, out),
                None => out.push(branch),
            }
        }
    }
    let mut branches = Vec::new();
    flatten(schema.get("oneOf")?.as_array()?, &mut branches);
    let keys: Vec<&String> = body
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    Some(
        branches
            .into_iter()
            .filter(|branch| {
                let declared = branch.get("properties").and_then(Value::as_object);
                keys.iter()
                    .all(|k| declared.is_some_and(|d| d.contains_key(*k)))
            })
            .collect(),
    )
}

/// `^(a|b)(,(a|b))*$` for a string enum whose description allows comma-separated values.
fn comma_separated_enum(map: &Map<String, Value>) -> Option<String> {
    let description = map.get("description")?.as_str()?.to_ascii_lowercase();
    if !description.contains("comma separated") && !description.contains("comma-separated") {
        return None;
    }
    let values: Vec<&str> = map
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if values.is_empty() {
        return None;
    }
    let alternatives = values
        .iter()
        .map(|v| {
            v.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|");
    Some(format!("^({alternatives})(,({alternatives}))*$"))
}

fn check(schema: &Value, body: &Value, context: String) -> Result<(), SpecError> {
    if let Some(branches) = declaring_branches(schema, body) {
        let mut first_failure = None;
        for branch in &branches {
            match check_one(branch, body, context.clone()) {
                Ok(()) => return Ok(()),
                Err(err) => {
                    first_failure.get_or_insert(err);
                }
            }
        }
        return Err(first_failure.unwrap_or_else(|| SpecError::Invalid {
            context,
            errors: vec!["no branch of the schema declares all of the body's fields".to_owned()],
        }));
    }
    check_one(schema, body, context)
}

fn check_one(schema: &Value, body: &Value, context: String) -> Result<(), SpecError> {
    let schema = to_json_schema(schema);
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| SpecError::BadSchema(context.clone(), e.to_string()))?;
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SpecError::Invalid { context, errors })
    }
}

/// Validates a response body. `path` is the spec's template, e.g. `/meetings/{meetingId}`.
pub fn validate_response(
    method: &str,
    path: &str,
    status: u16,
    body: &Value,
) -> Result<(), SpecError> {
    let op = operation(method, path)?;
    let schema = op
        .get("responses")
        .and_then(|r| r.get(status.to_string()))
        .and_then(|r| r.get("content"))
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"))
        .ok_or_else(|| SpecError::NoSchema {
            method: method.to_owned(),
            path: path.to_owned(),
            what: format!("response {status}"),
        })?;
    check(
        schema,
        body,
        format!("response {status} of {method} {path}"),
    )
}

/// Validates a request body against the operation's `requestBody` schema.
pub fn validate_request(method: &str, path: &str, body: &Value) -> Result<(), SpecError> {
    let op = operation(method, path)?;
    let schema = op
        .get("requestBody")
        .and_then(|r| r.get("content"))
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"))
        .ok_or_else(|| SpecError::NoSchema {
            method: method.to_owned(),
            path: path.to_owned(),
            what: "the request".to_owned(),
        })?;
    check(schema, body, format!("request of {method} {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn all_three_specs_load() {
        assert_eq!(specs().len(), 3);
    }

    #[test]
    fn a_good_meeting_passes_and_a_bad_one_fails_with_the_field_named() {
        let good = json!({"id": 85746065432u64, "topic": "Sync", "type": 2, "join_url": "https://zoom.us/j/85746065432"});
        validate_response("POST", "/users/{userId}/meetings", 201, &good).unwrap();
        let bad = json!({"id": "85746065432", "type": 5});
        let err = validate_response("POST", "/users/{userId}/meetings", 201, &bad).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/id") && text.contains("/type"), "{text}");
    }

    #[test]
    fn request_limits_are_checked() {
        let too_long = json!({"topic": "x".repeat(201), "duration": 0});
        let err = validate_request("POST", "/users/{userId}/meetings", &too_long).unwrap_err();
        assert!(err.to_string().contains("/topic") && err.to_string().contains("/duration"));
        validate_request(
            "POST",
            "/users/{userId}/meetings",
            &json!({"topic": "ok", "duration": 30}),
        )
        .unwrap();
    }

    #[test]
    fn overlapping_one_of_branches_accept_a_real_settings_body() {
        let settings = json!({"schedule_meeting": {"use_pmi_for_instant_meetings": true}, "in_meeting": {"waiting_room": false}});
        validate_response("GET", "/users/{userId}/settings", 200, &settings).unwrap();
        let wrong = json!({"schedule_meeting": {"use_pmi_for_instant_meetings": "yes"}});
        assert!(validate_response("GET", "/users/{userId}/settings", 200, &wrong).is_err());
        let unknown = json!({"no_such_section": {}});
        assert!(validate_response("GET", "/users/{userId}/settings", 200, &unknown).is_err());
    }

    #[test]
    fn comma_separated_week_days_follow_the_description_not_the_bare_enum() {
        let path = "/users/{userId}/meetings";
        let body = |days: &str| json!({"topic": "t", "type": 8, "recurrence": {"type": 2, "weekly_days": days}});
        validate_request("POST", path, &body("1,3")).unwrap();
        validate_request("POST", path, &body("2")).unwrap();
        assert!(validate_request("POST", path, &body("8")).is_err());
        assert!(validate_request("POST", path, &body("1,,3")).is_err());
    }

    #[test]
    fn unknown_operations_are_errors() {
        assert!(matches!(
            validate_response("GET", "/nope", 200, &json!({})),
            Err(SpecError::NoOperation { .. })
        ));
    }
}
