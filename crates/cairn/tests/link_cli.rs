//! End to end: JSON Lines through `cairn scan`, then `cairn link`, `clusters`, `cluster` and the
//! graph exports (GraphML and GEXF read back by networkx from the test venv: never skipped).
//! All ads are synthetic and fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap: a failure is the report

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cairn(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run cairn");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let d = std::env::temp_dir().join(format!("cairn-link-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn python() -> PathBuf {
    let p = std::env::var_os("CAIRN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
        });
    assert!(
        p.exists(),
        "no Python at {}: run scripts/test (creates .venv)",
        p.display()
    );
    p
}

const HUB: &str = "Support du site : +32 2 347 00 00";

fn ad(id: &str, text: &str, day: u32, region: &str) -> Value {
    json!({"id": id, "text": text, "captured_at": format!("2026-03-{day:02}T10:00:00Z"),
           "region": region, "url": format!("https://ads.example/{id}")})
}

/// Network A (one phone in three formats, Paris → Lyon → Marseille), network B (an e-mail,
/// Brussels → Liège), decoys in Paris with their own numbers, a hub line under most of them.
fn corpus() -> Vec<Value> {
    let mut ads = vec![
        ad(
            "a-1",
            &format!("Lola, nouvelle à Paris. Tel 06 12 34 56 78\n{HUB}"),
            1,
            "FR",
        ),
        ad(
            "a-2",
            "Lola à Paris cette semaine, appelle 06.12.34.56.78",
            3,
            "FR",
        ),
        ad(
            "a-3",
            &format!("Lola de passage à Lyon : +33 6 12 34 56 78\n{HUB}"),
            9,
            "FR",
        ),
        ad("a-4", "Lola à Marseille, appelle 0612345678", 15, "FR"),
        ad(
            "b-1",
            &format!("Mia in Brussel. Mail mia.star@example.org\n{HUB}"),
            2,
            "BE",
        ),
        ad("b-2", "Mia in Brussel, mail mia.star@example.org", 5, "BE"),
        ad("b-3", "Mia nu in Luik, mail mia.star@example.org", 20, "BE"),
    ];
    for i in 0..9u32 {
        ads.push(ad(
            &format!("d-{i}"),
            &format!("Vélo à vendre à Paris, 100 €. Tel 06 98 76 54 3{i}\n{HUB}"),
            4 + i,
            "FR",
        ));
    }
    ads
}

fn write_jsonl(path: &Path, ads: &[Value]) {
    let text: String = ads.iter().map(|a| format!("{a}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn cluster_of<'a>(clusters: &'a [Value], record: &str) -> &'a Value {
    clusters
        .iter()
        .find(|c| c["records"].as_array().unwrap().iter().any(|r| r == record))
        .unwrap_or_else(|| panic!("{record} in no cluster"))
}

fn record_set(c: &Value) -> Vec<String> {
    let mut v: Vec<String> = c["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn networks_are_recovered_the_hub_is_common_and_ids_are_stable() {
    let dir = temp_dir("e2e");
    let data = dir.join("data");
    let input = dir.join("ads.jsonl");
    write_jsonl(&input, &corpus());
    let (code, _, err) = cairn(
        &data,
        &[
            "scan",
            "--quiet",
            "--format",
            "jsonl",
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    // A bad configuration is a usage error naming the file and the field.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "strong_kinds = [\"price\"]\n").unwrap();
    let (code, _, err) = cairn(&data, &["link", "--config", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml") && err.contains("price"), "{err}");
    let (code, _, err) = cairn(&data, &["clusters"]);
    assert_eq!(code, 1, "no link run yet");
    assert!(err.contains("cairn link"), "{err}");

    let (code, out, err) = cairn(&data, &["link", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("linked 16 records: 2 clusters"), "{out}");

    let (code, out, err) = cairn(&data, &["clusters", "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let all = lines(&out);
    let common: Vec<&Value> = all
        .iter()
        .filter(|l| l["type"] == "common_selector")
        .collect();
    assert_eq!(common.len(), 1, "{out}");
    assert_eq!(common[0]["value"], "+3223470000");
    let clusters: Vec<Value> = all.into_iter().filter(|l| l["type"] == "cluster").collect();
    assert_eq!(clusters.len(), 2, "only clusters of 2+ by default: {out}");
    let a = cluster_of(&clusters, "a-1");
    assert_eq!(record_set(a), ["a-1", "a-2", "a-3", "a-4"]);
    assert_eq!(
        record_set(cluster_of(&clusters, "b-1")),
        ["b-1", "b-2", "b-3"]
    );
    // The hub is listed in the cluster as common, the network's phone as linking.
    let sels = a["selectors"].as_array().unwrap();
    assert!(
        sels.iter()
            .any(|s| s["value"] == "+33612345678" && s["records"] == 4 && s["common"] == false)
    );
    assert!(
        sels.iter()
            .any(|s| s["value"] == "+3223470000" && s["common"] == true)
    );
    let moves: Vec<(String, String)> = a["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().into(),
                m["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("Paris".into(), "Lyon".into()),
            ("Lyon".into(), "Marseille".into())
        ]
    );
    assert_eq!(a["first_seen"], "2026-03-01T10:00:00Z");
    assert_eq!(a["last_seen"], "2026-03-15T10:00:00Z");
    assert_eq!(a["touring"].as_array().unwrap().len(), 1, "{a}");
    let a_id = a["id"].as_str().unwrap().to_owned();

    // Singletons only with --min-size 1.
    let (_, out, _) = cairn(&data, &["clusters", "--min-size", "1", "--format", "jsonl"]);
    let n = lines(&out)
        .iter()
        .filter(|l| l["type"] == "cluster")
        .count();
    assert_eq!(n, 2 + 9);

    // The detail view and its timeline.
    let (code, out, _) = cairn(&data, &["cluster", &a_id]);
    assert_eq!(code, 0);
    assert!(
        out.contains("timeline") && out.contains("Marseille"),
        "{out}"
    );
    let (code, _, err) = cairn(&data, &["cluster", "c-nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("c-nope"));

    // New ads: the grown cluster keeps its id; re-running changes nothing else.
    let more = dir.join("more.jsonl");
    write_jsonl(
        &more,
        &[ad("0-new", "Lola à Nice, 06 12 34 56 78", 25, "FR")],
    );
    let (code, _, err) = cairn(
        &data,
        &[
            "scan",
            "--quiet",
            "--format",
            "jsonl",
            more.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = cairn(&data, &["link", "--quiet"]);
    assert_eq!(code, 0);
    // Every earlier cluster (2 networks, 9 single decoys) keeps its id.
    assert!(out.contains("11 cluster ids carried over"), "{out}");
    let (_, out, _) = cairn(&data, &["clusters", "--format", "jsonl"]);
    let clusters: Vec<Value> = lines(&out)
        .into_iter()
        .filter(|l| l["type"] == "cluster")
        .collect();
    let a2 = cluster_of(&clusters, "0-new");
    assert_eq!(a2["id"], a_id.as_str());
    assert_eq!(a2["size"], 5);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn graph_exports_are_read_by_networkx_with_the_same_counts() {
    let dir = temp_dir("export");
    let data = dir.join("data");
    let input = dir.join("ads.jsonl");
    let mut ads = corpus();
    // Markup, quotes and a control character in an id and a URL: every format must escape them.
    ads.push(json!({"id": "x-<&\"'>\u{1}", "text": "Lola <b>&</b> 06 12 34 56 78",
                    "url": "https://ads.example/?a=1&b=<2>", "captured_at": "2026-03-30T10:00:00Z", "region": "FR"}));
    write_jsonl(&input, &ads);
    let (code, scanned, _) = cairn(
        &data,
        &[
            "scan",
            "--quiet",
            "--format",
            "jsonl",
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0);
    let shas: Vec<String> = lines(&scanned)
        .iter()
        .filter(|l| l["type"] == "record")
        .map(|l| l["sha256"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shas.len(), 17);
    assert_eq!(cairn(&data, &["link", "--quiet"]).0, 0);
    for f in ["graphml", "gexf", "csv", "geojson", "case-uco"] {
        let out = dir.join(format!("g.{f}"));
        let (code, _, err) = cairn(
            &data,
            &["export", "--format", f, "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{f}: {err}");
    }
    let nodes = std::fs::read_to_string(dir.join("g.nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(dir.join("g.edges.csv")).unwrap();
    let script = format!(
        "import csv, json, networkx as nx\n\
         a = nx.read_graphml({g:?}); b = nx.read_gexf({x:?})\n\
         n = sum(1 for _ in csv.DictReader(open({n:?}, newline='')))\n\
         e = sum(1 for _ in csv.DictReader(open({e:?}, newline='')))\n\
         print(json.dumps([a.number_of_nodes(), a.number_of_edges(), b.number_of_nodes(), b.number_of_edges(), n, e,\n\
             sorted(d['kind'] for _, d in a.nodes(data=True) if d['kind'] != 'record'), 'r:x-<&\"\\'>' in a]))\n",
        g = dir.join("g.graphml").display().to_string(),
        x = dir.join("g.gexf").display().to_string(),
        n = dir.join("g.nodes.csv").display().to_string(),
        e = dir.join("g.edges.csv").display().to_string(),
    );
    let out = Command::new(python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let counts: Vec<u64> = (0..6).map(|i| v[i].as_u64().unwrap()).collect();
    assert_eq!(counts[0], counts[2]);
    assert_eq!(counts[0], counts[4]);
    assert_eq!(counts[1], counts[3]);
    assert_eq!(counts[1], counts[5]);
    // 17 records; selectors: the hub, A's phone, B's e-mail, 9 decoy phones; places.
    assert!(counts[0] > 17 + 12, "{v}");
    assert!(v[6].as_array().unwrap().iter().any(|k| k == "place"));
    assert_eq!(v[7], true, "escaped id read back intact: {v}");
    assert!(nodes.lines().count() > 1 && edges.lines().count() > 1);

    let geo: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("g.geojson")).unwrap()).unwrap();
    let feats = geo["features"].as_array().unwrap();
    assert!(
        feats
            .iter()
            .any(|f| f["geometry"]["type"] == "LineString" && f["properties"]["from"] == "Paris")
    );
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("g.case-uco")).unwrap()).unwrap();
    let text = case.to_string();
    assert!(text.contains("case-investigation:InvestigativeAction") && text.contains("SHA256"));
    // Provenance: the SHA-256 of every captured payload is in the exchange.
    for sha in &shas {
        assert!(text.contains(sha.as_str()), "{sha} missing from CASE/UCO");
    }
    std::fs::remove_dir_all(&dir).ok();
}
