//! A local test web site on a raw TCP listener, so that it can misbehave in ways a well-behaved
//! HTTP server library would not allow: resets, lying Content-Length, never-ending bodies, bad
//! status lines. All content is fictional.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Site settings.
#[derive(Clone, Copy)]
pub struct SiteOptions {
    /// Number of ad pages `/page/N`.
    pub pages: u32,
    /// Delay before each normal response.
    pub latency: Duration,
    /// Include the misbehaving pages in the index.
    pub traps: bool,
}

pub struct Site {
    pub addr: SocketAddr,
    pub hits: Arc<AtomicU64>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Starts the site on 127.0.0.1 (random port) on the current tokio runtime.
pub async fn start(opts: SiteOptions) -> Site {
    start_on(0, opts).await
}

/// Starts the site on 127.0.0.1:`port` (0: any free port).
pub async fn start_on(port: u16, opts: SiteOptions) -> Site {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicU64::new(0));
    let h = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                continue;
            };
            let h = h.clone();
            tokio::spawn(async move {
                let _ = serve(sock, opts, h).await;
            });
        }
    });
    Site { addr, hits }
}

async fn serve(
    mut sock: TcpStream,
    opts: SiteOptions,
    hits: Arc<AtomicU64>,
) -> std::io::Result<()> {
    // Head and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms a
    // response on keep-alive connections.
    sock.set_nodelay(true)?;
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf[0] == 0x16 {
                // A TLS ClientHello on this plain port: answer in plain text, as a
                // misconfigured server would; the client's handshake must fail.
                sock.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    .await?;
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        buf.drain(..head_end);
        let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let n = hits.fetch_add(1, Ordering::Relaxed);
        if !opts.latency.is_zero() {
            tokio::time::sleep(opts.latency).await;
        }
        if !respond(&mut sock, &target, opts, n).await? {
            return Ok(());
        }
    }
}

fn page(title: &str, body: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head><body>{body}</body></html>"
    )
    .into_bytes()
}

async fn send(
    sock: &mut TcpStream,
    status: &str,
    ctype: &str,
    extra: &str,
    body: &[u8],
) -> std::io::Result<bool> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body).await?;
    Ok(true)
}

/// Answers one request; false closes the connection.
async fn respond(
    sock: &mut TcpStream,
    target: &str,
    opts: SiteOptions,
    hit: u64,
) -> std::io::Result<bool> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let html = "text/html; charset=utf-8";
    match path {
        "/robots.txt" => {
            send(
                sock,
                "200 OK",
                "text/plain",
                "",
                b"User-agent: *\nDisallow: /private/\n",
            )
            .await
        }
        "/" => {
            let mut body = String::from("<h1>Fictional classifieds</h1><ul>");
            for i in 1..=opts.pages {
                body.push_str(&format!("<li><a href=\"/page/{i}\">ad {i}</a></li>"));
            }
            body.push_str("<li><a href=\"/page/1?PHPSESSID=abc123\">session</a></li>");
            body.push_str("<li><a href=\"http://outside.invalid/x\">elsewhere</a></li>");
            body.push_str("<li><a href=\"/private/secret\">private</a></li>");
            body.push_str("<li><a href=\"mailto:nobody@example.org\">mail</a></li>");
            if opts.traps {
                for t in [
                    "/redirect/a",
                    "/loop/1",
                    "/chain/0",
                    "/slow",
                    "/broken",
                    "/badstatus",
                    "/huge",
                    "/endless",
                    "/reset",
                    "/latin1",
                    "/calendar?month=0",
                    "/gone",
                ] {
                    body.push_str(&format!("<li><a href=\"{t}\">{t}</a></li>"));
                }
            }
            body.push_str("</ul>");
            send(sock, "200 OK", html, "", &page("Index", &body)).await
        }
        p if p.starts_with("/page/") => {
            let i: u32 = p["/page/".len()..].parse().unwrap_or(0);
            if i == 0 || i > opts.pages {
                return send(
                    sock,
                    "404 Not Found",
                    html,
                    "",
                    &page("Not found", "no such ad"),
                )
                .await;
            }
            let next = i % opts.pages + 1;
            let body = format!(
                "<h2>Fictional ad {i}</h2><p>Contact: ad{i}.fictional@example.org, \
                 Telegram @fictional_ad_{i}</p><a href=\"/page/{next}\">next</a> \
                 <a href=\"/\">home</a><img src=\"/img/{i}.png\">"
            );
            send(sock, "200 OK", html, "", &page(&format!("Ad {i}"), &body)).await
        }
        p if p.starts_with("/img/") => {
            // A tiny fixed PNG-like payload (not an image of anything).
            send(
                sock,
                "200 OK",
                "image/png",
                "",
                b"\x89PNG\r\n\x1a\nfictional",
            )
            .await
        }
        "/redirect/a" => send(sock, "302 Found", html, "Location: /redirect/b\r\n", b"").await,
        "/redirect/b" => {
            send(
                sock,
                "301 Moved Permanently",
                html,
                "Location: /page/1\r\n",
                b"",
            )
            .await
        }
        "/loop/1" => send(sock, "302 Found", html, "Location: /loop/2\r\n", b"").await,
        "/loop/2" => send(sock, "302 Found", html, "Location: /loop/1\r\n", b"").await,
        p if p.starts_with("/chain/") => {
            let n: u64 = p["/chain/".len()..].parse().unwrap_or(0);
            let loc = format!("Location: /chain/{}\r\n", n + 1);
            send(sock, "302 Found", html, &loc, b"").await
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            send(sock, "200 OK", html, "", &page("Slow", "late")).await
        }
        "/broken" => Ok(false),
        "/badstatus" => {
            sock.write_all(b"HTTX/9 what\r\n\r\n").await?;
            Ok(false)
        }
        "/huge" => {
            let total: u64 = 64 * 1024 * 1024;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {total}\r\n\r\n"
            );
            sock.write_all(head.as_bytes()).await?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                if sock.write_all(&chunk).await.is_err() {
                    return Ok(false);
                }
                sent += chunk.len() as u64;
            }
            Ok(true)
        }
        "/endless" => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n";
            sock.write_all(head.as_bytes()).await?;
            loop {
                let piece = b"<p>again and again</p>\n";
                let frame = format!("{:x}\r\n", piece.len());
                if sock.write_all(frame.as_bytes()).await.is_err()
                    || sock.write_all(piece).await.is_err()
                    || sock.write_all(b"\r\n").await.is_err()
                {
                    return Ok(false);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        "/reset" => {
            sock.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>cut",
            )
            .await?;
            Ok(false)
        }
        "/latin1" => {
            // "Annonce fictive : très discrète" in windows-1252.
            let body = b"<html><body><p>Annonce fictive : tr\xe8s discr\xe8te, fictive.latin1@example.org</p></body></html>";
            send(sock, "200 OK", "text/html; charset=windows-1252", "", body).await
        }
        "/calendar" => {
            let m: i64 = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("month="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let body = format!(
                "<p>Month {m}</p><a href=\"/calendar?month={}\">prev</a><a href=\"/calendar?month={}\">next</a>",
                m - 1,
                m + 1
            );
            send(sock, "200 OK", html, "", &page("Calendar", &body)).await
        }
        "/gone" => send(sock, "410 Gone", html, "", &page("Gone", "removed")).await,
        "/ad/static" => {
            send(
                sock,
                "200 OK",
                html,
                "",
                &page(
                    "Static ad",
                    "<p>Fictional static ad, static.ad@example.org</p>",
                ),
            )
            .await
        }
        "/ad/scripted" => {
            // The ad's text exists only once the script ran: the raw HTML never holds the
            // e-mail address in one piece.
            let body = "<p id=\"ad\">loading</p><script>document.getElementById('ad').textContent = \
                        'Fictional scripted ad, ' + 'scripted' + '.ad' + '@' + 'example.org';</script>";
            send(sock, "200 OK", html, "", &page("Scripted ad", body)).await
        }
        "/ad/changing" => {
            let body =
                format!("<p>Fictional changing ad, version {hit}, changing.ad@example.org</p>");
            send(sock, "200 OK", html, "", &page("Changing ad", &body)).await
        }
        _ => {
            send(
                sock,
                "404 Not Found",
                html,
                "",
                &page("Not found", "nothing here"),
            )
            .await
        }
    }
}
