#!/usr/bin/env bash
# Counts a generated library in 4 shards under GNU parallel, the way
# docs/scale-out.md runs it across ssh hosts (here --sshlogin ':' is this
# machine, so no ssh is needed), re-runs every shard with --resume after one
# part was cut mid-write (the finished ones do no work, the cut one counts
# only what it lacks), and checks that `merge` gives exactly one `count`.
#
# usage: parallel_test.sh EPUBTOK MAKE_SAMPLE_LIBRARY
set -euo pipefail
epubtok=$1 make_library=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v parallel >/dev/null || { echo "parallel_test: GNU parallel is missing: run scripts/install-deps" >&2; exit 1; }
tmp=$(mktemp -d /tmp/epubtok-parallel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

"$make_library" lib >/dev/null
"$make_library" --bench-library lib/shelf --books 16 --mb 3 --seed 9 >/dev/null
echo "not a zip" > lib/shelf/broken.epub

run_shards() {  # every shard, two at a time, as on two ssh hosts
  parallel --will-cite --sshlogin ':' --jobs 2 --halt now,fail=1 \
    "$epubtok" count -r lib -t o200k_base,claude -j 1 --shard {}/4 --jsonl part-{}.jsonl "$@" ::: 0 1 2 3
}
run_shards 2>/dev/null

# Shard 2 "pre-empted": its part cut inside its second book line (line 3), with no end
# line, as a kill -9 in the middle of a write leaves it. (tests/cli's
# scale_out_test kills real runs at several moments.)
line2_end=$(head -n 3 part-2.jsonl | wc -c)
line3_len=$(sed -n 3p part-2.jsonl | wc -c)
truncate -s $((line2_end - line3_len / 2)) part-2.jsonl
before=$(( $(wc -l < part-2.jsonl) - 1 ))  # complete lines, less the header
echo "parallel_test: shard 2 cut to $before complete book line(s) and a torn one"

# Every shard with --resume: the finished ones do no work, shard 2 resumes.
run_shards --resume 2> parallel.err
cat parallel.err
grep -q "books in part-2.jsonl ([0-9]* new)" parallel.err
after=$(grep -c '"type":"book"' part-2.jsonl)
new=$(sed -n 's/.* books in part-2.jsonl (\([0-9]*\) new).*/\1/p' parallel.err)
(( after == before + new )) || { echo "parallel_test: shard 2 had $before rows, resumed $new, holds $after" >&2; exit 1; }
for k in 0 1 2 3; do
  tail -n 1 "part-$k.jsonl" | grep -q '"type":"end"' || { echo "parallel_test: part-$k.jsonl has no end line" >&2; exit 1; }
done

"$epubtok" merge part-*.jsonl -o merged || [[ $? == 1 ]]  # 1: broken.epub failed
"$epubtok" count -r lib -t o200k_base,claude -o single 2>/dev/null || [[ $? == 1 ]]
node "$here/compare_results.mjs" single merged
echo "parallel_test: 4 shards under GNU parallel (one resumed after a torn write), merged = single count"
