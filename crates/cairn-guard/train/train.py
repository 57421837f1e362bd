#!/usr/bin/env python3
"""Trains the cairn-guard message model: logistic regression over hashed features.

Reproducible: fixed seed, deterministic full-batch Adam, data from generate.py (fixed seeds).
Features come from the Rust crate itself (examples/featurize.rs), so training and inference
compute the same features by construction.

Usage (from the workspace root; needs numpy):
    crates/cairn-guard/train/train.sh
which runs generate.py, featurize, then:
    python3 train.py FEAT_DIR OUT_DIR

Writes OUT_DIR/model.bin (see src/model.rs for the layout) and OUT_DIR/model.json (provenance and
dev-split figures). The test split is never read here.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

BITS = 16
FEATURE_VERSION = 2
SEED = 20261123
ITERS = 400
L2 = 1e-5
LR = 0.05


def load(path):
    labels, rows, idx, val = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for r, line in enumerate(f):
            label, _, feats = line.rstrip("\n").partition("\t")
            labels.append(int(label))
            for item in feats.split(" ") if feats else []:
                i, v = item.split(":")
                rows.append(r)
                idx.append(int(i))
                val.append(float(v))
    return (np.array(labels, dtype=np.float64), np.array(rows, dtype=np.int64),
            np.array(idx, dtype=np.int64), np.array(val, dtype=np.float64))


def scores(w, b, data):
    y, rows, idx, val = data
    return b + np.bincount(rows, weights=w[idx] * val, minlength=len(y))


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main():
    feat_dir, out_dir = sys.argv[1], sys.argv[2]
    np.random.seed(SEED)
    train = load(os.path.join(feat_dir, "train.feat"))
    dev = load(os.path.join(feat_dir, "dev.feat"))
    y, rows, idx, val = train
    n, dim = len(y), 1 << BITS
    # Balanced class weights: risky lines are a minority.
    pos_w = 0.5 * n / max(y.sum(), 1)
    neg_w = 0.5 * n / max(n - y.sum(), 1)
    sw = np.where(y == 1, pos_w, neg_w)
    w, b = np.zeros(dim), 0.0
    m, v, mb, vb = np.zeros(dim), np.zeros(dim), 0.0, 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, ITERS + 1):
        z = scores(w, b, train)
        p = 1.0 / (1.0 + np.exp(-z))
        g = sw * (p - y) / n
        gw = np.bincount(idx, weights=g[rows] * val, minlength=dim) + L2 * w
        gb = g.sum()
        m = beta1 * m + (1 - beta1) * gw
        v = beta2 * v + (1 - beta2) * gw * gw
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        w -= LR * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        b -= LR * (mb / (1 - beta1 ** t)) / (np.sqrt(vb / (1 - beta2 ** t)) + eps)
    scale = float(np.abs(w).max() / 127.0) or 1.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    wq = q.astype(np.float64) * scale
    s_dev = scores(wq, b, dev)
    p_dev = 1.0 / (1.0 + np.exp(-s_dev))
    acc = float(((p_dev >= 0.5) == (dev[0] == 1)).mean())
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.bin"), "wb") as f:
        f.write(b"CGM1" + struct.pack("<IIff", FEATURE_VERSION, BITS, scale, b) + q.tobytes())
    digest = hashlib.sha256(open(os.path.join(feat_dir, "train.feat"), "rb").read()).hexdigest()
    meta = {
        "id": "guard-model", "feature_version": FEATURE_VERSION, "hash_bits": BITS, "seed": SEED,
        "iterations": ITERS, "l2": L2, "learning_rate": LR, "quantisation": "int8, one scale",
        "training_data": "synthetic, crates/cairn-guard/train/generate.py split train (no PAN12, no real chats)",
        "train_messages": int(n), "train_positive": int(y.sum()), "train_features_sha256": digest,
        "dev_messages": int(len(dev[0])), "dev_message_auc": round(auc(dev[0], s_dev), 4),
        "dev_message_accuracy": round(acc, 4),
        "nonzero_weights": int((q != 0).sum()),
    }
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
