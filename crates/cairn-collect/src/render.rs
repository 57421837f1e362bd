//! Pages built by JavaScript: the page is loaded again in headless Chromium, driven as a
//! subprocess (`--dump-dom`, `--screenshot`), which gives the DOM after the scripts ran and a
//! PNG of the window. A subprocess rather than a DevTools-protocol client: the Debian `chromium`
//! binary is all it needs, and a hung browser is ended by killing its process group.
//!
//! Chromium fetches the page and its sub-resources itself: those requests are not WARC records
//! (only the rendered DOM and the screenshot are), and certificates are verified by Chromium as
//! by the crawler (no flag weakens them).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use tokio::io::AsyncReadExt;
use url::Url;

/// Settings of the headless browser.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The Chromium (or Chrome) executable.
    pub chromium: PathBuf,
    /// Whole run of the browser, start to exit; it is killed after that.
    pub timeout: Duration,
    /// Window (and screenshot) size in pixels.
    pub window: (u32, u32),
    /// Time given to the page's scripts and timers (Chromium's virtual time: an idle page
    /// finishes sooner).
    pub script_budget: Duration,
    /// The crawl's proxy, if any (`socks5h://…` is given to Chromium as `socks5://…`, which
    /// also resolves names through the proxy).
    pub proxy: Option<String>,
    pub user_agent: String,
    /// Largest DOM kept (a longer one is an error, not a cut document).
    pub max_dom_bytes: u64,
}

impl RenderOptions {
    pub fn new(chromium: PathBuf, user_agent: String) -> Self {
        RenderOptions {
            chromium,
            timeout: Duration::from_secs(30),
            window: (1280, 1024),
            script_budget: Duration::from_secs(5),
            proxy: None,
            user_agent,
            max_dom_bytes: 20 * 1024 * 1024,
        }
    }
}

/// What the browser gave.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// When the browser was started.
    pub started: SystemTime,
    /// The serialised DOM after the scripts ran (UTF-8 HTML).
    pub dom: Vec<u8>,
    /// The PNG screenshot of the window, when Chromium wrote one.
    pub screenshot: Option<Vec<u8>>,
    /// How long the browser ran.
    pub elapsed: Duration,
}

/// Why a render failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("cannot start {path}: {message}")]
    Start { path: String, message: String },
    #[error("browser still running after {0:?}: killed")]
    Timeout(Duration),
    #[error("browser exited with {status} and no DOM")]
    Failed { status: String },
    #[error("rendered DOM larger than {0} bytes")]
    TooLarge(u64),
    #[error("temporary profile: {0}")]
    Profile(String),
}

/// Debian's browser binary. `/usr/bin/chromium` is a shell script that adds Google API keys
/// and extensions from `/etc/chromium.d`, which make the browser call Google services (through
/// the crawl's proxy, beside the page): the binary behind it is started instead.
const DEBIAN_CHROMIUM: &str = "/usr/lib/chromium/chromium";

/// Finds the browser: `path` itself when it names a file; a bare name is looked up in `PATH`,
/// except `chromium`, which is Debian's binary behind its wrapper script when that exists.
pub fn find_chromium(path: &Path) -> Option<PathBuf> {
    if path.components().count() > 1 {
        return path.is_file().then(|| path.to_owned());
    }
    if path == Path::new("chromium") && Path::new(DEBIAN_CHROMIUM).is_file() {
        return Some(PathBuf::from(DEBIAN_CHROMIUM));
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|d| d.join(path))
        .find(|p| p.is_file())
}

/// Chromium's proxy form of the crawl's proxy URL.
fn chromium_proxy(proxy: &str) -> String {
    match proxy.split_once("://") {
        Some(("socks5h", rest)) => format!("socks5://{rest}"),
        Some(("socks4a", rest)) => format!("socks4://{rest}"),
        _ => proxy.to_owned(),
    }
}

/// Chromium refuses to start its sandbox as root; elsewhere the sandbox stays on.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Hosts the browser calls on its own, never on a page's behalf: never reached, and never asked
/// through the crawl's proxy (an update check through Tor would mark the capture).
const BROWSER_SERVICE_HOSTS: [&str; 4] = [
    "accounts.google.com",
    "update.googleapis.com",
    "clients2.google.com",
    "edgedl.me.gvt1.com",
];

/// The command line, without the URL.
fn arguments(opts: &RenderOptions, profile: &Path, screenshot: &Path) -> Vec<String> {
    let mut args = vec![
        "--headless".to_owned(),
        "--disable-gpu".to_owned(),
        "--hide-scrollbars".to_owned(),
        "--mute-audio".to_owned(),
        "--no-first-run".to_owned(),
        "--no-default-browser-check".to_owned(),
        "--disable-extensions".to_owned(),
        "--disable-sync".to_owned(),
        // No update checks, safe-browsing or other calls home beside the page itself.
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-default-apps".to_owned(),
        "--disable-domain-reliability".to_owned(),
        "--disable-client-side-phishing-detection".to_owned(),
        "--disable-breakpad".to_owned(),
        "--disable-field-trial-config".to_owned(),
        "--no-pings".to_owned(),
        "--no-service-autorun".to_owned(),
        "--metrics-recording-only".to_owned(),
        "--password-store=basic".to_owned(),
        // Services that call Google on their own (network time, AI-mode eligibility, …).
        "--disable-features=NetworkTimeServiceQuerying,AimEnabled,AimServerEligibilityEnabled,\
         OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,\
         CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,\
         DialMediaRouteProvider,PreconnectToSearch"
            .to_owned(),
        "--dns-prefetch-disable".to_owned(),
        // Calls home that no switch stops: the sign-in cookie check (`ListAccounts`) and, in
        // recent Chromium, component update checks despite `--disable-component-update`. Their
        // hosts are made unreachable. Pages never need them, a capture never signs in.
        format!(
            "--host-rules={}",
            BROWSER_SERVICE_HOSTS
                .iter()
                .map(|h| format!("MAP {h} ~NOTFOUND"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("--user-data-dir={}", profile.display()),
        format!("--user-agent={}", opts.user_agent),
        format!("--window-size={},{}", opts.window.0, opts.window.1),
        format!("--virtual-time-budget={}", opts.script_budget.as_millis()),
        "--dump-dom".to_owned(),
        format!("--screenshot={}", screenshot.display()),
    ];
    if let Some(p) = &opts.proxy {
        args.push(format!("--proxy-server={}", chromium_proxy(p)));
        // No name resolved outside the proxy (no DNS leak around Tor); the proxy's own host is
        // the one exception, or the browser could not reach it.
        let proxy_host = Url::parse(p)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".to_owned());
        args.push(format!(
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {proxy_host}"
        ));
        // `--host-rules` does not apply to proxied requests: the browser's own calls go direct
        // instead, where the rule above leaves their names unresolved.
        args.push(format!(
            "--proxy-bypass-list={}",
            BROWSER_SERVICE_HOSTS.join(";")
        ));
    }
    if running_as_root() {
        args.push("--no-sandbox".to_owned());
    }
    args
}

/// Loads `url` in headless Chromium and returns the rendered DOM and a screenshot.
pub async fn render(url: &Url, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let dir = tempfile::Builder::new()
        .prefix("cairn-render-")
        .tempdir()
        .map_err(|e| RenderError::Profile(e.to_string()))?;
    let profile = dir.path().join("profile");
    let shot = dir.path().join("screenshot.png");
    let started = SystemTime::now();
    let clock = std::time::Instant::now();
    let mut cmd = tokio::process::Command::new(&opts.chromium);
    cmd.args(arguments(opts, &profile, &shot))
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // Chromium's own diagnostics (D-Bus, GPU) are noise, and could name the page.
        .stderr(Stdio::null())
        // Its own process group, so that a timeout ends the renderer and GPU children too.
        .process_group(0)
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| RenderError::Start {
        path: opts.chromium.display().to_string(),
        message: e.to_string(),
    })?;
    let pid = child.id();
    let Some(stdout) = child.stdout.take() else {
        return Err(RenderError::Failed {
            status: "no standard output".into(),
        });
    };
    let limit = opts.max_dom_bytes;
    let run = async {
        let mut dom = Vec::new();
        // One byte more than the limit tells a too large DOM from one of exactly the limit.
        let read = stdout
            .take(limit.saturating_add(1))
            .read_to_end(&mut dom)
            .await;
        let status = child.wait().await;
        (dom, read, status)
    };
    let (dom, read, status) = match tokio::time::timeout(opts.timeout, run).await {
        Ok(done) => done,
        Err(_) => {
            kill_group(pid).await;
            return Err(RenderError::Timeout(opts.timeout));
        }
    };
    // Children left behind by the wrapper script or the browser go with the group.
    kill_group(pid).await;
    if dom.len() as u64 > limit {
        return Err(RenderError::TooLarge(limit));
    }
    let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
    if read.is_err() || dom.iter().all(u8::is_ascii_whitespace) {
        return Err(RenderError::Failed { status });
    }
    let screenshot = tokio::fs::read(&shot).await.ok().filter(|b| !b.is_empty());
    Ok(Rendered {
        started,
        dom,
        screenshot,
        elapsed: clock.elapsed(),
    })
}

/// Kills the process group led by `pid` (without `unsafe`: through kill(1)).
async fn kill_group(pid: Option<u32>) {
    let Some(pid) = pid else { return };
    let _ = tokio::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
}

/// `Chromium 148.0.7778.167 …` from `chromium --version`, for the WARC record of a render.
pub async fn chromium_version(chromium: &Path) -> Option<String> {
    let out = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::process::Command::new(chromium)
            .arg("--version")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .ok()?
    .ok()?;
    let v = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| !l.trim().is_empty())?
        .trim()
        .to_owned();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_forms() {
        assert_eq!(
            chromium_proxy("socks5h://127.0.0.1:9050"),
            "socks5://127.0.0.1:9050"
        );
        assert_eq!(
            chromium_proxy("http://proxy.test:3128"),
            "http://proxy.test:3128"
        );
    }

    #[test]
    fn arguments_name_profile_size_and_proxy() {
        let mut o = RenderOptions::new(PathBuf::from("chromium"), "ua/1".into());
        o.window = (800, 600);
        o.proxy = Some("socks5h://127.0.0.1:9050".into());
        let a = arguments(&o, Path::new("/tmp/p"), Path::new("/tmp/s.png"));
        assert!(a.contains(&"--window-size=800,600".to_owned()));
        assert!(a.contains(&"--user-data-dir=/tmp/p".to_owned()));
        assert!(a.contains(&"--screenshot=/tmp/s.png".to_owned()));
        assert!(a.contains(&"--proxy-server=socks5://127.0.0.1:9050".to_owned()));
        assert!(
            a.contains(&"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".to_owned())
        );
        assert!(a.contains(&"--dump-dom".to_owned()));
        assert!(!a.iter().any(|x| x.contains("certificate")));
        // The browser's own calls are unreachable and never sent through the proxy.
        assert!(a.contains(
            &"--proxy-bypass-list=accounts.google.com;update.googleapis.com;clients2.google.com;edgedl.me.gvt1.com"
                .to_owned()
        ));
        let rules = a
            .iter()
            .find(|x| x.starts_with("--host-rules="))
            .expect("host rules");
        assert!(rules.contains("MAP update.googleapis.com ~NOTFOUND, MAP clients2.google.com"));
    }

    #[test]
    fn missing_browser_is_not_found() {
        assert_eq!(find_chromium(Path::new("/nonexistent/dir/chromium")), None);
        assert_eq!(find_chromium(Path::new("no-such-browser-for-cairn")), None);
    }

    #[tokio::test]
    async fn missing_browser_is_a_start_error() {
        let o = RenderOptions::new(PathBuf::from("/nonexistent/dir/chromium"), "ua/1".into());
        let err = render(&Url::parse("http://127.0.0.1:9/").unwrap(), &o)
            .await
            .unwrap_err();
        assert!(matches!(err, RenderError::Start { .. }), "{err}");
    }
}
