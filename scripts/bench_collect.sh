#!/usr/bin/env bash
# Pages per second of `cairn collect` against `wget --recursive --warc-file` on the same local
# fictional site, and memory with a large frontier. Usage: scripts/bench_collect.sh [PAGES] [FRONTIER_URLS]
# Needs a release build: cargo build --release -p cairn-collect --example bench_collect
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-2000}
frontier=${2:-1000000}
target_dir=${CARGO_TARGET_DIR:-target}
bin="$target_dir/release/examples/bench_collect"
port=18$((RANDOM % 900 + 100))
tmp=$(mktemp -d)
"$bin" site "$pages" "$port" 2>/dev/null &
site_pid=$!
trap 'kill $site_pid 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5
url="http://127.0.0.1:$port/"
count() { python3 -c 'import gzip,sys; print(sum(gzip.open(f).read().count(b"WARC-Type: response\r\n") for f in sys.argv[1:]))' "$@"; }

echo "== wget --recursive --warc-file ($pages ad pages + images)"
start=$(date +%s.%N)
(cd "$tmp" && wget -q --recursive --level=inf --no-parent --warc-file=wget-site --directory-prefix=wget-files "$url" || true)
end=$(date +%s.%N)
n=$(count "$tmp"/wget-site.warc.gz)
python3 -c "print(f'wget: {$n} responses in {$end-$start:.2f} s = {$n/($end-$start):.0f} responses/s')"

for c in 1 4 8; do
  echo "== cairn collect, concurrency $c"
  /usr/bin/time -f 'max RSS %M KB' "$bin" crawl "$url" "$tmp/cairn-$c" "$c"
  n=$(count "$tmp"/cairn-$c/warc/*.warc.gz)
  echo "responses in WARC: $n"
done

echo "== frontier with $frontier URLs"
/usr/bin/time -f 'max RSS %M KB' "$bin" frontier "$frontier" "$tmp/frontier"
