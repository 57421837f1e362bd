//! Statistics from the Cairn registry that make the dark figure visible without exposing anyone.
//!
//! - [`extract`] reads the registry for a statistician (role checked, one audit entry per
//!   extraction) into [`record::StatRecord`]s that hold categories only, never an identifying field;
//!   persons whose consent (or a declared statutory basis) does not allow statistical use are left
//!   out and counted by reason.
//! - [`cube`] builds count tables with all their margins from those records.
//! - [`sdc`] protects them: small-count suppression with threshold k, secondary suppression across
//!   every table of a release, an audit that tries to recompute each suppressed cell, rounding.
//! - [`dp`] holds exact discrete Laplace and discrete Gaussian samplers (Canonne, Kamath, Steinke
//!   2020) on a seeded ChaCha20 stream, and the zCDP → (ε, δ) accounting; [`ledger`] keeps the
//!   privacy budget and every release.
//! - [`export`] writes the shapes others read: CTDC-like microdata, HTCDS aggregates, Eurostat
//!   `crim_thb`; [`microdata`] generalises records to k-anonymity and reports its utility.
//! - [`release`] ties them together; [`app`] gives the blocking entry points of `cairn stats`.
//! - [`chart`] draws a release's tables as self-contained SVG (no script) for the web
//!   application, and one offline HTML report.
//!
//! Everything returned is a plain serialisable struct, ready for JSON (charts of the web app).

#![cfg_attr(test, allow(clippy::unwrap_used))] // unit tests may unwrap: a failure is the report

pub mod app;
pub mod chart;
pub mod cube;
pub mod dim;
pub mod dp;
mod error;
pub mod export;
pub mod extract;
pub mod generator;
pub mod ledger;
pub mod microdata;
pub mod record;
pub mod release;
pub mod sdc;

pub use error::StatsError;
