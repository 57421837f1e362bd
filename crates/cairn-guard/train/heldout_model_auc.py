#!/usr/bin/env python3
"""Message-level figures of the embedded model on the held-out split (never used in training).

Usage: python3 heldout_model_auc.py TEST.feat MODEL.bin
TEST.feat comes from `cargo run -p cairn-guard --no-default-features --example featurize -- 16
< test.jsonl` (test.jsonl from generate.py).
"""
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402

feat, model = sys.argv[1], sys.argv[2]
b = open(model, "rb").read()
_version, _bits, scale, bias = struct.unpack("<IIff", b[4:20])
w = np.frombuffer(b[20:], dtype=np.int8).astype(np.float64) * scale
data = train.load(feat)
s = train.scores(w, bias, data)
y = data[0]
print(f"messages {len(y)} risky {int(y.sum())} auc {train.auc(y, s):.4f} "
      f"accuracy@0.5 {float(((s >= 0) == (y == 1)).mean()):.4f}")
