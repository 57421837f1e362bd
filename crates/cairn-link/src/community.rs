//! Community detection inside very large components, so that one shared number does not glue two
//! networks.
//!
//! Louvain's local moving and aggregation, with the guarantee that makes Leiden better than
//! Louvain: before each aggregation every community is split into its connected parts, so no
//! community is ever internally disconnected. (Leiden's randomised refinement is not reproduced;
//! node order is fixed, so results are deterministic.) Checked against networkx's
//! `louvain_communities` in the tests.

/// An undirected weighted graph on nodes 0..n; self-loops kept apart.
#[derive(Debug, Clone)]
struct WGraph {
    adj: Vec<Vec<(u32, f64)>>,
    self_loop: Vec<f64>,
}

impl WGraph {
    fn from_edges(n: usize, edges: &[(u32, u32, f64)]) -> Self {
        let mut adj = vec![Vec::new(); n];
        let mut self_loop = vec![0.0; n];
        for &(a, b, w) in edges {
            if a == b {
                self_loop[a as usize] += w;
            } else {
                adj[a as usize].push((b, w));
                adj[b as usize].push((a, w));
            }
        }
        Self { adj, self_loop }
    }

    fn n(&self) -> usize {
        self.adj.len()
    }

    /// Weighted degree; a self-loop counts twice.
    fn degrees(&self) -> Vec<f64> {
        self.adj
            .iter()
            .zip(&self.self_loop)
            .map(|(a, s)| a.iter().map(|(_, w)| w).sum::<f64>() + 2.0 * s)
            .collect()
    }
}

/// Moves single nodes to the neighbouring community of best modularity gain until none moves,
/// starting from `start` (labels < n).
fn local_moving(g: &WGraph, resolution: f64, start: Vec<u32>) -> (Vec<u32>, bool) {
    let n = g.n();
    let deg = g.degrees();
    let m2: f64 = deg.iter().sum();
    let mut comm = start;
    if m2 <= 0.0 {
        return (comm, false);
    }
    let mut tot = vec![0.0f64; n];
    for (i, c) in comm.iter().enumerate() {
        tot[*c as usize] += deg[i];
    }
    let mut w_to = vec![0.0f64; n];
    let mut seen = vec![false; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut moved_any = false;
    for _pass in 0..100 {
        let mut moves = 0usize;
        for i in 0..n {
            let ci = comm[i];
            for &(j, w) in &g.adj[i] {
                let c = comm[j as usize];
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    touched.push(c);
                }
                w_to[c as usize] += w;
            }
            tot[ci as usize] -= deg[i];
            let gain = |c: u32| w_to[c as usize] - resolution * deg[i] * tot[c as usize] / m2;
            let mut best = ci;
            let mut best_gain = gain(ci);
            for &c in &touched {
                let g_c = gain(c);
                if g_c > best_gain + 1e-12 {
                    best = c;
                    best_gain = g_c;
                }
            }
            tot[best as usize] += deg[i];
            if best != ci {
                comm[i] = best;
                moves += 1;
            }
            for &c in &touched {
                w_to[c as usize] = 0.0;
                seen[c as usize] = false;
            }
            touched.clear();
        }
        if moves == 0 {
            break;
        }
        moved_any = true;
    }
    (comm, moved_any)
}

/// Splits every community into its connected parts; labels dense, in first-node order.
fn split_connected(g: &WGraph, comm: &[u32]) -> Vec<u32> {
    let n = g.n();
    let mut label = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut stack = Vec::new();
    for s in 0..n {
        if label[s] != u32::MAX {
            continue;
        }
        label[s] = next;
        stack.push(s);
        while let Some(u) = stack.pop() {
            for &(v, _) in &g.adj[u] {
                let v = v as usize;
                if label[v] == u32::MAX && comm[v] == comm[u] {
                    label[v] = next;
                    stack.push(v);
                }
            }
        }
        next += 1;
    }
    label
}

/// One node per community; edge weights summed, inner weight kept as self-loops.
fn aggregate(g: &WGraph, comm: &[u32], k: usize) -> WGraph {
    let mut maps: Vec<std::collections::HashMap<u32, f64>> = vec![Default::default(); k];
    let mut self_loop = vec![0.0; k];
    for (u, adj) in g.adj.iter().enumerate() {
        let cu = comm[u];
        self_loop[cu as usize] += g.self_loop[u];
        for &(v, w) in adj {
            let cv = comm[v as usize];
            if cu == cv {
                // Each inner edge is seen from both ends: half each time.
                self_loop[cu as usize] += w / 2.0;
            } else {
                *maps[cu as usize].entry(cv).or_insert(0.0) += w;
            }
        }
    }
    let adj = maps
        .into_iter()
        .map(|m| {
            let mut v: Vec<(u32, f64)> = m.into_iter().collect();
            v.sort_unstable_by_key(|&(c, _)| c);
            v
        })
        .collect();
    WGraph { adj, self_loop }
}

/// Community of every node (labels dense, in first-node order).
pub fn communities(n: usize, edges: &[(u32, u32, f64)], resolution: f64) -> Vec<u32> {
    let original = WGraph::from_edges(n, edges);
    let mut g = original.clone();
    let mut node_comm: Vec<u32> = (0..n as u32).collect();
    for _level in 0..32 {
        let (comm, moved) = local_moving(&g, resolution, (0..g.n() as u32).collect());
        if !moved {
            break;
        }
        let comm = split_connected(&g, &comm);
        let k = comm.iter().max().map_or(0, |m| *m as usize + 1);
        for c in node_comm.iter_mut() {
            *c = comm[*c as usize];
        }
        if k == g.n() {
            break;
        }
        g = aggregate(&g, &comm, k);
    }
    // A node merged early into a super-node cannot leave it at later levels: one last pass of
    // single-node moves on the original graph lets it go back where most of its links are.
    let (refined, _) = local_moving(&original, resolution, node_comm);
    relabel(&split_connected(&original, &refined))
}

/// Labels renumbered 0.. in order of first appearance.
pub fn relabel(labels: &[u32]) -> Vec<u32> {
    let mut map = std::collections::HashMap::new();
    labels
        .iter()
        .map(|l| {
            let next = map.len() as u32;
            *map.entry(*l).or_insert(next)
        })
        .collect()
}

/// Newman's modularity of a partition (with resolution), as networkx computes it.
pub fn modularity(n: usize, edges: &[(u32, u32, f64)], labels: &[u32], resolution: f64) -> f64 {
    let g = WGraph::from_edges(n, edges);
    let deg = g.degrees();
    let m2: f64 = deg.iter().sum();
    if m2 <= 0.0 {
        return 0.0;
    }
    let k = labels.iter().max().map_or(0, |m| *m as usize + 1);
    let mut inner = vec![0.0; k];
    let mut tot = vec![0.0; k];
    for u in 0..n {
        let c = labels[u] as usize;
        tot[c] += deg[u];
        inner[c] += 2.0 * g.self_loop[u];
        for &(v, w) in &g.adj[u] {
            if labels[v as usize] as usize == c {
                inner[c] += w;
            }
        }
    }
    (0..k)
        .map(|c| inner[c] / m2 - resolution * (tot[c] / m2).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn clique(nodes: std::ops::Range<u32>, out: &mut Vec<(u32, u32, f64)>) {
        for a in nodes.clone() {
            for b in nodes.clone() {
                if a < b {
                    out.push((a, b, 1.0));
                }
            }
        }
    }

    #[test]
    fn two_cliques_joined_by_one_edge_are_two_communities() {
        let mut edges = Vec::new();
        clique(0..6, &mut edges);
        clique(6..12, &mut edges);
        edges.push((5, 6, 1.0));
        let labels = communities(12, &edges, 1.0);
        assert_eq!(labels, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
        // Known value: 2 * (15/31 - (31/62)^2) = 0.4677...
        let q = modularity(12, &edges, &labels, 1.0);
        assert!((q - (2.0 * (15.0 / 31.0 - 0.25))).abs() < 1e-9, "{q}");
    }

    #[test]
    fn ring_of_cliques_finds_every_clique() {
        let mut edges = Vec::new();
        for c in 0..8u32 {
            clique(c * 5..c * 5 + 5, &mut edges);
            edges.push((c * 5 + 4, ((c + 1) % 8) * 5, 1.0));
        }
        let labels = communities(40, &edges, 1.0);
        for c in 0..8usize {
            let l = labels[c * 5];
            assert!(labels[c * 5..c * 5 + 5].iter().all(|x| *x == l));
            assert_ne!(labels[c * 5], labels[((c + 1) % 8) * 5]);
        }
    }

    #[test]
    fn communities_are_connected_and_edgeless_nodes_stay_alone() {
        let edges = vec![(0, 1, 1.0), (2, 3, 1.0)];
        let labels = communities(5, &edges, 1.0);
        assert_eq!(labels[0], labels[1]);
        assert_eq!(labels[2], labels[3]);
        assert_ne!(labels[0], labels[2]);
        assert_ne!(labels[4], labels[0]);
        assert_ne!(labels[4], labels[2]);
    }

    /// Modularity as good as networkx's Louvain on Zachary's karate club (edges from networkx
    /// itself, through the test venv: never skipped).
    #[test]
    fn modularity_matches_networkx_louvain_on_karate_club() {
        let python = crate::test_python::python();
        let script = "import networkx as nx\n\
            g = nx.karate_club_graph()\n\
            best = max(nx.community.modularity(g, nx.community.louvain_communities(g, weight=None, seed=s), weight=None) for s in range(5))\n\
            print(best)\n\
            for a, b in g.edges():\n    print(a, b)\n";
        let out = std::process::Command::new(&python)
            .args(["-c", script])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let nx_q: f64 = lines.next().unwrap().trim().parse().unwrap();
        let edges: Vec<(u32, u32, f64)> = lines
            .map(|l| {
                let mut p = l.split_whitespace().map(|x| x.parse::<u32>().unwrap());
                (p.next().unwrap(), p.next().unwrap(), 1.0)
            })
            .collect();
        assert_eq!(edges.len(), 78);
        let labels = communities(34, &edges, 1.0);
        let q = modularity(34, &edges, &labels, 1.0);
        assert!(q >= nx_q - 0.01, "ours {q} vs networkx {nx_q}");
        assert!(q > 0.40, "{q}");
    }
}
