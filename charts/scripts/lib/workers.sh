# shellcheck shell=bash
# workers.sh: at most N background workers at a time (pg-copy.sh's tables, mysql-copy.sh's load streams). Sourced,
# never executed. The caller starts each worker with `&` and appends `$!` to JOBS_ACTIVE; only those pids are
# waited for, not the script's other background processes (a snapshot session, a state reader, the sampler).

JOBS_ACTIVE=()

# job_slot_wait MAX: when MAX workers run, wait until one ends and drop it from JOBS_ACTIVE.
job_slot_wait() {
  local done_pid pid
  [ "${#JOBS_ACTIVE[@]}" -ge "$1" ] || return 0
  wait -n -p done_pid "${JOBS_ACTIVE[@]}" || true
  for pid in "${!JOBS_ACTIVE[@]}"; do
    if [ "${JOBS_ACTIVE[$pid]}" = "$done_pid" ]; then unset 'JOBS_ACTIVE[pid]'; fi
  done
}

# job_wait_all: wait for every worker (each reports its own failure in a file the caller reads).
job_wait_all() {
  local pid
  for pid in "${JOBS_ACTIVE[@]}"; do wait "$pid" || true; done
  JOBS_ACTIVE=()
}
