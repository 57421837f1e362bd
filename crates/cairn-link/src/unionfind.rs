//! Disjoint sets with union by size and path halving: near-linear components.

#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; true when they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    pub fn set_size(&mut self, x: u32) -> usize {
        let r = self.find(x);
        self.size[r as usize] as usize
    }

    /// Component label of every element: 0.. in order of each component's first element.
    pub fn labels(&mut self) -> (Vec<u32>, usize) {
        let n = self.parent.len();
        let mut label_of_root = vec![u32::MAX; n];
        let mut labels = Vec::with_capacity(n);
        let mut next = 0u32;
        for i in 0..n as u32 {
            let r = self.find(i) as usize;
            if label_of_root[r] == u32::MAX {
                label_of_root[r] = next;
                next += 1;
            }
            labels.push(label_of_root[r]);
        }
        (labels, next as usize)
    }
}

/// Components of `n` nodes joined by `edges`: a label per node (0.. in first-node order).
pub fn components(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> (Vec<u32>, usize) {
    let mut uf = UnionFind::new(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    uf.labels()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    /// Reference: breadth-first search over an adjacency list, labels in first-node order.
    fn bfs_components(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let mut adj = vec![Vec::new(); n];
        for &(a, b) in edges {
            adj[a as usize].push(b as usize);
            adj[b as usize].push(a as usize);
        }
        let mut label = vec![u32::MAX; n];
        let mut next = 0;
        for s in 0..n {
            if label[s] != u32::MAX {
                continue;
            }
            label[s] = next;
            let mut q = VecDeque::from([s]);
            while let Some(u) = q.pop_front() {
                for &v in &adj[u] {
                    if label[v] == u32::MAX {
                        label[v] = next;
                        q.push_back(v);
                    }
                }
            }
            next += 1;
        }
        label
    }

    proptest! {
        #[test]
        fn same_partition_as_breadth_first_search(
            n in 1usize..200,
            raw in proptest::collection::vec((0u32..1000, 0u32..1000), 0..400),
        ) {
            let edges: Vec<(u32, u32)> = raw.into_iter().map(|(a, b)| (a % n as u32, b % n as u32)).collect();
            let (labels, count) = components(n, edges.iter().copied());
            let reference = bfs_components(n, &edges);
            prop_assert_eq!(&labels, &reference);
            prop_assert_eq!(count as u32, reference.iter().max().map_or(0, |m| m + 1));
        }
    }

    #[test]
    fn sizes_follow_unions() {
        let mut uf = UnionFind::new(5);
        assert!(uf.union(0, 1));
        assert!(uf.union(3, 1));
        assert!(!uf.union(0, 3));
        assert_eq!(uf.set_size(3), 3);
        assert_eq!(uf.set_size(4), 1);
    }
}
