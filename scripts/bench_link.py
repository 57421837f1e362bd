#!/usr/bin/env python3
"""Connected components of records linked through selectors: Cairn's union-find against networkx.

    python3 scripts/bench_link.py [--records 1000000] [--seed 5] [--out DIR] [--components BIN] [--keep]

1. Writes a random graph: DIR/edges.tsv, one occurrence "record has selector" a line
   (`<record>\\t<selector>`, integers, separate id spaces; records 0..N-1, some on no line) and
   DIR/meta.json (`records`, `selectors`, `occurrences`, `seed`). The graph looks like collected
   ads: most records are alone or in small groups that share a few selectors, group sizes have a
   heavy tail, and rare cross-links (a reused number) merge groups into larger components.
2. Runs Cairn's components example (`cargo build --release -p cairn-link --example components`;
   default binary `$CARGO_TARGET_DIR/release/examples/components`) which writes, for every record,
   the smallest record id of its component, and prints `read_ms=… components_ms=… total_ms=…`.
3. Runs networkx: `Graph` of records and selectors, `connected_components`, the same canonical label
   (smallest record id of the component; isolated records are their own component).
4. Reports whether the two partitions are identical (label by label) and the speed ratios:
   components only (Cairn's union-find vs networkx's graph construction + connected_components, both
   from edges already in memory) and end to end (file reading included).

Needs networkx (scripts/requirements-test.txt). Memory: networkx holds ~1.8N nodes; about 1.2 GB for
N = 1,000,000. Exits 1 when the partitions differ. Timings depend on the machine's load (printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parent.parent


def generate(n: int, seed: int, path: Path) -> dict:
    """Planted groups with heavy-tailed sizes; each record carries 1-4 selectors of its group."""
    rng = random.Random(seed)
    ids = list(range(n))
    rng.shuffle(ids)  # group members are scattered over the id space, like real captures
    next_sel = 0
    occurrences = 0
    pos = 0
    lines: list[str] = []
    groups_sel: list[tuple[int, int]] = []  # (first selector id, count) of every group so far
    with path.open("w", encoding="ascii") as f:
        while pos < n:
            if rng.random() < 0.55:
                size = 1
            else:
                size = min(int(rng.paretovariate(1.2)) + 1, 3000)
            size = min(size, n - pos)
            k = max(rng.randint(1, 3), size // 3)  # an ad alone may still print a phone, an e-mail, a handle
            first = next_sel
            next_sel += k
            groups_sel.append((first, k))
            for r in ids[pos:pos + size]:
                if size == 1 and rng.random() < 0.25:
                    continue  # an ad without any strong selector: an isolated record
                for s in rng.sample(range(first, first + k), min(k, rng.choice((1, 2, 3, 3, 4)))):
                    lines.append(f"{r}\t{s}\n")
                if rng.random() < 0.004 and len(groups_sel) > 1:
                    # A selector of an earlier group: two networks glued by one shared number.
                    g_first, g_k = groups_sel[rng.randrange(len(groups_sel) - 1)]
                    lines.append(f"{r}\t{g_first + rng.randrange(g_k)}\n")
            pos += size
            if len(lines) > 100_000:
                occurrences += len(lines)
                f.writelines(lines)
                lines.clear()
        occurrences += len(lines)
        f.writelines(lines)
    return {"records": n, "selectors": next_sel, "occurrences": occurrences, "seed": seed}


def read_edges(path: Path) -> tuple[list[int], list[int]]:
    rs, ss = [], []
    with path.open(encoding="ascii") as f:
        for line in f:
            r, s = line.split("\t")
            rs.append(int(r))
            ss.append(int(s))
    return rs, ss


def networkx_labels(n: int, rs: list[int], ss: list[int]) -> tuple[list[int], float, float]:
    """Canonical labels (smallest record id of the component), build time and components time."""
    import networkx as nx

    t0 = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(rs, (n + s for s in ss)))
    t1 = time.perf_counter()
    labels = [0] * n
    for comp in nx.connected_components(g):
        smallest = min(v for v in comp if v < n) if len(comp) > 1 else next(iter(comp))
        for v in comp:
            if v < n:
                labels[v] = smallest
    t2 = time.perf_counter()
    return labels, t1 - t0, t2 - t1


def cairn_labels(binary: str, n: int, edges: Path, out: Path) -> tuple[list[int], dict[str, float], float]:
    t0 = time.perf_counter()
    p = subprocess.run([binary, "--records", str(n), "--edges", str(edges), "--out", str(out)],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{binary} exited {p.returncode}: {p.stderr.strip()[-1000:]}")
    timings = {k: float(v) for k, v in re.findall(r"(\w+)_ms=([0-9.]+)", p.stderr)}
    labels = [-1] * n
    with out.open(encoding="ascii") as f:
        for i, line in enumerate(f, 1):
            r, c = line.split("\t")
            r_i = int(r)
            if not 0 <= r_i < n or labels[r_i] != -1:
                raise RuntimeError(f"{out}:{i}: record {r_i} out of range or listed twice")
            labels[r_i] = int(c)
    missing = labels.count(-1)
    if missing:
        raise RuntimeError(f"{out}: {missing} records have no component")
    return labels, timings, wall


def describe(labels: list[int]) -> str:
    sizes: dict[int, int] = {}
    for c in labels:
        sizes[c] = sizes.get(c, 0) + 1
    singles = sum(1 for v in sizes.values() if v == 1)
    return f"{len(sizes)} components, {singles} single records, largest {max(sizes.values())}"


def default_binary() -> str:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "release" / "examples" / "components")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, help="directory for edges.tsv, meta.json and the outputs (default: temporary)")
    ap.add_argument("--components", default=None,
                    help="Cairn's components example binary (default: $CARGO_TARGET_DIR/release/examples/components)")
    args = ap.parse_args()
    binary = args.components or default_binary()
    if not Path(binary).is_file():
        sys.exit(f"bench_link: {binary} not found; build it with "
                 "`cargo build --release -p cairn-link --example components` or give --components")
    try:
        import networkx  # noqa: F401
    except ImportError:
        sys.exit("bench_link: needs networkx (.venv/bin/pip install -r scripts/requirements-test.txt)")
    tmp = tempfile.TemporaryDirectory(prefix="bench_link-") if args.out is None else None
    out = Path(tmp.name) if tmp else args.out
    out.mkdir(parents=True, exist_ok=True)
    edges = out / "edges.tsv"

    t = time.perf_counter()
    meta = generate(args.records, args.seed, edges)
    (out / "meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
    print(f"graph: {meta['records']:,} records, {meta['selectors']:,} selectors, {meta['occurrences']:,} occurrences "
          f"(seed {meta['seed']}, written in {time.perf_counter() - t:.1f} s, {edges.stat().st_size / 1e6:.1f} MB)")

    try:
        c_labels, c_t, c_wall = cairn_labels(binary, args.records, edges, out / "cairn-components.tsv")
    except (RuntimeError, OSError, ValueError) as e:
        print(f"bench_link: {e}", file=sys.stderr)
        return 1
    print(f"cairn:    read {c_t.get('read', float('nan')):.0f} ms, components {c_t.get('components', float('nan')):.0f} ms, "
          f"total {c_t.get('total', float('nan')):.0f} ms (process wall {c_wall * 1000:.0f} ms)")

    t0 = time.perf_counter()
    rs, ss = read_edges(edges)
    read_s = time.perf_counter() - t0
    nx_labels, build_s, cc_s = networkx_labels(args.records, rs, ss)
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"networkx: read {read_s * 1000:.0f} ms, graph {build_s * 1000:.0f} ms, connected_components "
          f"{cc_s * 1000:.0f} ms (peak RSS of this process {rss_gb:.1f} GB)")

    same = c_labels == nx_labels
    diff = 0 if same else sum(1 for a, b in zip(c_labels, nx_labels) if a != b)
    print(f"partition: {describe(nx_labels)}; identical: {'yes' if same else f'NO ({diff:,} records differ)'}")
    cairn_comp = c_t.get("components", float("nan")) / 1000
    cairn_total = c_t.get("total", c_wall * 1000) / 1000
    print(f"speed ratio (networkx / cairn): components {(build_s + cc_s) / cairn_comp:.1f}x "
          f"(networkx graph + connected_components vs union-find), end to end "
          f"{(read_s + build_s + cc_s) / cairn_total:.1f}x (file reading included), networkx connected_components "
          f"alone {cc_s / cairn_comp:.1f}x; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if tmp:
        tmp.cleanup()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
