#!/usr/bin/env python3
"""Load benchmark of case pages (issue 7): starts the demo server (release build of the
`load_demo` example of cairn-server), signs in SESSIONS sessions, then runs wrk with CONNECTIONS
connections for DURATION seconds, each request a case page of a random demo case with one of the
sessions' cookies. Prints req/s, p50/p95/p99 latency and the size of a case page on the wire.

Usage: scripts/bench_web.py [--sessions 200] [--connections 200] [--duration 20] [--cases 40]
       [--role analyst|case_worker] [--think-ms MS] [--server BINARY]
--think-ms MS: each connection waits a random (exponential) think time of mean MS after each
response, as a browsing person does (wrk's delay()): 200 connections at 1000 ms offer about 200
requests a second whatever the latency (a near open-loop load); 0 (default) is the closed loop.
Also prints the server's CPU time (user+sys, from /proc) during the wrk run and per request.
case_worker: every view decrypts the person and appends two audit entries (the realistic, heavy
path); one TOTP session per user and step, so the connections share one session.
analyst: SESSIONS separate sessions (password only), case views without identifying fields.
"""
import argparse, base64, gzip, hashlib, hmac, http.cookiejar, os, re, struct, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

p = argparse.ArgumentParser()
p.add_argument("--sessions", type=int, default=200)
p.add_argument("--connections", type=int, default=200)
p.add_argument("--duration", type=int, default=20)
p.add_argument("--cases", type=int, default=40)
p.add_argument("--role", choices=["analyst", "case_worker"], default="case_worker")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--think-ms", type=float, default=0.0)
p.add_argument("--server", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release/examples/load_demo"))
a = p.parse_args()

srv = subprocess.Popen([a.server, "127.0.0.1:0", str(a.cases)], stdout=subprocess.PIPE, text=True)
out = ""
while "user=police.worker" not in out:
    line = srv.stdout.readline()
    if not line:
        sys.exit("server ended:\n" + out)
    out += line
base = re.search(r"cairn serve: (http://\S+?)/?$", out, re.M).group(1)
logins = {m[0]: (m[1], m[2]) for m in re.findall(r"user=(\S+) password=(\S+) role=\S+ organisation=\"[^\"]+\" totp=(\S+)", out)}

def totp(secret, offset=0):
    k = base64.b32decode(secret + "=" * (-len(secret) % 8))
    h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30 + offset), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

def session(user):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    def post(path, data, csrf):
        data = dict(data, csrf=csrf)
        req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode(), headers={"Origin": base})
        return op.open(req)
    body = op.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    pw, secret = logins[user]
    r = post("/login", {"username": user, "password": pw}, csrf)
    if r.geturl().endswith("/login/totp"):
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)
        r = post("/login/totp", {"code": totp(secret)}, csrf)
    assert r.geturl().endswith("/dashboard"), r.geturl()
    return op, "; ".join(f"{c.name}={c.value}" for c in jar)

user = "ngo.analyst" if a.role == "analyst" else "ngo.worker"
t0 = time.time()
n = a.sessions if a.role == "analyst" else 1
sessions = [session(user) for _ in range(n)]
print(f"{n} session(s) of {user} signed in in {time.time() - t0:.1f} s")
op, cookie = sessions[0]
cases = re.findall(r'href="/cases/(cas-[0-9a-f]+)"', op.open(base + "/cases").read().decode())
page = urllib.request.Request(base + f"/cases/{cases[0]}", headers={"Cookie": cookie, "Accept-Encoding": "identity"})
raw = urllib.request.urlopen(page).read()
print(f"{len(cases)} cases; one case page: {len(raw)} bytes ({len(gzip.compress(raw))} gzipped; the server does not compress)")

lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
lua.write("cookies = {" + ",".join(f'"{c}"' for _, c in sessions) + "}\n")
lua.write("paths = {" + ",".join(f'"/cases/{c}"' for c in cases) + "}\n")
lua.write(f"think_ms = {a.think_ms}\n")
lua.write("""
counter = 0
delay = function()
  if think_ms <= 0 then return 0 end
  return math.floor(-think_ms * math.log(1 - math.random()))
end
request = function()
  counter = counter + 1
  local c = cookies[(counter % #cookies) + 1]
  local p = paths[math.random(#paths)]
  return wrk.format("GET", p, { ["Cookie"] = c })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors (non-2xx/3xx) %d, socket errors %d\\n", summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("req/s %.1f\\n", summary.requests / (summary.duration / 1e6)))
  for _, q in ipairs({50, 95, 99}) do io.write(string.format("p%d %.1f ms\\n", q, latency:percentile(q) / 1000)) end
end
""")
lua.close()
mode = f"think time {a.think_ms:.0f} ms (exponential)" if a.think_ms > 0 else "closed loop"
print(f"wrk: {a.connections} connections, {a.threads} threads, {a.duration} s, role {a.role}, {mode}")
def cpu_seconds(pid):
    # utime and stime (fields 14 and 15 of /proc/PID/stat, after the parenthesised name).
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

try:
    cpu0 = cpu_seconds(srv.pid)
    run = subprocess.run(["wrk", "-t", str(a.threads), "-c", str(a.connections), "-d", f"{a.duration}s", "--timeout", "10s", "-s", lua.name, base + "/"], check=True, capture_output=True, text=True)
    cpu = cpu_seconds(srv.pid) - cpu0
    sys.stdout.write(run.stdout)
    done = int(re.search(r"^requests (\d+)", run.stdout, re.M).group(1))
    print(f"server CPU (user+sys) {cpu:.1f} s over {a.duration} s; {1000 * cpu / max(done, 1):.3f} ms per request")
finally:
    srv.terminate()
    os.unlink(lua.name)
