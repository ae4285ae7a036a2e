#!/usr/bin/env bash
# Thumbnail benchmark (SPEC T4): 200 photos of 12 MP through Hako's photo processing, side by
# side with libvips' vipsthumbnail making the same two sizes from the same files.
# Usage: scripts/bench-thumbnails.sh [COUNT] (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
command -v vipsthumbnail >/dev/null || {
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libvips-tools >/dev/null
}
work=$(mktemp -d "$PWD/target/bench-thumbs.XXXX")
trap 'rm -rf "$work"' EXIT
echo "making $count photos of 4000x3000 (12 MP)..."
ffmpeg -v error -f lavfi -i "testsrc2=size=4000x3000:rate=1" -frames:v "$count" -q:v 3 "$work/IMG_%04d.jpg"
cargo build --release -q -p hako-media --example bench_thumbnails

mkdir "$work/vips"
t0=$(date +%s.%N)
for f in "$work"/*.jpg; do
  vipsthumbnail "$f" -s 256 -o "$work/vips/%s.thumb.jpg[Q=78]"
  vipsthumbnail "$f" -s 1440 -o "$work/vips/%s.preview.jpg[Q=85]"
done
t1=$(date +%s.%N)
awk -v n="$count" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "vipsthumbnail (thumbnail + preview, one process per size): %d photos in %.2f s = %.2f photos/s\n", n, t1 - t0, n / (t1 - t0) }'
target/release/examples/bench_thumbnails "$work"
