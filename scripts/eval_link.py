#!/usr/bin/env python3
"""Evaluate `cairn link` on a corpus with planted networks (scripts/gen_link_corpus.py), issue 5.

    python3 scripts/eval_link.py --cairn BIN --corpus DIR [--work DIR] [--link-config FILE] [--report FILE] [--check]
    python3 scripts/eval_link.py --self-test

Runs, in a fresh data directory, `cairn scan --quiet --format jsonl DIR/ads.jsonl`, `cairn link --quiet`,
`cairn clusters --min-size 1 --format jsonl` and `cairn export --format graphml|gexf|csv|geojson|case-uco`,
then checks against DIR/truth.json:

- clusters: adjusted Rand index (own implementation, from the contingency table) of Cairn's
  partition against the planted one (decoys are singletons); each record in exactly one cluster;
- bridges (if planted): networks chained by one ad that prints another network's phone end up in
  different clusters (community detection inside large components);
- hub: the planted support line is reported as a common selector, is never a linking selector of a
  cluster, and no cluster mixes records of different planted groups;
- moves: per network, the moves of its cluster are in time order, go through the planted route
  city by city (GeoNames ids) and each move's date lies between the last ad in the old city and the
  first in the new one; first_seen / last_seen are those of the network's ads;
- incremental: the earlier half of the ads scanned and linked, then the rest: the same clusters as
  one full run, a re-run changes no id, each earlier cluster keeps its id as it grows;
- exports: GraphML and GEXF read by networkx have the same nodes and edges as each other and as the
  CSV export (nodes and edges files), every record is a node; GeoJSON and CASE/UCO parse as JSON.

Prints a short report (and the scan's misses of planted selectors, which explain a split network).
With --check, exits 1 unless ARI >= 0.99 and every check holds. --self-test checks the ARI and the
other pure functions on known values (standard library only); the end-to-end run needs networkx.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path

sys.dont_write_bytecode = True

ARI_TARGET = 0.99
STRONG = ("phone", "email", "handle", "wallet", "iban")
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- adjusted Rand index

def comb2(n: int) -> int:
    return n * (n - 1) // 2


def contingency(truth: list, pred: list) -> dict[tuple, int]:
    if len(truth) != len(pred):
        raise ValueError(f"label lists differ in length: {len(truth)} vs {len(pred)}")
    return Counter(zip(truth, pred))


def adjusted_rand_index(truth: list, pred: list) -> float:
    """Hubert & Arabie's ARI from the contingency table (exact arithmetic, then float).

    Trivial partitions on both sides (everything apart, or everything together, in both) give 1.0,
    the convention of scikit-learn."""
    n = len(truth)
    table = contingency(truth, pred)
    rows, cols = Counter(truth), Counter(pred)
    if n < 2 or (len(rows) == len(cols) and len(rows) in (1, n)):
        return 1.0
    index = sum(comb2(v) for v in table.values())
    sum_rows = sum(comb2(v) for v in rows.values())
    sum_cols = sum(comb2(v) for v in cols.values())
    expected = Fraction(sum_rows * sum_cols, comb2(n))
    maximum = Fraction(sum_rows + sum_cols, 2)
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def ari_by_pairs(truth: list, pred: list) -> float:
    """The same index by counting every pair (O(n²)): an independent check for the self-test."""
    tp = fp = fn = tn = 0
    n = len(truth)
    for i in range(n):
        for j in range(i + 1, n):
            same_t, same_p = truth[i] == truth[j], pred[i] == pred[j]
            if same_t and same_p:
                tp += 1
            elif same_p:
                fp += 1
            elif same_t:
                fn += 1
            else:
                tn += 1
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


# ---------------------------------------------------------------- cairn output

def parse_clusters(lines: list[str]) -> tuple[list[dict], list[dict]]:
    """Cluster and common-selector lines of `cairn clusters --format jsonl`; other types are ignored."""
    clusters, common = [], []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise ValueError(f"clusters output line {i} is not JSON: {e}") from None
        if obj.get("type") == "cluster":
            for field in ("id", "size", "records"):
                if field not in obj:
                    raise ValueError(f"clusters output line {i}: cluster without '{field}'")
            clusters.append(obj)
        elif obj.get("type") == "common_selector":
            common.append(obj)
    return clusters, common


def labels(truth_records: dict[str, str | None], clusters: list[dict]) -> tuple[list, list, list[str], list[str]]:
    """Truth and predicted labels over the truth's records; records missing from the clusters get a
    label of their own (a singleton). Also returns records listed twice and unknown records."""
    where: dict[str, str] = {}
    twice, unknown = [], []
    for c in clusters:
        for r in c["records"]:
            if r in where:
                twice.append(r)
            where[r] = c["id"]
            if r not in truth_records:
                unknown.append(r)
    ids = sorted(truth_records)
    t = [truth_records[r] or f"single:{r}" for r in ids]
    p = [where.get(r, f"missing:{r}") for r in ids]
    return t, p, twice, unknown


def move_ids(m: dict) -> tuple[str, str]:
    a = m.get("from_id", m.get("from"))
    b = m.get("to_id", m.get("to"))
    if isinstance(a, dict):
        a = a.get("id", a.get("name"))
    if isinstance(b, dict):
        b = b.get("id", b.get("name"))
    return str(a), str(b)


def check_moves(moves: list[dict], expected: list[dict]) -> list[str]:
    """Problems with a cluster's moves against the planted ones (empty list: all good)."""
    problems = []
    dates = [m.get("date", "") for m in moves]
    if dates != sorted(dates):
        problems.append("moves not in time order: " + ", ".join(dates))
    got = [move_ids(m) for m in moves]
    want = [(str(e["from_geonameid"]), str(e["to_geonameid"])) for e in expected]
    if got != want:
        names = lambda ms: " ; ".join(f"{m.get('from')}->{m.get('to')}" for m in ms)  # noqa: E731
        problems.append(f"moves {names(moves) or '(none)'} != planted "
                        + (" ; ".join(f"{e['from']}->{e['to']}" for e in expected) or "(none)"))
        return problems
    for m, e in zip(moves, expected):
        d = str(m.get("date", ""))
        if not e["after"] <= d <= e["before"]:
            problems.append(f"move {m.get('from')}->{m.get('to')} dated {d}, planted between {e['after']} and {e['before']}")
    return problems


def count_csv(path: Path) -> tuple[int, set[str] | set[tuple[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and "id" in rows[0]:
        return len(rows), {r["id"] for r in rows}
    return len(rows), {tuple(sorted((r["source"], r["target"]))) for r in rows}


# ---------------------------------------------------------------- end to end

class Run:
    def __init__(self, cairn: str, data: Path):
        self.cairn, self.data = cairn, data
        self.timings: dict[str, float] = {}

    def __call__(self, name: str, *args: str, stdout_file: Path | None = None) -> str:
        cmd = [self.cairn, "--data", str(self.data), *args]
        t0 = time.perf_counter()
        if stdout_file:
            with stdout_file.open("w", encoding="utf-8") as fo:
                p = subprocess.run(cmd, stdout=fo, stderr=subprocess.PIPE, text=True)
            out = ""
        else:
            p = subprocess.run(cmd, capture_output=True, text=True)
            out = p.stdout
        self.timings[name] = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"`{' '.join(cmd)}` exited {p.returncode}: {p.stderr.strip()[-2000:]}")
        return out


def scan_misses(scan_file: Path, truth: dict) -> list[str]:
    """Planted strong selectors that the scan did not report (they explain split networks)."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    with scan_file.open(encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "finding" and o.get("kind") in STRONG:
                found[o["record"]].add((o["kind"], str(o["value"]).lower()))
    out = []
    for rid, sels in truth.get("selectors", {}).items():
        for s in sels:
            if s["kind"] in STRONG and (s["kind"], s["value"].lower()) not in found[rid]:
                out.append(f"{rid} {s['kind']} {s['value']} written '{s.get('text', '')}'"
                           + (f" ({s['technique']})" if s.get("technique") else ""))
    return out


def evaluate(args: argparse.Namespace) -> int:
    try:
        import networkx as nx  # noqa: F401
    except ImportError:
        print("eval_link: the end-to-end run needs networkx: .venv/bin/pip install -r scripts/requirements-test.txt "
              "and run with .venv/bin/python", file=sys.stderr)
        return 1
    corpus = args.corpus
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    tmp = tempfile.TemporaryDirectory(prefix="eval_link-") if args.work is None else None
    work = Path(tmp.name) if tmp else args.work
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    if data.exists() and any(data.iterdir()):
        print(f"eval_link: {data} is not empty; give a fresh --work directory", file=sys.stderr)
        return 1
    run = Run(args.cairn, data)
    report: list[str] = []
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        checks.append((name, ok, detail))

    try:
        run("scan", "scan", "--quiet", "--format", "jsonl", str(corpus / "ads.jsonl"), stdout_file=work / "scan.jsonl")
        run("link", "link", "--quiet", *(["--config", str(args.link_config)] if args.link_config else []))
        lines = run("clusters", "clusters", "--min-size", "1", "--format", "jsonl").splitlines()
        (work / "clusters.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        clusters, common = parse_clusters(lines)
    except (RuntimeError, ValueError, OSError) as e:
        print(f"eval_link: {e}", file=sys.stderr)
        return 1

    recs = truth["records"]
    n_net = sum(1 for v in recs.values() if v)
    report.append(f"corpus {corpus}: {len(recs)} ads, {n_net} in {len(truth['networks'])} planted networks, "
                  f"{len(recs) - n_net} decoys/noise; hub {truth['hub']['value']} in {len(truth['hub']['records'])} ads")
    report.append(f"cairn: {len(clusters)} clusters ({sum(1 for c in clusters if c['size'] > 1)} of 2+), "
                  f"{len(common)} common selectors; scan {run.timings['scan']:.2f} s, link {run.timings['link']:.2f} s")

    # ---- partition
    t, p, twice, unknown = labels(recs, clusters)
    ari = adjusted_rand_index(t, p)
    missing = sum(1 for x in p if x.startswith("missing:"))
    check(f"adjusted Rand index {ari:.4f} >= {ARI_TARGET}", ari >= ARI_TARGET)
    check("every record in exactly one cluster", not twice and not unknown and missing == 0,
          f"{len(twice)} listed twice, {len(unknown)} unknown, {missing} missing")
    bad_size = [c["id"] for c in clusters if c["size"] != len(c["records"])]
    check("cluster size = number of its records", not bad_size, ", ".join(bad_size[:5]))
    by_cluster: dict[str, list[str]] = defaultdict(list)
    pred_of = dict(zip(sorted(recs), p))
    for rid, lab in pred_of.items():
        by_cluster[lab].append(rid)
    cluster_of = {c["id"]: c for c in clusters}
    net_cluster: dict[str, dict | None] = {}
    for net in truth["networks"]:
        members = net["records"]
        counts = Counter(pred_of[r] for r in members)
        best, k = counts.most_common(1)[0]
        c = cluster_of.get(best)
        net_cluster[net["id"]] = c
        extra = len(by_cluster[best]) - k
        if k != len(members) or extra:
            report.append(f"  {net['id']} ({len(members)} ads): largest part {k} in {best}, "
                          f"{len(counts) - 1} other parts, {extra} foreign records in that cluster")

    # ---- bridges (gen_link_corpus.py --bridges): networks chained by one shared phone
    if truth.get("bridges"):
        glued = []
        for b in truth["bridges"]:
            a_c, b_c = net_cluster.get(b["network"]), net_cluster.get(b["other"])
            if a_c is not None and a_c is b_c:
                glued.append(f"{b['network']}+{b['other']} (via {b['record']})")
        split = [c for c in clusters if c.get("community")]
        report.append(f"  bridges: {len(truth['bridges'])} planted, {len(split)} clusters come from split components")
        check(f"networks chained by a shared phone are split again ({len(truth['bridges'])} bridges)", not glued,
              "; ".join(glued[:5]))

    # ---- hub
    hub = truth["hub"]
    hub_common = [c for c in common if c.get("kind") == hub["kind"] and c.get("value") == hub["value"]]
    check("hub reported as a common selector", bool(hub_common),
          f"{hub_common[0].get('records')} records" if hub_common else "")
    linking_hub = [c["id"] for c in clusters for s in c.get("selectors", [])
                   if s.get("value") == hub["value"] and not s.get("common", False)]
    check("hub never a linking selector of a cluster", not linking_hub, ", ".join(linking_hub[:5]))
    mixed = []
    for cid, members in by_cluster.items():
        groups = {recs[r] or f"single:{r}" for r in members}
        if len(groups) > 1:
            via_hub = sum(1 for r in members if r in set(hub["records"]))
            mixed.append(f"{cid} holds {len(groups)} planted groups ({via_hub} of its ads print the hub)")
    check("no cluster mixes planted groups (hub does not merge)", not mixed, "; ".join(mixed[:5]))
    others = [f"{c.get('kind')}:{c.get('value')}" for c in common if c not in hub_common]
    if others:
        report.append("  other common selectors: " + ", ".join(others[:10]))

    # ---- moves and time span
    move_problems, span_problems = [], []
    n_moves = 0
    captured, urls = {}, {}
    with (corpus / "ads.jsonl").open(encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            captured[o["id"]], urls[o["id"]] = o["captured_at"], o.get("url", "")
    for net in truth["networks"]:
        c = net_cluster[net["id"]]
        n_moves += len(net["moves"])
        if c is None:
            move_problems.append(f"{net['id']}: no cluster")
            continue
        for prob in check_moves(c.get("moves", []), net["moves"]):
            move_problems.append(f"{net['id']}: {prob}")
        span = (min(captured[r] for r in net["records"]), max(captured[r] for r in net["records"]))
        if set(c["records"]) == set(net["records"]) and (c.get("first_seen"), c.get("last_seen")) != span:
            span_problems.append(f"{net['id']}: {c.get('first_seen')}..{c.get('last_seen')} != {span[0]}..{span[1]}")
    check(f"moves in time order and on the planted routes ({n_moves} moves)", not move_problems,
          "; ".join(move_problems[:5]))
    check("first_seen/last_seen of each network", not span_problems, "; ".join(span_problems[:5]))

    # ---- default listing, one cluster's details and export
    try:
        if not clusters:
            raise ValueError("`clusters --min-size 1` listed no cluster")
        biggest = max(clusters, key=lambda c: (c["size"], c["id"]))
        default, _ = parse_clusters(run("clusters default", "clusters", "--format", "jsonl").splitlines())
        want = sorted(c["id"] for c in clusters if c["size"] >= 2)
        check("`clusters` lists the clusters of 2+ records by default", sorted(c["id"] for c in default) == want,
              f"{len(default)} listed, {len(want)} of 2+")
        detail = run("cluster", "cluster", biggest["id"], "--format", "jsonl")
        check("`cluster ID` shows the cluster and its records",
              biggest["id"] in detail and all(r in detail for r in biggest["records"]))
        export_checks(run, work, recs, any("&" in u for u in urls.values()), check, biggest)
    except (RuntimeError, ValueError, OSError) as e:
        check("cluster details and exports", False, str(e)[:500])

    # ---- incremental linking and stable ids
    try:
        incremental_checks(args, corpus, work, recs, clusters, check)
    except (RuntimeError, ValueError, OSError) as e:
        check("incremental linking", False, str(e)[:500])

    # ---- scan diagnostics
    misses = scan_misses(work / "scan.jsonl", truth)
    planted = sum(1 for sels in truth.get("selectors", {}).values() for s in sels if s["kind"] in STRONG)
    by_tech = Counter(m.rsplit("(", 1)[1].rstrip(")") if m.endswith(")") else m.split()[1] for m in misses)
    report.append(f"scan found {planted - len(misses)} of {planted} planted strong selectors"
                  + (" (missed by technique: " + ", ".join(f"{k} {v}" for k, v in by_tech.most_common()) + "): "
                     + "; ".join(misses[:3]) + (" …" if len(misses) > 3 else "") if misses else ""))

    ok = all(c[1] for c in checks)
    out = [*report, ""]
    for name, good, detail in checks:
        out.append(f"[{'ok' if good else 'FAIL'}] {name}" + (f" — {detail}" if detail and not good else ""))
    out.append("")
    out.append(f"result: {'all checks hold' if ok else 'some checks FAIL'} (ARI {ari:.4f})")
    text = "\n".join(out)
    print(text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    if tmp:
        tmp.cleanup()
    return 0 if ok or not args.check else 1


def partition(clusters: list[dict]) -> set[frozenset]:
    return {frozenset(c["records"]) for c in clusters}


def incremental_checks(args: argparse.Namespace, corpus: Path, work: Path, recs: dict, full: list[dict], check) -> None:
    """Scan the earlier ads, link, link again, scan the later ads, link: same clusters as one full run,
    ids unchanged by a re-run, and each earlier cluster's id kept by the cluster that grew from it."""
    ads = [json.loads(line) for line in (corpus / "ads.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    ads.sort(key=lambda o: (o["captured_at"], o["id"]))
    half = len(ads) // 2
    parts = []
    for k, chunk in enumerate((ads[:half], ads[half:]), 1):
        path = work / f"part{k}.jsonl"
        path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in chunk), encoding="utf-8")
        parts.append(path)
    run = Run(args.cairn, work / "data-incremental")
    cfg = ["--config", str(args.link_config)] if args.link_config else []

    def clusters_now() -> list[dict]:
        return parse_clusters(run("clusters", "clusters", "--min-size", "1", "--format", "jsonl").splitlines())[0]

    run("scan", "scan", "--quiet", str(parts[0]))
    run("link", "link", "--quiet", *cfg)
    first = clusters_now()
    run("link", "link", "--quiet", *cfg)
    again = clusters_now()
    check("re-running `link` without new records keeps every cluster and id",
          {c["id"]: frozenset(c["records"]) for c in first} == {c["id"]: frozenset(c["records"]) for c in again})
    run("scan", "scan", "--quiet", str(parts[1]))
    run("link", "link", "--quiet", *cfg)
    final = clusters_now()
    check("linking after a second scan gives the clusters of one full run", partition(final) == partition(full),
          f"{len(partition(final) ^ partition(full))} clusters differ")
    by_id = {c["id"]: set(c["records"]) for c in final}
    lost = []
    for c in first:
        groups = {recs.get(r) or f"single:{r}" for r in c["records"]}
        if len(groups) == 1 and not set(c["records"]) <= by_id.get(c["id"], set()):
            lost.append(c["id"])
    check(f"cluster ids stable across runs ({len(first)} earlier clusters)", not lost,
          f"{len(lost)} earlier clusters lost their id, e.g. {', '.join(lost[:3])}")


def export_checks(run: Run, work: Path, recs: dict, amp_urls: bool, check, one: dict) -> None:
    import networkx as nx

    ex = work / "export"
    ex.mkdir(exist_ok=True)
    for fmt, name in (("graphml", "graph.graphml"), ("gexf", "graph.gexf"), ("csv", "graph.csv"),
                      ("geojson", "moves.geojson"), ("case-uco", "case.jsonld")):
        run(f"export {fmt}", "export", "--format", fmt, "--out", str(ex / name))
    g_ml = nx.read_graphml(ex / "graph.graphml")
    g_gx = nx.read_gexf(ex / "graph.gexf")
    n_nodes, node_ids = count_csv(ex / "graph.nodes.csv")
    n_edges, edge_pairs = count_csv(ex / "graph.edges.csv")
    counts = {"graphml": (g_ml.number_of_nodes(), g_ml.number_of_edges()),
              "gexf": (g_gx.number_of_nodes(), g_gx.number_of_edges()), "csv": (n_nodes, n_edges)}
    same = len(set(counts.values())) == 1
    check(f"GraphML, GEXF (networkx) and CSV: same node and edge counts {counts['graphml']}", same,
          ", ".join(f"{k} {v[0]} nodes {v[1]} edges" for k, v in counts.items()))
    ids_ok = set(map(str, g_ml.nodes)) == set(map(str, g_gx.nodes)) == node_ids
    edges = lambda g: {tuple(sorted((str(a), str(b)))) for a, b in g.edges}  # noqa: E731
    check("GraphML, GEXF and CSV: same node ids and edges", ids_ok and edges(g_ml) == edges(g_gx) == edge_pairs)
    missing = [r for r in recs if f"r:{r}" not in g_ml]
    check("every record is a node of the graph", not missing, ", ".join(missing[:5]))
    urls = [d.get("url", "") for _, d in g_ml.nodes(data=True) if "&" in str(d.get("url", ""))]
    if amp_urls:
        check("URLs with '&' survive the XML exports", bool(urls), "no node URL holds '&'")
    for name, want in (("moves.geojson", "FeatureCollection"),):
        obj = json.loads((ex / name).read_text(encoding="utf-8"))
        check(f"GeoJSON export is a {want}", obj.get("type") == want, str(obj.get("type")))
    run("export cluster", "export", "--format", "graphml", "--cluster", one["id"], "--out", str(ex / "one.graphml"))
    g_one = nx.read_graphml(ex / "one.graphml")
    got = sorted(str(v)[2:] for v in g_one.nodes if str(v).startswith("r:"))
    check("`export --cluster ID`: exactly the cluster's records, a part of the whole graph",
          got == sorted(one["records"]) and set(map(str, g_one.nodes)) <= node_ids,
          f"{len(got)} record nodes, cluster has {one['size']}")
    uco = json.loads((ex / "case.jsonld").read_text(encoding="utf-8"))
    check("CASE/UCO export is JSON-LD with @context", isinstance(uco, dict) and "@context" in uco)


# ---------------------------------------------------------------- self-test

def self_test() -> int:
    failures = []

    def expect(label: str, got, want) -> None:
        if isinstance(want, float) and isinstance(got, float):
            bad = abs(got - want) > 1e-12
        else:
            bad = got != want
        if bad:
            failures.append(f"{label}: got {got!r}, want {want!r}")

    # Known values (scikit-learn's documented examples and hand computations).
    expect("identical", adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 1]), 1.0)
    expect("renamed", adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]), 1.0)
    expect("split one", adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]), 4 / 7)
    expect("merge one", adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]), 4 / 7)
    expect("all vs none", adjusted_rand_index([0, 0, 0, 0], [0, 1, 2, 3]), 0.0)
    expect("crossed", adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), -0.5)
    expect("all singletons both", adjusted_rand_index(list("abcd"), list("wxyz")), 1.0)
    expect("one cluster both", adjusted_rand_index([1] * 5, [2] * 5), 1.0)
    # Hubert & Arabie (1985) style table, by hand: n=6, truth {a,a,a,b,b,b}, pred {x,x,y,y,z,z}:
    # index = 1+0+1 = 2... computed: sum comb(nij)=C(2,2)+C(1,2)+C(1,2)+C(2,2)=2; rows 3+3=6; cols 1+1+1=3;
    # expected 6*3/15 = 1.2; max 4.5; ARI = (2-1.2)/(4.5-1.2) = 0.8/3.3
    expect("hand table", adjusted_rand_index(list("aaabbb"), list("xxyyzz")), 0.8 / 3.3)
    # Independent pair counting on random labelings; symmetry and relabelling invariance.
    rng = random.Random(5)
    for k in range(300):
        n = rng.randint(2, 40)
        a = [rng.randrange(rng.randint(1, 8)) for _ in range(n)]
        b = [rng.randrange(rng.randint(1, 8)) for _ in range(n)]
        x = adjusted_rand_index(a, b)
        expect(f"pairs #{k}", round(x, 12), round(ari_by_pairs(a, b), 12))
        expect(f"symmetric #{k}", round(adjusted_rand_index(b, a), 12), round(x, 12))
        perm = {v: f"L{v * 7 + 3}" for v in set(b)}
        expect(f"relabel #{k}", round(adjusted_rand_index(a, [perm[v] for v in b]), 12), round(x, 12))
        if not -1.0 <= x <= 1.0:
            failures.append(f"ARI out of [-1, 1]: {x}")
    try:
        adjusted_rand_index([1, 2], [1])
        failures.append("length mismatch not rejected")
    except ValueError:
        pass

    # Cluster lines: unknown types and fields ignored; missing records become singletons.
    lines = ['{"type":"common_selector","kind":"phone","value":"+32","records":9}',
             '{"type":"cluster","id":"c1","size":2,"records":["a","b"],"new_field":1}',
             '{"type":"something_else","id":"z"}', "",
             '{"type":"cluster","id":"c2","size":1,"records":["c"]}']
    cl, common = parse_clusters(lines)
    expect("clusters parsed", [c["id"] for c in cl], ["c1", "c2"])
    expect("common parsed", [c["value"] for c in common], ["+32"])
    t, p, twice, unknown = labels({"a": "N1", "b": "N1", "c": None, "d": None}, cl)
    expect("truth labels", t, ["N1", "N1", "single:c", "single:d"])
    expect("pred labels", p, ["c1", "c1", "c2", "missing:d"])
    expect("perfect on parsed", adjusted_rand_index(t, p), 1.0)
    try:
        parse_clusters(['{"type":"cluster","id":"x"}'])
        failures.append("cluster without records not rejected")
    except ValueError:
        pass

    # Moves against a planted route.
    planted = [{"from": "A", "from_geonameid": 1, "to": "B", "to_geonameid": 2,
                "after": "2026-01-01T00:00:00Z", "before": "2026-01-05T00:00:00Z"},
               {"from": "B", "from_geonameid": 2, "to": "C", "to_geonameid": 3,
                "after": "2026-01-07T00:00:00Z", "before": "2026-01-09T00:00:00Z"}]
    good = [{"from": "A", "to": "B", "from_id": "1", "to_id": "2", "date": "2026-01-05T00:00:00Z"},
            {"from": "B", "to": "C", "from_id": "2", "to_id": "3", "date": "2026-01-08T10:00:00Z"}]
    expect("moves ok", check_moves(good, planted), [])
    expect("moves reversed", len(check_moves(list(reversed(good)), planted)), 2)
    late = [good[0], {**good[1], "date": "2026-01-10T00:00:00Z"}]
    expect("move out of its window", len(check_moves(late, planted)), 1)
    expect("move missing", len(check_moves(good[:1], planted)), 1)
    expect("no moves planted or found", check_moves([], []), [])

    if failures:
        print("eval_link self-test FAILED:\n  " + "\n  ".join(failures[:20]), file=sys.stderr)
        return 1
    print("eval_link self-test: ARI (known values, 300 random pair-counting cross-checks), cluster parsing, "
          "moves: ok")
    return 0


def find_cairn(explicit: str | None) -> str:
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for p in (target / "release" / "cairn", target / "debug" / "cairn"):
        if p.is_file():
            return str(p)
    sys.exit("eval_link: no cairn binary found; build it (cargo build -p cairn) or give --cairn")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cairn", help="cairn binary (default: $CARGO_TARGET_DIR or target/, release then debug)")
    ap.add_argument("--corpus", type=Path, help="directory with ads.jsonl and truth.json")
    ap.add_argument("--work", type=Path, help="keep the data directory, cairn outputs and exports here")
    ap.add_argument("--link-config", type=Path, help="pass this thresholds file to `cairn link --config`")
    ap.add_argument("--report", type=Path, help="also write the report to this file")
    ap.add_argument("--check", action="store_true", help=f"exit 1 unless ARI >= {ARI_TARGET} and every check holds")
    ap.add_argument("--self-test", action="store_true", help="test the ARI and parsing functions, then exit")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if args.corpus is None:
        ap.error("--corpus is required (or --self-test)")
    for name in ("ads.jsonl", "truth.json"):
        if not (args.corpus / name).is_file():
            ap.error(f"{args.corpus / name} does not exist (make it with scripts/gen_link_corpus.py)")
    args.cairn = find_cairn(args.cairn)
    return evaluate(args)


if __name__ == "__main__":
    sys.exit(main())
