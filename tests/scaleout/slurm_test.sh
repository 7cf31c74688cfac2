#!/usr/bin/env bash
# Counts a generated library as a 4-task Slurm array job on a real
# single-node Slurm cluster that this script starts (munged, slurmctld and
# slurmd from Debian's packages, as root, in a temporary directory, on ports
# and a munge socket of its own; no systemd), merges the parts and checks
# that they give exactly what one `epubtok count` of the library gives.
# Every daemon it started is stopped by PID on exit.
#
# usage: slurm_test.sh EPUBTOK MAKE_SAMPLE_LIBRARY
set -euo pipefail
epubtok=$1 make_library=$2
here=$(cd "$(dirname "$0")" && pwd)
if [[ $(id -u) != 0 ]]; then
  echo "slurm_test: slurmd must run as root here (CI and the dev machines do)" >&2
  exit 1
fi
for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm_test: $tool is missing: run scripts/install-deps" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/epubtok-slurm.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((status != 0)); then
    for log in "$tmp"/*.log "$tmp"/munge/*.log; do
      [[ -f $log ]] && { echo "---- $log"; tail -n 30 "$log"; }
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# munged with its own key and socket.
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/parts" "$tmp/lib"
chmod 700 "$tmp/munge"
head -c 1024 /dev/urandom > "$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.sock" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" \
  2>>"$tmp/munged.stderr.log" &
pids+=($!)

host=$(hostname -s)
cat > "$tmp/slurm.conf" <<CONF
ClusterName=epubtoktest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=epubtok Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf

for _ in $(seq 50); do [[ -S $tmp/munge/munge.sock ]] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" 2>>"$tmp/slurmctld.stderr.log" &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" 2>>"$tmp/slurmd.stderr.log" &
pids+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [[ $state == idle* ]] && break
  sleep 0.5
done
[[ $state == idle* ]] || { echo "slurm_test: the node did not come up (state '$state')" >&2; exit 1; }
echo "slurm_test: cluster up on $host (node $state)"

# A generated library: the sample books, a shelf of novels and a broken file.
"$make_library" "$tmp/lib" >/dev/null
"$make_library" --bench-library "$tmp/lib/shelf" --books 16 --mb 3 --seed 9 >/dev/null
echo "not a zip" > "$tmp/lib/shelf/broken.epub"

cat > "$tmp/count.sbatch" <<JOB
#!/bin/bash
#SBATCH --job-name=epubtok-count
#SBATCH --cpus-per-task=1
exec "$epubtok" count -r "$tmp/lib" -t o200k_base,claude --shard slurm --jsonl "$tmp/parts/part-\${SLURM_ARRAY_TASK_ID}.jsonl"
JOB
sbatch --wait --array=0-3 --chdir="$tmp" --output="$tmp/task-%a.log" "$tmp/count.sbatch"
ls "$tmp/parts"

"$epubtok" merge "$tmp"/parts/part-*.jsonl -o "$tmp/merged" || [[ $? == 1 ]]  # 1: broken.epub failed
"$epubtok" count -r "$tmp/lib" -t o200k_base,claude -o "$tmp/single" 2>/dev/null || [[ $? == 1 ]]
node "$here/compare_results.mjs" "$tmp/single" "$tmp/merged"
books=$(grep -c '"type":"book"' "$tmp"/parts/part-*.jsonl | awk -F: '{n += $2} END {print n}')
[[ $books == 24 ]] || { echo "slurm_test: expected 24 book lines, found $books" >&2; exit 1; }
echo "slurm_test: 4 array tasks, $books books, merged = single count"
