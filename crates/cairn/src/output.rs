//! Where command output goes and in which shape: JSON Lines, a table, or an HTML report.

use crate::cmd::scan::{FindingLine, RecordLine};
use crate::report::Report;
use anyhow::Context;
use cairn_core::Record;
use cairn_ingest::FileId;
use cairn_store::RunStats;
use cairn_text::analyzer::Analysis;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, IoSlice, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
    Html,
}

/// The JSON Lines of one analysed record (its `record` line, then one line per finding), appended
/// to `buf`: callers render records in parallel and write them in input order.
pub fn jsonl_lines(buf: &mut Vec<u8>, r: &Record, a: &Analysis) -> serde_json::Result<()> {
    RecordLine::new(r, a).write_json(buf)?;
    buf.push(b'\n');
    if a.findings.is_empty() {
        return Ok(());
    }
    let mut record_json = Vec::with_capacity(r.id.len() + 2);
    crate::cmd::scan::write_json_str(&mut record_json, &r.id)?;
    for f in &a.findings {
        FindingLine::new(&record_json, f).write_json(buf)?;
        buf.push(b'\n');
    }
    Ok(())
}

/// Output buffer size for files and pipes. A scan's JSON Lines come rendered in batches of
/// several times this size, which go to the descriptor in one vectored write each, without
/// being copied into the buffer (see [`Output::write_rendered`]).
const OUT_BUFFER: usize = 256 << 10;

/// Standard output sent to a pipe or a file: written in large blocks straight to the descriptor,
/// not through `Stdout`'s line buffer (a scan writes tens of megabytes; in 8 KiB pieces the
/// system calls cost several per cent of the run). Only the `Output` writes to standard output.
/// Also says which file it is, when a regular file (`cairn scan dir > dir/out.jsonl`).
#[cfg(unix)]
fn redirected_stdout(stdout: std::io::Stdout) -> anyhow::Result<(Box<dyn Write>, Option<FileId>)> {
    use std::os::fd::AsFd;
    let fd = stdout
        .as_fd()
        .try_clone_to_owned()
        .context("duplicating standard output")?;
    let f = File::from(fd);
    let id = f.metadata().ok().and_then(|m| FileId::of(&m));
    Ok((Box::new(BufWriter::with_capacity(OUT_BUFFER, f)), id))
}

#[cfg(not(unix))]
fn redirected_stdout(stdout: std::io::Stdout) -> anyhow::Result<(Box<dyn Write>, Option<FileId>)> {
    Ok((Box::new(BufWriter::with_capacity(OUT_BUFFER, stdout)), None))
}

pub struct Output {
    format: Format,
    sink: Box<dyn Write>,
    path: Option<PathBuf>,
    color: bool,
    /// The emptying of an existing output file, joined before anything is written to it.
    emptying: Option<JoinHandle<std::io::Result<()>>>,
    /// The file written to, if a regular file: inputs never read it.
    file: Option<FileId>,
}

/// An output file opened for writing, with the thread emptying it if it held something.
type Opened = (
    File,
    Option<FileId>,
    Option<JoinHandle<std::io::Result<()>>>,
);

/// Opens (creating if need be) the file at `p` for writing from its start, and empties it on a
/// thread of its own when it holds something. Emptying a large file can take tens of
/// milliseconds (ext4 mounted with online discard: 2.5-20 ms for a 36 MB scan output, measured
/// with `ftruncate`), and `File::create`'s `O_TRUNC` made the whole scan wait for it; opened
/// without it, a missing directory or a denied permission is still reported at once.
fn open_emptying(p: &Path) -> std::io::Result<Opened> {
    // Not truncated here: see above.
    let f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(p)?;
    let meta = f.metadata()?;
    let id = FileId::of(&meta);
    // Pipes and devices have no length to cut (`O_TRUNC` ignores them too).
    if !meta.is_file() || meta.len() == 0 {
        return Ok((f, id, None));
    }
    let to_empty = f.try_clone()?;
    let emptying = std::thread::Builder::new()
        .name("cairn-out".into())
        .spawn(move || to_empty.set_len(0))?;
    Ok((f, id, Some(emptying)))
}

impl Output {
    pub fn open(path: Option<&Path>, format: Format) -> anyhow::Result<Self> {
        let mut emptying = None;
        let mut file = None;
        let (sink, color): (Box<dyn Write>, bool) = match path {
            Some(p) => {
                let (f, id, e) =
                    open_emptying(p).with_context(|| format!("creating {}", p.display()))?;
                emptying = e;
                file = id;
                (Box::new(BufWriter::with_capacity(OUT_BUFFER, f)), false)
            }
            None => {
                let stdout = std::io::stdout();
                if stdout.is_terminal() {
                    (
                        Box::new(BufWriter::new(stdout)),
                        std::env::var_os("NO_COLOR").is_none(),
                    )
                } else {
                    let (sink, id) = redirected_stdout(stdout)?;
                    file = id;
                    (sink, false)
                }
            }
        };
        Ok(Self {
            format,
            sink,
            path: path.map(Path::to_path_buf),
            color,
            emptying,
            file,
        })
    }

    /// The regular file written to, if any (named by `--out` or standard output redirected to
    /// it): what the inputs must not include.
    pub fn file(&self) -> Option<FileId> {
        self.file
    }

    /// Waits until the output file is empty, before the first write to it.
    fn ready(&mut self) -> anyhow::Result<()> {
        if let Some(emptying) = self.emptying.take() {
            let emptied = emptying
                .join()
                .map_err(|_| anyhow::anyhow!("the thread emptying the output file failed"))?;
            if let Err(e) = emptied {
                let path = self.path.as_deref().unwrap_or(Path::new("-"));
                return Err(e).with_context(|| format!("emptying {}", path.display()));
            }
        }
        Ok(())
    }

    pub fn record(&mut self, r: &Record, a: &Analysis) -> anyhow::Result<()> {
        self.ready()?;
        match self.format {
            Format::Jsonl => {
                let mut lines = Vec::new();
                jsonl_lines(&mut lines, r, a)?;
                self.sink.write_all(&lines)?;
            }
            Format::Table => {
                if a.findings.is_empty() {
                    return Ok(());
                }
                let url = r.provenance.url.as_deref().unwrap_or("");
                let head = format!(
                    "{}  {}  [{}]  {} {}",
                    r.id, a.lang, r.provenance.locator, r.provenance.source, url
                );
                writeln!(self.sink, "{}", self.bold(&head))?;
                for f in &a.findings {
                    let cat = f.category.map(|c| format!(" ({c})")).unwrap_or_default();
                    writeln!(
                        self.sink,
                        "    {:<9} {:<34} {:?}{cat}",
                        f.kind.as_str(),
                        truncate(&f.value, 34),
                        truncate(&f.evidence, 60)
                    )?;
                }
            }
            Format::Html => {}
        }
        Ok(())
    }

    pub fn error(&mut self, source: &str, locator: &str, message: &str) -> anyhow::Result<()> {
        match self.format {
            Format::Jsonl => self.json_line(&serde_json::json!({
                "type": "error", "source": source, "locator": locator, "message": message
            })),
            Format::Table | Format::Html => {
                eprintln!("cairn: rejected {source} [{locator}]: {message}");
                Ok(())
            }
        }
    }

    /// Writes lines already rendered by [`jsonl_lines`], in pieces, in order. Pieces larger
    /// together than the output buffer go to the descriptor as they are, in one vectored write
    /// (the buffer's copy of a scan's output was the main thread's largest cost after the
    /// write itself); smaller ones are buffered.
    pub fn write_rendered(&mut self, pieces: &[Vec<u8>]) -> anyhow::Result<()> {
        self.ready()?;
        let mut slices: Vec<IoSlice<'_>> = pieces
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| IoSlice::new(p))
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match self.sink.write_vectored(rest) {
                Ok(0) => {
                    return Err(std::io::Error::from(std::io::ErrorKind::WriteZero).into());
                }
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    pub fn json_line(&mut self, v: &impl serde::Serialize) -> anyhow::Result<()> {
        self.ready()?;
        serde_json::to_writer(&mut self.sink, v)?;
        self.sink.write_all(b"\n")?;
        Ok(())
    }

    pub fn finish_report(
        &mut self,
        report: Report,
        stats: &RunStats,
        stored: bool,
    ) -> anyhow::Result<()> {
        self.ready()?;
        match self.format {
            Format::Html => {
                let html = report.render_html(stats, stored)?;
                self.sink.write_all(html.as_bytes())?;
                if let Some(p) = &self.path {
                    eprintln!("cairn scan: report written to {}", p.display());
                }
            }
            Format::Table => {
                let summary = report.summary_table(stats, stored);
                self.sink.write_all(summary.as_bytes())?;
            }
            Format::Jsonl => {}
        }
        Ok(())
    }

    pub fn flush(&mut self) -> anyhow::Result<()> {
        self.ready()?;
        self.sink.flush().context("writing output")
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

impl Drop for Output {
    /// A scan that stops before writing anything still leaves the output file empty, as
    /// opening it with `O_TRUNC` did.
    fn drop(&mut self) {
        if let Some(emptying) = self.emptying.take() {
            let _ = emptying.join();
        }
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl_to(path: &Path) -> Output {
        Output::open(Some(path), Format::Jsonl).expect("output opens")
    }

    #[test]
    fn an_existing_output_file_holds_only_the_new_output() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("out.jsonl");
        std::fs::write(
            &path,
            "an older and much longer scan output\n".repeat(10_000),
        )
        .expect("old output written");
        let mut out = jsonl_to(&path);
        out.write_rendered(&[b"{\"a\":1}\n".to_vec(), Vec::new(), b"{\"b\":2}\n".to_vec()])
            .expect("written");
        out.flush().expect("flushed");
        drop(out);
        assert_eq!(
            std::fs::read_to_string(&path).expect("read back"),
            "{\"a\":1}\n{\"b\":2}\n"
        );
    }

    #[test]
    fn an_output_dropped_before_any_write_is_left_empty() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "old output\n").expect("old output written");
        drop(jsonl_to(&path));
        assert_eq!(std::fs::metadata(&path).expect("still there").len(), 0);
    }

    #[test]
    fn a_new_output_file_is_created() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("new.jsonl");
        let mut out = jsonl_to(&path);
        out.json_line(&serde_json::json!({"type": "error"}))
            .expect("written");
        out.flush().expect("flushed");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read back"),
            "{\"type\":\"error\"}\n"
        );
    }

    #[test]
    fn an_output_in_a_missing_directory_is_an_error_at_once() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("missing").join("out.jsonl");
        let Err(e) = Output::open(Some(&path), Format::Jsonl) else {
            panic!("an output in a missing directory opened");
        };
        assert!(
            format!("{e:#}").contains(&format!("creating {}", path.display())),
            "{e:#}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_without_being_cut() {
        let mut out = jsonl_to(Path::new("/dev/null"));
        out.json_line(&serde_json::json!({"type": "record"}))
            .expect("written");
        out.flush().expect("flushed");
    }
}
