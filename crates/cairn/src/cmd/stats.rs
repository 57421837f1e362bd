//! `cairn stats report|release|export|budget`: statistics from the registry, published only
//! through small-count suppression, k-anonymity or differential privacy. Thin: the work is in
//! `cairn_stats::app`; every refusal is audited there and publishes nothing.

use crate::cmd::registry::{DbArgs, LoginArgs};
use crate::exit;
use anyhow::Context;
use cairn_stats::StatsError;
use cairn_stats::app::{self, ExportFormat, ReleaseOptions};
use cairn_stats::release::{PublishedTable, Release, TOTAL};
use indicatif::ProgressBar;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Statistics for the national rapporteur, Eurostat and CTDC, without exposing anyone.
///
/// Only persons whose consent allows statistical use are counted (or everyone under a declared
/// statutory duty to report); every output says how many were left out and why. Tables are
/// protected by suppression below a threshold k (default 11, never below the minimum set by
/// CAIRN_STATS_MIN_K) with secondary suppression across all tables of the release, or by
/// differential privacy (discrete Laplace) within a per-dataset privacy budget. Every release is
/// recorded in a ledger; every read and every refusal is in the audit log. Statisticians only.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(subcommand)]
    pub command: StatsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum StatsCommand {
    /// The national rapporteur's tables (victims by year, sex, age band, citizenship, forms of
    /// exploitation, recruitment, control, place; referrals and their delays), suppressed below k.
    Report {
        #[command(flatten)]
        select: Select,
        /// Output format: table (readable), json (every cell, its flag, the population note) or
        /// html (one offline page with an SVG chart of every table).
        #[arg(long, default_value = "table")]
        format: Format,
        #[command(flatten)]
        common: Common,
    },
    /// A release to publish: suppressed (--k, --round-to) or differentially private (--epsilon,
    /// spent from the dataset's budget). JSON, ready for charts. `--replay ID` recomputes a noisy
    /// release from its sealed seed without spending budget.
    Release {
        #[command(flatten)]
        select: Select,
        /// Epsilon of a differentially private release (e.g. 0.5), split over its tables.
        #[arg(long, conflicts_with_all = ["k", "round_to"])]
        epsilon: Option<String>,
        /// Noise of a differentially private release: laplace (pure ε-DP) or gaussian (discrete
        /// Gaussian under ρ-zCDP, stated in the ledger as the (ε, δ) it amounts to).
        #[arg(long, default_value = "laplace", requires = "epsilon")]
        mechanism: NoiseKind,
        /// δ of a discrete Gaussian release (default 1e-6; δ = 1/N exactly).
        #[arg(long, requires = "epsilon")]
        delta: Option<String>,
        /// Add the Eurostat crim_thb cube (year × sex × age × citizenship × legal status).
        #[arg(long)]
        eurostat: bool,
        /// Recompute the recorded release with this id (same registry content, same output).
        #[arg(long, conflicts_with_all = ["epsilon", "eurostat"])]
        replay: Option<String>,
        /// Output format: json, table or html.
        #[arg(long, default_value = "json")]
        format: Format,
        #[command(flatten)]
        common: Common,
    },
    /// Files in the shapes others read: ctdc (k-anonymous microdata with CTDC's column names, and
    /// a utility report), htcds (aggregates by HTCDS field), eurostat (crim_thb, long CSV).
    Export {
        /// ctdc, htcds or eurostat.
        format: ExportKind,
        #[command(flatten)]
        select: Select,
        /// Where to write the JSON statement beside the file (population, left out, utility).
        #[arg(long)]
        statement: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Show a dataset's privacy budget and its releases, or set the budget (admins).
    Budget {
        #[command(subcommand)]
        action: BudgetAction,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum BudgetAction {
    /// The budget, what is spent and every release of the dataset (JSON).
    Show {
        #[arg(long, default_value = "national-report")]
        dataset: String,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Sets the dataset's total epsilon (admins; audited).
    Set {
        #[arg(long, default_value = "national-report")]
        dataset: String,
        /// Total epsilon for every differentially private release of this dataset.
        #[arg(long)]
        epsilon: String,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Readable text tables.
    Table,
    /// Every cell, its flag, the population note.
    Json,
    /// One self-contained page: an SVG chart and the table of every cell, no script.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoiseKind {
    Laplace,
    Gaussian,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportKind {
    Ctdc,
    Htcds,
    Eurostat,
}

/// What to count and how to protect it.
#[derive(Debug, clap::Args)]
pub struct Select {
    /// Dataset name: the privacy budget and the ledger are per dataset.
    #[arg(long, default_value = "national-report")]
    dataset: String,
    /// A table, as its dimensions comma-separated (repeatable): year, status, sex, age_band,
    /// majority, citizenship, nationality, exploitation, sexual_exploitation, recruitment,
    /// control, country_of_exploitation. Without it: the report's tables. Dimensions that single
    /// out a person (birth date, name, free text…) are refused.
    #[arg(long = "table")]
    tables: Vec<String>,
    /// Suppression threshold (default: the configured minimum, CAIRN_STATS_MIN_K or 11; never below it).
    #[arg(long)]
    k: Option<u64>,
    /// Round published figures to this base (e.g. 5).
    #[arg(long)]
    round_to: Option<u64>,
    /// Leave out the referrals table.
    #[arg(long)]
    no_referrals: bool,
    /// Leave out the screenings tables (by year and level, by organisation type and level).
    #[arg(long)]
    no_screenings: bool,
    /// Reporting country (ISO 3166-1 alpha-2) for citizenship groups; default: your organisation's.
    #[arg(long)]
    country: Option<String>,
    /// Count every person under this statutory duty to report (its legal reference), instead of
    /// by consent. Stated in the release.
    #[arg(long)]
    statutory_basis: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Output file (created 0600); standard output without it.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// No progress on standard error.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    login: LoginArgs,
    #[command(flatten)]
    db: DbArgs,
}

impl Select {
    fn options(&self, eurostat: bool, epsilon: Option<String>) -> ReleaseOptions {
        ReleaseOptions {
            dataset: self.dataset.clone(),
            tables: self.tables.clone(),
            referrals: !self.no_referrals,
            screenings: !self.no_screenings,
            eurostat,
            k: self.k,
            round_to: self.round_to,
            epsilon,
            gaussian: false,
            delta: None,
            statutory_reference: self.statutory_basis.clone(),
            reporting_country: self.country.clone(),
        }
    }
}

fn spinner(quiet: bool, message: &'static str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Maps a library error to the CLI's: a refusal is a clear failure, not a crash.
fn refused(e: StatsError) -> anyhow::Error {
    match e {
        StatsError::Refused(m) => anyhow::anyhow!("refused (audited, nothing published): {m}"),
        other => other.into(),
    }
}

fn write_out(output: &Option<PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            let mut f = cairn_registry::htcds::private_file(path)?;
            f.write_all(bytes)
                .with_context(|| path.display().to_string())?;
        }
        None => std::io::stdout().lock().write_all(bytes)?,
    }
    Ok(())
}

pub fn run(data: &Path, args: StatsArgs) -> anyhow::Result<u8> {
    match args.command {
        StatsCommand::Report {
            select,
            format,
            common,
        } => {
            let opts = select.options(false, None);
            release(data, &common, &opts, None, format)
        }
        StatsCommand::Release {
            select,
            epsilon,
            mechanism,
            delta,
            eurostat,
            replay,
            format,
            common,
        } => {
            let mut opts = select.options(eurostat, epsilon);
            opts.gaussian = mechanism == NoiseKind::Gaussian;
            opts.delta = delta;
            release(data, &common, &opts, replay.as_deref(), format)
        }
        StatsCommand::Export {
            format,
            select,
            statement,
            common,
        } => {
            let opts = select.options(false, None);
            let login = common.login.login()?;
            let target = common.db.target(data);
            let kind = match format {
                ExportKind::Ctdc => ExportFormat::Ctdc,
                ExportKind::Htcds => ExportFormat::Htcds,
                ExportKind::Eurostat => ExportFormat::Eurostat,
            };
            let bar = spinner(
                common.quiet,
                "reading the registry and protecting the export",
            );
            let mut buf = Vec::new();
            let report = app::run_export(&target, &login, kind, &opts, &mut buf).map_err(refused);
            bar.finish_and_clear();
            let report = report?;
            write_out(&common.output, &buf)?;
            let json = serde_json::to_string_pretty(&report)?;
            match &statement {
                Some(path) => write_out(&Some(path.clone()), json.as_bytes())?,
                None => eprintln!("{json}"),
            }
            eprintln!(
                "release {}: {} rows; {} persons counted, {} left out",
                report.release_id,
                report.rows,
                report.population.counted,
                report.population.registered - report.population.counted
            );
            Ok(exit::OK)
        }
        StatsCommand::Budget { action } => {
            let (dataset, set, login, db) = match action {
                BudgetAction::Show { dataset, login, db } => (dataset, None, login, db),
                BudgetAction::Set {
                    dataset,
                    epsilon,
                    login,
                    db,
                } => (dataset, Some(epsilon), login, db),
            };
            let budget =
                app::run_budget(&db.target(data), &login.login()?, &dataset, set.as_deref())
                    .map_err(refused)?;
            println!("{}", serde_json::to_string_pretty(&budget)?);
            Ok(exit::OK)
        }
    }
}

fn release(
    data: &Path,
    common: &Common,
    opts: &ReleaseOptions,
    replay: Option<&str>,
    format: Format,
) -> anyhow::Result<u8> {
    let login = common.login.login()?;
    let target = common.db.target(data);
    let bar = spinner(
        common.quiet,
        "reading the registry and protecting the tables",
    );
    let result = match replay {
        Some(id) => app::run_replay(&target, &login, id),
        None => app::run_release(&target, &login, opts),
    }
    .map_err(refused);
    bar.finish_and_clear();
    let rel = result?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&rel)? + "\n",
        Format::Table => render(&rel),
        Format::Html => cairn_stats::chart::html_report(&rel),
    };
    write_out(&common.output, text.as_bytes())?;
    eprintln!(
        "release {}: {} persons counted, {} left out",
        rel.id.as_deref().unwrap_or("-"),
        rel.population.counted,
        rel.population.registered - rel.population.counted
    );
    Ok(exit::OK)
}

/// Readable tables: suppressed figures as "x", noisy or rounded ones marked in the title.
fn render(rel: &Release) -> String {
    let mut out = String::new();
    let p = &rel.population;
    out.push_str(&format!(
        "Dataset {} — {} persons registered, {} counted ({}), reporting country {}\n",
        rel.dataset,
        p.registered,
        p.counted,
        serde_json::to_value(&p.basis)
            .ok()
            .and_then(|v| v["basis"].as_str().map(str::to_owned))
            .unwrap_or_default(),
        p.reporting_country
    ));
    for l in &p.left_out {
        out.push_str(&format!("  left out: {} — {}\n", l.persons, l.reason));
    }
    if let Some(a) = &rel.disclosure_audit {
        out.push_str(&format!(
            "Suppression: {} figures below k, {} complementary; the audit over {} equations recomputed {}.\n",
            a.suppressed_small_count, a.suppressed_complementary, a.equations, a.recovered
        ));
    }
    for t in &rel.tables {
        out.push('\n');
        out.push_str(&format!("{} ({})\n", t.title, t.unit));
        out.push_str(&render_table(t));
    }
    if !rel.referral_delays.is_empty() {
        out.push_str(
            "\nMedian days from sending a referral to each decision (x: fewer than k referrals, or a noisy release)\n",
        );
        for d in &rel.referral_delays {
            let m = d.median_days.map_or("x".to_owned(), |m| format!("{m}"));
            out.push_str(&format!("  {:<20} {:>8}\n", d.decision, m));
        }
        out.push_str(&format!(
            "  referrals without a decision yet (sent or received): {}\n",
            rel.referrals_without_decision
                .map_or("x".to_owned(), |n| n.to_string())
        ));
    }
    out.push('\n');
    for n in &rel.notes {
        out.push_str(&format!("Note: {n}\n"));
    }
    out
}

fn value(t: &PublishedTable, cats: &[(&str, &str)]) -> String {
    t.cell(cats).map_or_else(String::new, |c| {
        c.value.map_or_else(|| "x".to_owned(), |v| v.to_string())
    })
}

fn render_table(t: &PublishedTable) -> String {
    let mut out = String::new();
    match t.axes.as_slice() {
        [a] => {
            for l in a.labels.iter().map(String::as_str).chain([TOTAL]) {
                out.push_str(&format!("  {:<32} {:>8}\n", l, value(t, &[(&a.name, l)])));
            }
        }
        [a, b] => {
            let cols: Vec<&str> = b.labels.iter().map(String::as_str).chain([TOTAL]).collect();
            out.push_str(&format!("  {:<32}", ""));
            for c in &cols {
                out.push_str(&format!(" {:>12}", truncate(c, 12)));
            }
            out.push('\n');
            for r in a.labels.iter().map(String::as_str).chain([TOTAL]) {
                out.push_str(&format!("  {:<32}", truncate(r, 32)));
                for c in &cols {
                    out.push_str(&format!(" {:>12}", value(t, &[(&a.name, r), (&b.name, c)])));
                }
                out.push('\n');
            }
        }
        _ => {
            for c in &t.cells {
                let cats: Vec<String> = c
                    .categories
                    .iter()
                    .map(|(a, l)| format!("{a}={l}"))
                    .collect();
                let v = c.value.map_or_else(|| "x".to_owned(), |v| v.to_string());
                out.push_str(&format!("  {:<70} {:>8}\n", cats.join(", "), v));
            }
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}
