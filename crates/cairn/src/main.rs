//! `cairn`: the command-line front of Cairn. Thin: parsing, progress and output only; the work is
//! done by the library crates.

mod alloc;
mod budget;
mod cmd;
mod exit;
mod output;
mod pool;
mod progress;
mod report;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

// The analysis threads allocate many small, short-lived buffers (findings, evidence, rendered
// lines); glibc's allocator spent about 15 % of `cairn scan`'s CPU time on them, mimalloc's
// thread-local free lists a fraction of that.
#[global_allocator]
static GLOBAL: alloc::MiMalloc = alloc::MiMalloc;

/// Cairn: open tools for the people who fight the sexual exploitation of minors and trafficking.
///
/// Every command flags for human review; none decides about a person.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, propagate_version = true)]
struct Cli {
    /// Data directory (SQLite database, evidence blobs, keys).
    #[arg(long, global = true, env = "CAIRN_DATA", default_value = "cairn-data")]
    data: PathBuf,

    /// Log level for diagnostics on standard error (error, warn, info, debug, trace).
    #[arg(long, global = true, env = "CAIRN_LOG", default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    ChatCheck(cmd::chat_check::ChatCheckArgs),
    Scan(cmd::scan::ScanArgs),
    Search(cmd::search::SearchArgs),
    Hash(cmd::media::hash::HashArgs),
    Match(cmd::media::match_::MatchArgs),
    Dedup(cmd::media::dedup::DedupArgs),
    Lists(cmd::media::lists::ListsArgs),
    Admin(cmd::registry::admin::AdminArgs),
    Audit(cmd::registry::audit::AuditArgs),
    Import(cmd::registry::import::ImportArgs),
    Export(cmd::link::export::ExportArgs),
    Case(cmd::registry::case::CaseArgs),
    Link(cmd::link::run::LinkArgs),
    Clusters(cmd::link::clusters::ClustersArgs),
    Cluster(cmd::link::cluster::ClusterArgs),
    Stats(cmd::stats::StatsArgs),
    Collect(Box<cmd::collect::CollectArgs>),
    /// Serve the web application and JSON API (`--demo` for fictional data)
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    // `cairn scan` spends most of its start-up building its rule sets (above all the
    // gazetteer's 23,000 names): begin now, so that parsing the command line and opening the
    // inputs overlap with it. A guess from the raw arguments, as clap has not run yet; a wrong
    // guess only builds them for nothing, or later.
    if invoked_subcommand().as_deref() == Some("scan") {
        cairn_text::analyzer::prepare_in_background();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version on stdout with exit 0 and usage errors with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let result = match cli.command {
        Command::ChatCheck(args) => cmd::chat_check::run(&cli.data, args),
        Command::Scan(args) => {
            if let Err(e) = no_transparent_huge_pages() {
                tracing::debug!("transparent huge pages left on: {e}");
            }
            cmd::scan::run(&cli.data, args)
        }
        Command::Search(args) => cmd::search::run(&cli.data, args),
        Command::Hash(args) => cmd::media::hash::run(&cli.data, args),
        Command::Match(args) => cmd::media::match_::run(&cli.data, args),
        Command::Dedup(args) => cmd::media::dedup::run(&cli.data, args),
        Command::Lists(args) => cmd::media::lists::run(&cli.data, args),
        Command::Admin(args) => cmd::registry::admin::run(&cli.data, args),
        Command::Audit(args) => cmd::registry::audit::run(&cli.data, args),
        Command::Import(args) => cmd::registry::import::run(&cli.data, args),
        Command::Export(args) => cmd::link::export::run(&cli.data, args),
        Command::Case(args) => cmd::registry::case::run(&cli.data, args),
        Command::Link(args) => cmd::link::run::run(&cli.data, args),
        Command::Clusters(args) => cmd::link::clusters::run(&cli.data, args),
        Command::Cluster(args) => cmd::link::cluster::run(&cli.data, args),
        Command::Stats(args) => cmd::stats::run(&cli.data, args),
        Command::Collect(args) => cmd::collect::run(&cli.data, *args),
        Command::Serve(args) => cmd::serve::run(&cli.data, args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(exit::OK),
        Err(e) => {
            eprintln!("cairn: error: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// Opts the process out of transparent huge pages. mimalloc asks for them on its arenas, and the
/// first touch of each 2 MiB page zeroes all of it: on a 2-core VM that zeroing was 5 to 16 % of
/// the samples of `cairn scan` over 20,000 ads (`perf record`, 2026-12-02) and vanished without
/// THP, for a process whose whole heap is about 60 MiB. For `scan` only: `match` reads its
/// mapped hash index through huge pages (`docs/match.md`), which this switch would turn off too.
/// Best effort: where the kernel has no such switch nothing changes. The allocations made before
/// `main` are covered by mimalloc's `no_thp` feature (Cargo.toml), which keeps it from asking for
/// huge pages at all: three 2 MiB pages zeroed per start-up before, up to 11 ms on this VM when
/// the host was busy, none after (`thp_fault_alloc` in /proc/vmstat).
fn no_transparent_huge_pages() -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::thread::disable_transparent_huge_pages(true)?;
    Ok(())
}

/// `Cli`'s global options that take a value (a test holds this list equal to clap's).
const GLOBAL_OPTIONS_WITH_VALUE: &[&str] = &["--data", "--log"];

/// The subcommand named on the command line, if it is the first argument that is not an option or
/// the value of a global option (`cairn --data DIR scan ...`).
fn invoked_subcommand() -> Option<String> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy();
        match arg.as_ref() {
            // Its value is the next argument.
            a if GLOBAL_OPTIONS_WITH_VALUE.contains(&a) => {
                args.next();
            }
            a if a.starts_with('-') => {}
            a => return Some(a.to_owned()),
        }
    }
    None
}

/// The reader of our output went away (`cairn scan … | head`): not an error of ours.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `invoked_subcommand` skips the values of exactly the global options clap knows.
    #[test]
    fn global_options_with_value_are_clap_s() {
        let mut from_clap: Vec<String> = Cli::command()
            .get_arguments()
            .filter(|a| a.is_global_set() && a.get_action().takes_values())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        from_clap.sort();
        let mut ours: Vec<String> = GLOBAL_OPTIONS_WITH_VALUE
            .iter()
            .map(|s| s.to_string())
            .collect();
        ours.sort();
        assert_eq!(ours, from_clap);
    }
}
