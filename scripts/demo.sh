#!/usr/bin/env bash
# The headless demo: validate the shipped runbooks, start a drill in a fresh journal,
# walk it step by step as its roles would, resolve it, and show its status and chain.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/drconsole}
out=demo-out
rm -rf "$out" && mkdir -p "$out"
db="$out/journal.db"
env=data/lab.env.jsonc
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "Validate the shipped runbooks against the lab environment"
"$bin" validate --env "$env" checklists/*.md

say "Start the quarterly drill in a fresh journal ($db)"
id=$("$bin" start --db "$db" --runbook checklists/quarterly-drill.md --env "$env" --mode drill \
  --roster ic=maria,db=dmitri,messaging=sofia,app=kwame,observability=lena,comms=olu,scribe=jun --as ic:maria)
echo "incident id: $id"
declare -A person=([ic]=maria [db]=dmitri [messaging]=sofia [app]=kwame [observability]=lena [comms]=olu [scribe]=jun)
dr() { "$bin" "$1" --db "$db" --incident "$id" "${@:2}" >/dev/null; }
# step ROLE ID VERB [ARGS…]: the step's owner records it, as each person would from their own shell.
step() { dr step "$2" "$3" --as "$1:${person[$1]}" "${@:4}"; }
walk() { local role=$1; shift; for s in "$@"; do step "$role" "$s" start; step "$role" "$s" done; done; }

say "Pre-drill"
walk comms notify-stakeholders
walk ic change-window
walk db extra-backup
# The lab is not running, so this gate is unknown: the IC goes ahead with a recorded reason.
step db standby-caught-up start
dr step standby-caught-up done --override "replica lag checked on the dashboard: 0.4 s" --as ic:maria

say "T+0:00 simulate the primary region failure"
step ic stop-pg-primary start
dr fault "pg_ctlcluster 15 main stop --mode=immediate on the primary" --as ic:maria
step ic stop-pg-primary done
walk messaging stop-kafka-primary
step app block-object-storage skip --reason "no object storage in the lab"

say "T+0:05 fail over"
walk db pg-promote
dr note "pg_promote returned after 0.4 s" --step pg-promote --as db:dmitri
walk messaging start-secondary-producers
walk app dns-cutover
dr comms "status page: failed over to the secondary region" --as comms:olu

say "T+0:15 verify, T+0:30 measure"
step observability services-healthy start
dr step services-healthy done --override "health checks green in the secondary region (manual check)" --as ic:maria
walk db sample-queries integrity-counts
walk app test-ingestion
walk scribe measure-rpo measure-rto
walk ic document-deviations

say "T+1:00 fail back, then the post-drill tasks"
walk db sync-back promote-primary
walk app dns-failback
walk messaging scale-down-secondary
walk observability verify-normal
dr handover scribe ana --as ic:maria
person[scribe]=ana
walk scribe write-report
walk ic update-runbooks open-tickets present-results
dr resolve "drill complete: failed over and back" --as ic:maria

say "Status"
"$bin" status --db "$db" --incident "$id"

say "Verify the journal's hash chain"
"$bin" verify --db "$db"
