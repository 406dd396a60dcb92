//! The sandbox's SQLite storage (WAL): one account, its user, meetings, tokens, authorization codes
//! and the daily create/update counter. Every method takes the one connection's lock for a few
//! statements, so concurrent requests are serialised safely.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

use crate::model::{default_lock_settings, default_settings, MeetingRecord, UserRecord};

pub struct Store {
    conn: Mutex<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

/// Who a token speaks for: the local user (authorization code) or the account's admin
/// (account credentials), who alone may change lock settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Admin,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub kind: TokenKind,
    pub role: Role,
    pub client_id: String,
    pub expires_at: i64,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
}

/// Which meetings a list asks for, as `GET /users/{userId}/meetings?type=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Scheduled,
    Live,
    Upcoming,
    Previous,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS account (
    id TEXT PRIMARY KEY,
    lock_settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    pmi INTEGER NOT NULL UNIQUE,
    vanity_name TEXT,
    timezone TEXT NOT NULL,
    use_pmi INTEGER NOT NULL,
    settings TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    type INTEGER NOT NULL,
    topic TEXT NOT NULL,
    agenda TEXT NOT NULL,
    start_time TEXT,
    duration INTEGER,
    timezone TEXT NOT NULL,
    password TEXT NOT NULL,
    use_pmi INTEGER NOT NULL,
    settings TEXT NOT NULL,
    recurrence TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS meeting_by_start ON meeting (start_time, id);
-- The listing's own order (meetings without a start first), so a page is a seek from the last
-- one listed, not a sort of every meeting.
CREATE INDEX IF NOT EXISTS meeting_listed ON meeting (COALESCE(start_time, ''), id);
CREATE TABLE IF NOT EXISTS token (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    client_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS auth_code (
    hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
    day TEXT NOT NULL,
    user_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, user_id)
);
";

fn parse_time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn json_column(text: String) -> Value {
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn meeting_from_row(row: &Row<'_>) -> rusqlite::Result<MeetingRecord> {
    Ok(MeetingRecord {
        id: row.get::<_, i64>("id")? as u64,
        uuid: row.get("uuid")?,
        kind: row.get("type")?,
        topic: row.get("topic")?,
        agenda: row.get("agenda")?,
        start_time: parse_time(row.get("start_time")?),
        duration: row.get("duration")?,
        timezone: row.get("timezone")?,
        password: row.get("password")?,
        use_pmi: row.get("use_pmi")?,
        settings: json_column(row.get("settings")?),
        recurrence: row.get::<_, Option<String>>("recurrence")?.map(json_column),
        status: row.get("status")?,
        created_at: parse_time(row.get("created_at")?).unwrap_or_else(Utc::now),
    })
}

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: row.get("id")?,
        account_id: row.get("account_id")?,
        email: row.get("email")?,
        first_name: row.get("first_name")?,
        last_name: row.get("last_name")?,
        display_name: row.get("display_name")?,
        pmi: row.get::<_, i64>("pmi")? as u64,
        vanity_name: row.get("vanity_name")?,
        timezone: row.get("timezone")?,
        use_pmi: row.get("use_pmi")?,
        settings: json_column(row.get("settings")?),
        created_at: parse_time(row.get("created_at")?).unwrap_or_else(Utc::now),
    })
}

impl Store {
    /// Opens (or creates) `DIR/sandbox.sqlite3` in WAL mode. The file is readable by its owner
    /// alone (it holds the PMI passcode and token hashes); SQLite gives its `-wal` and `-shm`
    /// files the same permissions.
    pub fn open(dir: &Path) -> rusqlite::Result<Self> {
        let path = dir.join("sandbox.sqlite3");
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            let private = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(&path)
                .and_then(|f| f.set_permissions(std::fs::Permissions::from_mode(0o600)));
            if let Err(err) = private {
                tracing::warn!(%err, path = %path.display(), "cannot make the database private");
            }
        }
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each statement is atomic), so
        // the poisoned guard is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates the account, its one user and the personal room on first start; afterwards keeps
    /// what is there, so the PMI is stable across restarts.
    pub fn seed(
        &self,
        account_id: &str,
        user: UserRecord,
        room: MeetingRecord,
    ) -> rusqlite::Result<UserRecord> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO account (id, lock_settings) VALUES (?1, ?2)",
            params![account_id, default_lock_settings().to_string()],
        )?;
        let existing = tx
            .query_row("SELECT * FROM user LIMIT 1", [], user_from_row)
            .optional()?;
        let user = match existing {
            Some(user) => user,
            None => {
                insert_user(&tx, &user)?;
                insert_meeting(&tx, &room)?;
                user
            }
        };
        tx.commit()?;
        Ok(user)
    }

    pub fn account_id(&self) -> rusqlite::Result<String> {
        self.conn()
            .query_row("SELECT id FROM account LIMIT 1", [], |r| r.get(0))
    }

    pub fn user(&self) -> rusqlite::Result<UserRecord> {
        self.conn()
            .query_row("SELECT * FROM user LIMIT 1", [], user_from_row)
    }

    /// Saves the user; when the PMI changed, the personal room moves to the new number.
    pub fn save_user(&self, user: &UserRecord, old_pmi: u64) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE user SET email=?2, first_name=?3, last_name=?4, display_name=?5, pmi=?6, \
             vanity_name=?7, timezone=?8, use_pmi=?9, settings=?10 WHERE id=?1",
            params![
                user.id,
                user.email,
                user.first_name,
                user.last_name,
                user.display_name,
                user.pmi as i64,
                user.vanity_name,
                user.timezone,
                user.use_pmi,
                user.settings.to_string(),
            ],
        )?;
        if old_pmi != user.pmi {
            tx.execute(
                "UPDATE meeting SET id=?1 WHERE id=?2 AND type=4",
                params![user.pmi as i64, old_pmi as i64],
            )?;
        }
        tx.commit()
    }

    /// The account's locks over the defaults, so an account saved before a lock existed has
    /// that lock too (off).
    pub fn lock_settings(&self) -> rusqlite::Result<Value> {
        let saved = self
            .conn()
            .query_row("SELECT lock_settings FROM account LIMIT 1", [], |r| {
                r.get::<_, String>(0)
            })
            .map(json_column)?;
        let mut locks = default_lock_settings();
        if let (Some(sections), Some(saved)) = (locks.as_object_mut(), saved.as_object()) {
            for (name, section) in sections.iter_mut() {
                if let (Some(section), Some(saved)) = (
                    section.as_object_mut(),
                    saved.get(name).and_then(Value::as_object),
                ) {
                    section.extend(saved.clone());
                }
            }
        }
        Ok(locks)
    }

    pub fn save_lock_settings(&self, locks: &Value) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "UPDATE account SET lock_settings=?1",
                params![locks.to_string()],
            )
            .map(|_| ())
    }

    pub fn meeting_id_taken(&self, id: u64) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let in_meetings: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM meeting WHERE id=?1)",
            params![id as i64],
            |r| r.get(0),
        )?;
        let is_pmi: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM user WHERE pmi=?1)",
            params![id as i64],
            |r| r.get(0),
        )?;
        Ok(in_meetings || is_pmi)
    }

    pub fn insert_meeting(&self, meeting: &MeetingRecord) -> rusqlite::Result<()> {
        insert_meeting(&self.conn(), meeting)
    }

    /// A meeting that has not been deleted.
    pub fn meeting(&self, id: u64) -> rusqlite::Result<Option<MeetingRecord>> {
        self.conn()
            .query_row(
                "SELECT * FROM meeting WHERE id=?1 AND deleted=0",
                params![id as i64],
                meeting_from_row,
            )
            .optional()
    }

    pub fn deleted_meeting(&self, id: u64) -> rusqlite::Result<Option<MeetingRecord>> {
        self.conn()
            .query_row(
                "SELECT * FROM meeting WHERE id=?1 AND deleted=1",
                params![id as i64],
                meeting_from_row,
            )
            .optional()
    }

    pub fn save_meeting(&self, m: &MeetingRecord) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE meeting SET type=?2, topic=?3, agenda=?4, start_time=?5, duration=?6, timezone=?7, \
             password=?8, use_pmi=?9, settings=?10, recurrence=?11, status=?12 WHERE id=?1",
            params![
                m.id as i64,
                m.kind,
                m.topic,
                m.agenda,
                m.start_time.map(crate::model::utc_text),
                m.duration,
                m.timezone,
                m.password,
                m.use_pmi,
                m.settings.to_string(),
                m.recurrence.as_ref().map(Value::to_string),
                m.status,
            ],
        )?;
        Ok(())
    }

    pub fn set_deleted(&self, id: u64, deleted: bool) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE meeting SET deleted=?2 WHERE id=?1",
            params![id as i64, deleted],
        )?;
        Ok(())
    }

    /// A page of listed meetings ordered by (start time, id), after the given key; instant
    /// meetings and the personal room are never listed.
    pub fn list_meetings(
        &self,
        kind: ListKind,
        now: DateTime<Utc>,
        after: Option<(String, u64)>,
        limit: usize,
    ) -> rusqlite::Result<(Vec<MeetingRecord>, usize)> {
        let filter = match kind {
            ListKind::Scheduled => "type IN (2, 3, 8)",
            ListKind::Live => "type IN (1, 2, 3, 8) AND status='started'",
            ListKind::Upcoming => {
                // A recurring meeting (8) stays upcoming after its first occurrence, as on Zoom.
                "type IN (2, 3, 8) AND (start_time IS NULL OR type = 8 OR \
                 datetime(start_time, '+' || COALESCE(duration, 0) || ' minutes') >= datetime(?1))"
            }
            ListKind::Previous => {
                "type IN (2, 3, 8) AND start_time IS NOT NULL AND \
                 datetime(start_time, '+' || COALESCE(duration, 0) || ' minutes') < datetime(?1)"
            }
        };
        let conn = self.conn();
        let now_text = crate::model::utc_text(now);
        let total: usize = conn.query_row(
            // `?1 IS NOT NULL` binds the time for the filters that do not mention it.
            &format!(
                "SELECT COUNT(*) FROM meeting WHERE deleted=0 AND {filter} AND ?1 IS NOT NULL"
            ),
            params![now_text],
            |r| r.get::<_, i64>(0),
        )? as usize;
        // NULL start times sort first; the key compares (COALESCE(start,''), id). The first
        // comparison alone lets SQLite seek in `meeting_listed` to where the page begins.
        let (after_start, after_id) = after.unwrap_or((String::new(), 0));
        let mut stmt = conn.prepare(&format!(
            "SELECT * FROM meeting WHERE deleted=0 AND {filter} \
             AND COALESCE(start_time, '') >= ?2 AND (COALESCE(start_time, ''), id) > (?2, ?3) \
             ORDER BY COALESCE(start_time, ''), id LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(
                params![now_text, after_start, after_id as i64, limit as i64],
                meeting_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((rows, total))
    }

    pub fn insert_token(
        &self,
        hash: &str,
        kind: TokenKind,
        role: Role,
        client_id: &str,
        expires_at: i64,
    ) -> rusqlite::Result<()> {
        let kind = match kind {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        };
        self.conn().execute(
            "INSERT INTO token (hash, kind, role, client_id, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, kind, role.as_str(), client_id, expires_at],
        )?;
        Ok(())
    }

    pub fn token(&self, hash: &str) -> rusqlite::Result<Option<TokenRow>> {
        self.conn()
            .query_row(
                "SELECT kind, role, client_id, expires_at, revoked FROM token WHERE hash=?1",
                params![hash],
                |r| {
                    Ok(TokenRow {
                        kind: if r.get::<_, String>(0)? == "refresh" {
                            TokenKind::Refresh
                        } else {
                            TokenKind::Access
                        },
                        role: if r.get::<_, String>(1)? == "admin" {
                            Role::Admin
                        } else {
                            Role::User
                        },
                        client_id: r.get(2)?,
                        expires_at: r.get(3)?,
                        revoked: r.get(4)?,
                    })
                },
            )
            .optional()
    }

    /// Revokes a token; true if it existed and was live. Used for rotation, so a refresh token
    /// can be spent once even when two requests race for it.
    pub fn revoke_token(&self, hash: &str) -> rusqlite::Result<bool> {
        let changed = self.conn().execute(
            "UPDATE token SET revoked=1 WHERE hash=?1 AND revoked=0",
            params![hash],
        )?;
        Ok(changed == 1)
    }

    /// Forgets tokens and authorization codes that have expired, so the tables do not grow
    /// without end.
    pub fn purge_expired(&self, now: i64) -> rusqlite::Result<()> {
        let conn = self.conn();
        conn.execute("DELETE FROM token WHERE expires_at < ?1", params![now])?;
        conn.execute("DELETE FROM auth_code WHERE expires_at < ?1", params![now])?;
        Ok(())
    }

    /// Makes every access token invalid, as if they had all expired.
    pub fn expire_access_tokens(&self) -> rusqlite::Result<()> {
        self.conn()
            .execute("UPDATE token SET revoked=1 WHERE kind='access'", [])
            .map(|_| ())
    }

    pub fn insert_code(&self, hash: &str, code: &CodeRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO auth_code (hash, client_id, redirect_uri, code_challenge, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hash,
                code.client_id,
                code.redirect_uri,
                code.code_challenge,
                code.expires_at
            ],
        )?;
        Ok(())
    }

    /// Takes an authorization code: it works once.
    pub fn take_code(&self, hash: &str) -> rusqlite::Result<Option<CodeRow>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT client_id, redirect_uri, code_challenge, expires_at FROM auth_code WHERE hash=?1",
                params![hash],
                |r| {
                    Ok(CodeRow {
                        client_id: r.get(0)?,
                        redirect_uri: r.get(1)?,
                        code_challenge: r.get(2)?,
                        expires_at: r.get(3)?,
                    })
                },
            )
            .optional()?;
        conn.execute("DELETE FROM auth_code WHERE hash=?1", params![hash])?;
        Ok(row)
    }

    /// Counts one meeting create or update for the user today; returns the count before it, or
    /// `Err(count)` without counting when the limit is reached.
    pub fn count_usage(
        &self,
        day: &str,
        user_id: &str,
        limit: u32,
    ) -> rusqlite::Result<Result<u32, u32>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let used: u32 = tx
            .query_row(
                "SELECT count FROM usage WHERE day=?1 AND user_id=?2",
                params![day, user_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if used >= limit {
            return Ok(Err(used));
        }
        tx.execute(
            "INSERT INTO usage (day, user_id, count) VALUES (?1, ?2, 1) \
             ON CONFLICT(day, user_id) DO UPDATE SET count = count + 1",
            params![day, user_id],
        )?;
        tx.commit()?;
        Ok(Ok(used))
    }
}

fn insert_user(conn: &Connection, user: &UserRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user (id, account_id, email, first_name, last_name, display_name, pmi, vanity_name, \
         timezone, use_pmi, settings, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            user.id,
            user.account_id,
            user.email,
            user.first_name,
            user.last_name,
            user.display_name,
            user.pmi as i64,
            user.vanity_name,
            user.timezone,
            user.use_pmi,
            if user.settings.is_null() { default_settings() } else { user.settings.clone() }.to_string(),
            user.created_at.to_rfc3339(),
        ],
    )?;
    Ok(())
}

fn insert_meeting(conn: &Connection, m: &MeetingRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meeting (id, uuid, type, topic, agenda, start_time, duration, timezone, password, \
         use_pmi, settings, recurrence, status, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            m.id as i64,
            m.uuid,
            m.kind,
            m.topic,
            m.agenda,
            m.start_time.map(crate::model::utc_text),
            m.duration,
            m.timezone,
            m.password,
            m.use_pmi,
            m.settings.to_string(),
            m.recurrence.as_ref().map(Value::to_string),
            m.status,
            m.created_at.to_rfc3339(),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_tokens_and_codes_are_purged_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = 1_000_000;
        store
            .insert_token("old", TokenKind::Access, Role::User, "c", now - 1)
            .unwrap();
        store
            .insert_token("live", TokenKind::Refresh, Role::User, "c", now + 60)
            .unwrap();
        let code = |expires_at| CodeRow {
            client_id: "c".into(),
            redirect_uri: "http://127.0.0.1/cb".into(),
            code_challenge: "x".into(),
            expires_at,
        };
        store.insert_code("old-code", &code(now - 1)).unwrap();
        store.insert_code("live-code", &code(now + 60)).unwrap();
        store.purge_expired(now).unwrap();
        assert!(store.token("old").unwrap().is_none());
        assert!(store.token("live").unwrap().is_some());
        assert!(store.take_code("old-code").unwrap().is_none());
        assert!(store.take_code("live-code").unwrap().is_some());
    }
}
