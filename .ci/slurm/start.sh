#!/usr/bin/env bash
# Start a real single-node SLURM cluster on this machine (no systemd): munged, slurmctld and
# slurmd from Debian's packages, with a slurm.conf written for this host. Installs the packages
# with apt when they are missing. Writes the pids it started to $STATE/pids (default
# /tmp/vinsar-slurm), which stop.sh reads: only those daemons are ever stopped.
# Prints "slurm ready" once sinfo shows the node idle; exits non-zero otherwise.
set -euo pipefail
STATE=${VINSAR_SLURM_STATE:-/tmp/vinsar-slurm}
mkdir -p "$STATE"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurmctld slurmd slurm-client munge (apt)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge) >/dev/null
fi
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
conf_dir=/etc/slurm
mkdir -p "$conf_dir" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
cat > "$conf_dir/slurm.conf" <<CONF
# Written by vinsar's .ci/slurm/start.sh: a single-node cluster for tests.
ClusterName=vinsar-ci
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=${STATE}/slurmctld.pid
SlurmdPidFile=${STATE}/slurmd.pid
SlurmctldLogFile=${STATE}/slurmctld.log
SlurmdLogFile=${STATE}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=30
KillWait=5
InactiveLimit=0
SlurmctldTimeout=60
SlurmdTimeout=60
MaxArraySize=100001
NodeName=${host} CPUs=${cpus} RealMemory=${mem_mb} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
: > "$STATE/pids"
if ! pgrep -x munged >/dev/null; then
  # munged runs as its own user, which writes its pid file under /run/munge.
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/vinsar-munged.pid 2>"$STATE/munged.err" \
    || /usr/sbin/munged --force --pid-file=/run/munge/vinsar-munged.pid
  for _ in $(seq 50); do [ -s /run/munge/vinsar-munged.pid ] && break; sleep 0.1; done
  echo "munged $(cat /run/munge/vinsar-munged.pid)" >> "$STATE/pids"
fi
if ! pgrep -x slurmctld >/dev/null; then
  /usr/sbin/slurmctld -c -i
  for _ in $(seq 50); do [ -s "$STATE/slurmctld.pid" ] && break; sleep 0.1; done
  echo "slurmctld $(cat "$STATE/slurmctld.pid")" >> "$STATE/pids"
fi
if ! pgrep -x slurmd >/dev/null; then
  /usr/sbin/slurmd -c
  for _ in $(seq 50); do [ -s "$STATE/slurmd.pid" ] && break; sleep 0.1; done
  echo "slurmd $(cat "$STATE/slurmd.pid")" >> "$STATE/pids"
fi
for _ in $(seq 120); do
  if sinfo -h -N -o "%T" 2>/dev/null | grep -qE '^idle'; then echo "slurm ready"; exit 0; fi
  scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
  sleep 0.5
done
echo "slurm did not become idle:" >&2
sinfo -N -l >&2 || true
tail -n 20 "$STATE/slurmctld.log" "$STATE/slurmd.log" >&2 || true
exit 1
