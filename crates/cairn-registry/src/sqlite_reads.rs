//! The hot reads of the web server on SQLite (a case file, a session's user) through rusqlite on a
//! few blocking connections: one trip to a blocking thread reads the whole case file, where sqlx
//! costs one trip to its connection worker thread per query (`perf` showed those thread wake-ups
//! as most of a case view's time). The SQL is the sqlx path's own (the same constants, whose `$n`
//! placeholders are bound by name here: SQLite numbers named parameters by first appearance, and
//! `$2` may come before `$1`), read in one transaction, so a case file is one consistent snapshot. Connections are `query_only`:
//! every write keeps going through sqlx. PostgreSQL stays on sqlx.

use crate::RegistryError;
use crate::access::{ConsentRow, EventRow, NoteRow, PersonRow, StatementRow};
use crate::access::{ReferralRow, case_file_sql};
use crate::registry::CaseRow;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, named_params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Reads running at once, each on its own connection (kept open between reads): more would only
/// queue on the cores and open more connections.
pub const READ_CONNECTIONS: usize = 4;

/// [`cairn_store::web_session::WEB_SESSION_LOAD_SQL`] with the session's `user_id` column.
const WEB_SESSION_WITH_USER_SQL: &str =
    "SELECT data, expires_at, user_id FROM web_session WHERE id = $1 AND expires_at > $2";

/// A web session's data and expiry, and its user id with that user's session query row.
pub(crate) type SessionWithUser = (
    String,
    i64,
    Option<(String, Option<crate::account::SessionActorRow>)>,
);

/// Read-only rusqlite connections on the registry's SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteReader {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
    /// One permit a running read: bounds the blocking threads and the connections.
    permits: Arc<tokio::sync::Semaphore>,
}

/// The stored rows of a case file, still sealed (the caller decides access before opening them).
/// No `Debug`: sealed or not, rows of personal data are not for logs.
pub(crate) struct CaseFileRows {
    pub case: CaseRow,
    /// The newest open referral of the case to the reader's organisation: (id, status).
    pub referral_to_reader: Option<(String, String)>,
    /// Read only when asked for (roles that see identities).
    pub person: Option<PersonRow>,
    pub referrals: Vec<ReferralRow>,
    pub events: Vec<EventRow>,
    pub consents: Vec<ConsentRow>,
    pub statement: Option<StatementRow>,
    pub notes: Vec<NoteRow>,
}

fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> RegistryError + '_ {
    move |e| RegistryError::invalid(path.display().to_string(), e.to_string())
}

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok((
        (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
            r.get(13)?,
            r.get(14)?,
            r.get(15)?,
        ),
        r.get(16)?,
    ))
}

fn referral_row(r: &Row<'_>) -> rusqlite::Result<ReferralRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn seven<A, B, C, D, E, F, G>(r: &Row<'_>) -> rusqlite::Result<(A, B, C, D, E, F, G)>
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
    C: rusqlite::types::FromSql,
    D: rusqlite::types::FromSql,
    E: rusqlite::types::FromSql,
    F: rusqlite::types::FromSql,
    G: rusqlite::types::FromSql,
{
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn four<A, B, C, D>(r: &Row<'_>) -> rusqlite::Result<(A, B, C, D)>
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
    C: rusqlite::types::FromSql,
    D: rusqlite::types::FromSql,
{
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

impl SqliteReader {
    /// A reader of the SQLite file at `path` (opened lazily, on the first read).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(tokio::sync::Semaphore::new(READ_CONNECTIONS)),
        }
    }

    fn open(&self) -> Result<Connection, RegistryError> {
        let err = db_error(&self.path);
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(&err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(&err)?;
        // The pragmas of the sqlx pool's connections (cairn_store::registry), and no writes.
        conn.execute_batch(
            "PRAGMA query_only = ON; PRAGMA foreign_keys = ON; \
             PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768;",
        )
        .map_err(&err)?;
        Ok(conn)
    }

    /// Runs `read` on an idle connection (or a new one) on tokio's blocking threads.
    async fn run<T, F>(&self, read: F) -> Result<T, RegistryError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &Path) -> Result<T, RegistryError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| RegistryError::invalid("sqlite read permits", e.to_string()))?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let taken = this.idle.lock().ok().and_then(|mut idle| idle.pop());
            let mut conn = match taken {
                Some(c) => c,
                None => this.open()?,
            };
            let out = read(&mut conn, &this.path);
            if let Ok(mut idle) = this.idle.lock()
                && idle.len() < READ_CONNECTIONS
            {
                idle.push(conn);
            }
            out
        })
        .await
        .map_err(|e| RegistryError::invalid("sqlite read task", e.to_string()))?
    }

    /// Every stored row of a case file in one snapshot; None when the case does not exist.
    /// `reader_organisation` and `reader_user` select the referral that grants access and the
    /// statement grant; `with_person` reads the person's row.
    pub(crate) async fn case_file_rows(
        &self,
        case_id: &str,
        reader_organisation: &str,
        reader_user: &str,
        with_person: bool,
    ) -> Result<Option<CaseFileRows>, RegistryError> {
        let (case_id, org, user) = (
            case_id.to_owned(),
            reader_organisation.to_owned(),
            reader_user.to_owned(),
        );
        self.run(move |conn, path| {
            let err = db_error(path);
            let tx = conn.transaction().map_err(&err)?;
            let Some(case) = tx
                .prepare_cached(case_file_sql::CASE)
                .and_then(|mut s| {
                    s.query_row(named_params! {"$1": case_id}, case_row)
                        .optional()
                })
                .map_err(&err)?
            else {
                return Ok(None);
            };
            let referral_to_reader = if case.2 == org {
                None
            } else {
                tx.prepare_cached(case_file_sql::REFERRAL_TO_READER)
                    .and_then(|mut s| {
                        s.query_row(named_params! {"$1": case_id, "$2": org}, |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })
                        .optional()
                    })
                    .map_err(&err)?
            };
            let person = if with_person {
                tx.prepare_cached(case_file_sql::PERSON)
                    .and_then(|mut s| {
                        s.query_row(named_params! {"$1": case.12}, person_row)
                            .optional()
                    })
                    .map_err(&err)?
            } else {
                None
            };
            let referrals = tx
                .prepare_cached(case_file_sql::REFERRALS)
                .and_then(|mut s| {
                    s.query_map(named_params! {"$1": case_id}, referral_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(&err)?;
            let events = tx
                .prepare_cached(case_file_sql::EVENTS)
                .and_then(|mut s| {
                    s.query_map(named_params! {"$1": case_id}, seven)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(&err)?;
            let consents = tx
                .prepare_cached(case_file_sql::CONSENTS)
                .and_then(|mut s| {
                    s.query_map(named_params! {"$1": case.12}, seven)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(&err)?;
            let statement = tx
                .prepare_cached(case_file_sql::STATEMENT)
                .and_then(|mut s| {
                    s.query_row(named_params! {"$1": case_id, "$2": user}, four)
                        .optional()
                })
                .map_err(&err)?;
            let notes = tx
                .prepare_cached(case_file_sql::NOTES)
                .and_then(|mut s| {
                    s.query_map(named_params! {"$1": case_id}, four)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(&err)?;
            tx.commit().map_err(&err)?;
            Ok(Some(CaseFileRows {
                case,
                referral_to_reader,
                person,
                referrals,
                events,
                consents,
                statement,
                notes,
            }))
        })
        .await
    }

    /// A stored web session: the row of [`cairn_store::web_session::WEB_SESSION_LOAD_SQL`].
    pub(crate) async fn web_session_row(
        &self,
        key: &str,
        now: i64,
    ) -> Result<Option<(String, i64)>, RegistryError> {
        let key = key.to_owned();
        self.run(move |conn, path| {
            conn.prepare_cached(cairn_store::web_session::WEB_SESSION_LOAD_SQL)
                .and_then(|mut s| {
                    s.query_row(named_params! {"$1": key, "$2": now}, |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                })
                .map_err(db_error(path))
        })
        .await
    }

    /// A stored web session (as [`Self::web_session_row`]) and, when its `user_id` column names
    /// one, that user's row of [`crate::account`]'s session query, in one snapshot.
    pub(crate) async fn web_session_with_user(
        &self,
        key: &str,
        now: i64,
    ) -> Result<Option<SessionWithUser>, RegistryError> {
        let key = key.to_owned();
        self.run(move |conn, path| {
            let err = db_error(path);
            let tx = conn.transaction().map_err(&err)?;
            let Some((data, expires_at, user_id)) = tx
                .prepare_cached(WEB_SESSION_WITH_USER_SQL)
                .and_then(|mut s| {
                    s.query_row(named_params! {"$1": key, "$2": now}, |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?))
                    })
                    .optional()
                })
                .map_err(&err)?
            else {
                return Ok(None);
            };
            let user = match user_id {
                Some(user_id) => {
                    let row = tx
                        .prepare_cached(crate::account::SESSION_ACTOR_SQL)
                        .and_then(|mut s| {
                            s.query_row(named_params! {"$1": user_id}, |r| {
                                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                            })
                            .optional()
                        })
                        .map_err(&err)?;
                    Some((user_id, row))
                }
                None => None,
            };
            tx.commit().map_err(&err)?;
            Ok(Some((data, expires_at, user)))
        })
        .await
    }

    /// The row of [`crate::account`]'s session query: (username, organisation, role, active,
    /// session generation).
    pub(crate) async fn session_actor_row(
        &self,
        user_id: &str,
    ) -> Result<Option<crate::account::SessionActorRow>, RegistryError> {
        let user_id = user_id.to_owned();
        self.run(move |conn, path| {
            conn.prepare_cached(crate::account::SESSION_ACTOR_SQL)
                .and_then(|mut s| {
                    s.query_row(named_params! {"$1": user_id}, |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .optional()
                })
                .map_err(db_error(path))
        })
        .await
    }
}
