#!/usr/bin/env bash
# Regenerates the synthetic data and retrains data/model.bin + data/model.json, reproducibly.
# Run from anywhere; needs python3 with numpy (the workspace .venv has it) and cargo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
crate="$(dirname "$here")"
py="${CAIRN_PYTHON:-$crate/../../.venv/bin/python}"
work="${GUARD_TRAIN_DIR:-$(mktemp -d)}"
"$py" "$here/generate.py" "$work"
for split in train dev; do
  cargo run -q --release -p cairn-guard --no-default-features --example featurize -- 16 < "$work/$split.jsonl" > "$work/$split.feat"
done
"$py" "$here/train.py" "$work" "$crate/data"
echo "data in $work (test.jsonl is the held-out evaluation set)"
