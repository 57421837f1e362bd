//! One HTTP fetch, bounded in time and size, turned into the bytes of a WARC request and
//! response record.
//!
//! reqwest hands over a parsed response, not the bytes on the wire: the response record is
//! rebuilt from the status line and the header fields as received (names in lower case, as
//! hyper gives them), with `Transfer-Encoding` dropped because the body is stored de-chunked;
//! the entity body itself is stored byte for byte (no content decoding). The request record is
//! rebuilt the same way from what the client sends.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue};
use url::Url;

/// Settings of the HTTP client.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub user_agent: String,
    /// Whole request, headers and body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Bodies are cut here (`WARC-Truncated: length`).
    pub max_body_bytes: u64,
    /// `socks5h://host:port` (Tor), `http://…`: every request goes through it.
    pub proxy: Option<String>,
}

/// Errors building the client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("proxy {0:?}: {1}")]
    Proxy(String, String),
    #[error("HTTP client: {0}")]
    Build(String),
}

/// Builds the client: no automatic redirects (each one is recorded), no content decoding,
/// certificates always verified (an invalid one is a recorded failure).
pub fn client(opts: &FetchOptions) -> Result<reqwest::Client, ClientError> {
    // rustls needs a process-wide crypto provider; a second install is a harmless no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.timeout)
        .pool_max_idle_per_host(4);
    if let Some(p) = &opts.proxy {
        let proxy =
            reqwest::Proxy::all(p).map_err(|e| ClientError::Proxy(p.clone(), e.to_string()))?;
        b = b.proxy(proxy);
    } else {
        b = b.no_proxy();
    }
    b.build().map_err(|e| ClientError::Build(e.to_string()))
}

/// Why a fetch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    Timeout,
    Connect,
    /// Certificate or handshake failure: never retried, never accepted.
    Tls,
    /// Broken HTTP (bad status line, bad headers, reset before the headers).
    Protocol,
    Other,
}

impl FailureKind {
    /// Worth another try later.
    pub fn transient(self) -> bool {
        matches!(
            self,
            FailureKind::Timeout | FailureKind::Connect | FailureKind::Protocol
        )
    }
}

/// What a fetch produced.
#[derive(Debug, Clone)]
pub enum FetchResult {
    Response(Response),
    Failure { kind: FailureKind, message: String },
}

/// A response as captured.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Status line and header fields, ending with the empty line.
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    /// `length`, `time` or `disconnect` when the body is incomplete.
    pub truncated: Option<&'static str>,
    pub headers: HeaderMap,
    pub remote: Option<SocketAddr>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The request as sent, for the WARC request record.
pub fn request_block(url: &Url, user_agent: &str) -> Vec<u8> {
    let mut target = url.path().to_owned();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_owned(),
    };
    format!(
        "GET {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {user_agent}\r\naccept: */*\r\n\r\n"
    )
    .into_bytes()
}

/// Fetches `url` (GET), reading at most `max_body_bytes` of body and for at most `timeout`.
pub async fn fetch(client: &reqwest::Client, url: &Url, opts: &FetchOptions) -> FetchResult {
    let deadline = tokio::time::Instant::now() + opts.timeout;
    let sent = tokio::time::timeout_at(deadline, client.get(url.clone()).send()).await;
    let resp = match sent {
        Err(_) => {
            return FetchResult::Failure {
                kind: FailureKind::Timeout,
                message: format!("no response within {:?}", opts.timeout),
            };
        }
        Ok(Err(e)) => return classify(&e),
        Ok(Ok(r)) => r,
    };
    let status = resp.status();
    let version = match resp.version() {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_2 => "HTTP/2",
        _ => "HTTP/1.1",
    };
    let headers = resp.headers().clone();
    let remote = resp.remote_addr();
    let mut head = format!(
        "{version} {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &headers {
        if name == reqwest::header::TRANSFER_ENCODING {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");

    let limit = usize::try_from(opts.max_body_bytes).unwrap_or(usize::MAX);
    let mut body = Vec::new();
    let mut truncated = None;
    let mut stream = resp.bytes_stream();
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => {
                truncated = Some("time");
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(_))) => {
                truncated = Some("disconnect");
                break;
            }
            Ok(Some(Ok(chunk))) => {
                let room = limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = Some("length");
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    FetchResult::Response(Response {
        status: status.as_u16(),
        head,
        body,
        truncated,
        headers,
        remote,
    })
}

fn classify(e: &reqwest::Error) -> FetchResult {
    // The chain of sources says more than the top error ("error sending request").
    let mut message = e.to_string();
    let mut src = std::error::Error::source(e);
    let mut tls = false;
    while let Some(s) = src {
        let text = s.to_string();
        if s.downcast_ref::<rustls::Error>().is_some()
            || text.contains("certificate")
            || text.contains("InvalidContentType")
            || text.contains("tls")
        {
            tls = true;
        }
        message.push_str(": ");
        message.push_str(&text);
        src = s.source();
    }
    let kind = if tls {
        FailureKind::Tls
    } else if e.is_timeout() {
        FailureKind::Timeout
    } else if e.is_connect() {
        FailureKind::Connect
    } else if e.is_request() || e.is_body() || e.is_decode() {
        FailureKind::Protocol
    } else {
        FailureKind::Other
    };
    FetchResult::Failure { kind, message }
}

/// Whether the response looks like HTML.
pub fn is_html(resp: &Response) -> bool {
    match resp.header("content-type") {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html")
        }
        None => resp
            .body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'<'),
    }
}

/// The body with its content encoding (gzip, deflate) undone, bounded by `limit`, for link
/// extraction only; `None` for encodings not understood.
pub fn decoded_body(resp: &Response, limit: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let enc = resp
        .header("content-encoding")
        .map(|e| e.trim().to_ascii_lowercase());
    let mut out = Vec::new();
    match enc.as_deref() {
        None | Some("") | Some("identity") => return Some(resp.body.clone()),
        Some("gzip") | Some("x-gzip") => {
            flate2::read::MultiGzDecoder::new(&resp.body[..])
                .take(limit)
                .read_to_end(&mut out)
                .ok()?;
        }
        Some("deflate") => {
            flate2::read::ZlibDecoder::new(&resp.body[..])
                .take(limit)
                .read_to_end(&mut out)
                .ok()?;
        }
        Some(_) => return None,
    }
    Some(out)
}

/// `Location` of a redirect response, resolved against `url`.
pub fn redirect_target(resp: &Response, url: &Url) -> Option<Url> {
    if !(300..400).contains(&resp.status) {
        return None;
    }
    let loc = resp.headers.get("location").map(HeaderValue::as_bytes)?;
    let loc = String::from_utf8_lossy(loc);
    url.join(loc.trim()).ok()
}

/// Time now, for WARC-Date.
pub fn now() -> SystemTime {
    SystemTime::now()
}
