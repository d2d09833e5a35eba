#!/usr/bin/env bash
# Starts a private one-node SLURM cluster (munged + slurmctld + slurmd) with all of its state in DIR.
# Usage: scripts/slurm/start.sh DIR [CTLD_PORT] [SLURMD_PORT]
# Prints the line `SLURM_CONF=DIR/slurm.conf`; point every client (sbatch, squeue, ...) at it.
# Needs root (slurmd runs jobs as their owner) and Debian's slurm-wlm + munge (scripts/bootstrap.sh).
set -euo pipefail

dir="${1:?usage: start.sh DIR [CTLD_PORT] [SLURMD_PORT]}"
ctld_port="${2:-6817}"
slurmd_port="${3:-6818}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

for tool in munged mungekey slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "start.sh: $tool is missing; run scripts/bootstrap.sh" >&2; exit 3; }
done
[ "$(id -u)" -eq 0 ] || { echo "start.sh: a private cluster needs root (slurmd runs jobs as their owner)" >&2; exit 3; }

# munged refuses a socket below a folder others cannot enter ("Socket is inaccessible").
parent="$dir"
while [ "$parent" != "/" ]; do
  parent="$(dirname "$parent")"
  [ "$(( 0$(stat -c '%a' "$parent") & 01 ))" -ne 0 ] || { echo "start.sh: $parent must be world-searchable (chmod o+x) for munge" >&2; exit 3; }
done

host="$(hostname -s)"
cpus="$(nproc)"
memory_mb="$(free -m | awk '/^Mem:/ {print $2}')"

# munge: its socket folder must be 755, or clients see "Socket is inaccessible".
mkdir -p "$dir/munge" "$dir/spool/ctld" "$dir/spool/d" "$dir/log"
chmod 755 "$dir" "$dir/munge"
[ -f "$dir/munge/munge.key" ] || mungekey -c -k "$dir/munge/munge.key" >/dev/null 2>&1
chmod 600 "$dir/munge/munge.key"
munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"

cat >"$dir/slurm.conf" <<CONF
ClusterName=hearth
SlurmUser=root
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
AuthType=auth/munge
AuthInfo=socket=${dir}/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=${dir}/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
MinJobAge=300
ReturnToService=2
StateSaveLocation=${dir}/spool/ctld
SlurmdSpoolDir=${dir}/spool/d
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=hearth Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# The node reports idle within a fraction of a second; wait up to 20 s.
for _ in $(seq 1 100); do
  state="$(sinfo -h -N -o '%t' 2>/dev/null | head -n1 || true)"
  if [ "$state" = "idle" ] || [ "$state" = "mix" ] || [ "$state" = "alloc" ]; then
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
echo "start.sh: the node did not become idle; see $dir/log/" >&2
exit 4
