//! Group commit of the audit entries of reads (case views, share decisions of a view).
//!
//! A read changes nothing but the audit log, so its entries need no transaction of their own:
//! one task owns the appends of reads, takes every entry pending when it wakes, writes them in one
//! transaction (the chain head is locked as for any append, so writes of actions interleave
//! correctly) and then answers each caller. The caller waits for that commit, so a page is never
//! returned before its read is in the log; under load, hundreds of views cost one commit instead of
//! hundreds of transactions queueing on the write lock. Writes of actions keep appending in their
//! own transaction ([`crate::audit::append`]).

use crate::RegistryError;
use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::db::Tx;
use cairn_store::registry::RegistryPool;
use tokio::sync::{mpsc, oneshot};

/// The largest number of requests written in one transaction.
const MAX_BATCH: usize = 256;

/// An audit event that owns its text (it crosses to the writer task).
#[derive(Debug, Clone)]
pub struct OwnedEvent {
    pub action: String,
    pub object: String,
    pub purpose: String,
    pub fields: Vec<String>,
    pub outcome: Outcome,
}

impl OwnedEvent {
    pub fn of(event: &AuditEvent<'_>) -> Self {
        Self {
            action: event.action.to_owned(),
            object: event.object.to_owned(),
            purpose: event.purpose.to_owned(),
            fields: event.fields.iter().map(|f| (*f).to_owned()).collect(),
            outcome: event.outcome,
        }
    }
}

/// The entries of one read, appended together and in order.
struct Job {
    actor: Actor,
    events: Vec<OwnedEvent>,
    done: oneshot::Sender<Result<(), RegistryError>>,
}

/// The handle of the writer task (cheap to clone; the task ends when every handle is dropped).
#[derive(Debug, Clone)]
pub struct ReadAuditor {
    jobs: mpsc::UnboundedSender<Job>,
}

impl ReadAuditor {
    /// Starts the writer task on the current tokio runtime; None outside a runtime.
    pub fn start(pool: RegistryPool) -> Option<Self> {
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let (jobs, rx) = mpsc::unbounded_channel();
        handle.spawn(writer(pool, rx));
        Some(Self { jobs })
    }

    /// Appends `events` (in order, contiguous in the chain) and returns once they are committed.
    /// Falls back to a transaction of its own when the writer task is gone (its runtime ended).
    pub async fn append(
        &self,
        pool: &RegistryPool,
        actor: &Actor,
        events: &[AuditEvent<'_>],
    ) -> Result<(), RegistryError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            actor: actor.clone(),
            events: events.iter().map(OwnedEvent::of).collect(),
            done,
        };
        if let Err(mpsc::error::SendError(job)) = self.jobs.send(job) {
            return write_one(pool, &job.actor, &job.events).await;
        }
        match answer.await {
            Ok(result) => result,
            // The task stopped with the job in hand: its transaction was rolled back.
            Err(_) => Err(RegistryError::invalid(
                "audit",
                "the audit writer stopped before committing",
            )),
        }
    }
}

/// Appends the events of each `(actor, events)` in order, contiguous, in one [`audit::append_all`].
async fn append_jobs(tx: &mut Tx, jobs: &[(&Actor, &[OwnedEvent])]) -> Result<(), RegistryError> {
    // The field names borrowed as AuditEvent wants them, one list per event.
    let fields: Vec<Vec<&str>> = jobs
        .iter()
        .flat_map(|(_, events)| events.iter())
        .map(|e| e.fields.iter().map(String::as_str).collect())
        .collect();
    let mut names = fields.iter();
    let mut all = Vec::with_capacity(fields.len());
    for (actor, events) in jobs {
        for (e, fields) in events.iter().zip(&mut names) {
            all.push((
                *actor,
                AuditEvent {
                    action: &e.action,
                    object: &e.object,
                    purpose: &e.purpose,
                    fields,
                    outcome: e.outcome,
                },
            ));
        }
    }
    audit::append_all(tx, &all).await?;
    Ok(())
}

async fn write_one(
    pool: &RegistryPool,
    actor: &Actor,
    events: &[OwnedEvent],
) -> Result<(), RegistryError> {
    let mut tx = Tx::begin(pool).await?;
    append_jobs(&mut tx, &[(actor, events)]).await?;
    tx.commit().await
}

async fn write_batch(pool: &RegistryPool, jobs: &[Job]) -> Result<(), RegistryError> {
    let mut tx = Tx::begin(pool).await?;
    let all: Vec<(&Actor, &[OwnedEvent])> = jobs
        .iter()
        .map(|j| (&j.actor, j.events.as_slice()))
        .collect();
    append_jobs(&mut tx, &all).await?;
    tx.commit().await
}

async fn writer(pool: RegistryPool, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        if jobs.len() > 1 {
            tracing::debug!(requests = jobs.len(), "audit group commit");
        }
        match write_batch(&pool, &jobs).await {
            Ok(()) => {
                for job in jobs.drain(..) {
                    let _ = job.done.send(Ok(()));
                }
            }
            // One failing request must not fail the others: each gets its own transaction.
            Err(e) => {
                tracing::warn!(error = %e, requests = jobs.len(), "audit batch failed; writing one by one");
                for job in jobs.drain(..) {
                    let result = write_one(&pool, &job.actor, &job.events).await;
                    let _ = job.done.send(result);
                }
            }
        }
    }
}
