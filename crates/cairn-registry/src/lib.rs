//! The Cairn registry: people at risk, cases, consent, referrals and a tamper-evident audit log,
//! on SQLite (embedded default) or PostgreSQL.
//!
//! Identifying fields are sealed with XChaCha20-Poly1305 under data keys wrapped by a master key;
//! exact lookups go through an HMAC blind index; every read and write of personal data appends to a
//! hash-chained audit log in the same transaction. See docs/registry.md and docs/audit.md.

#![cfg_attr(test, allow(clippy::unwrap_used))] // unit tests may unwrap: a failure is the report

pub mod access;
pub mod account;
pub mod app;
pub mod audit;
pub mod audit_batch;
pub mod blind;
pub mod calendar;
pub mod consent;
pub mod crypto;
pub mod db;
pub mod duty;
mod error;
pub mod htcds;
pub mod index_rotation;
pub mod investigation;
pub mod master_rotation;
pub mod model;
pub mod password;
pub mod referral;
mod registry;
pub mod retention;
pub mod rotate;
pub mod screening;
pub mod services;
pub mod signal;
pub mod sqlite_reads;
pub mod statement;
pub mod workflow;

pub use error::RegistryError;
pub use registry::{
    CaseView, NewCase, NewConsent, NewEvent, PersonFields, PersonView, Registry, SharedPerson,
    check_country, system_actor,
};
