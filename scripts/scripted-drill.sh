#!/usr/bin/env bash
# A drill on paper: validate the shipped runbooks, start a drill in a fresh journal, walk it
# step by step from the command line as its roles would, on a scripted clock (the first
# Saturday of the quarter, 2 AM), with no live systems, resolve it, verify the chain, and write
# its report and evidence bundle. (`make demo` runs the drill on live systems: drconsole demo.)
# Usage: scripts/scripted-drill.sh [BINARY] [OUTDIR]. The same timeline gives the same report bytes:
# tests/report/golden/ holds them.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/drconsole}
out=${2:-scripted-drill-out}
rm -rf "$out" && mkdir -p "$out"
db="$out/journal.db"
env=data/lab.env.jsonc
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

# at HH:MM:SS: the time the next commands are recorded at (drill day 2026-01-03, UTC).
now=01:50:00
at() { now=$1; }
clock() { echo "--clock=fake:2026-01-03T${now}Z+0"; }

say "Validate the shipped runbooks against the lab environment"
"$bin" validate --env "$env" checklists/*.md

say "Start the quarterly drill in a fresh journal ($db)"
id=$("$bin" start --db "$db" --runbook checklists/quarterly-drill.md --env "$env" --mode drill \
  --roster ic=maria,db=dmitri,messaging=sofia,app=kwame,observability=lena,comms=olu,scribe=jun --as ic:maria "$(clock)")
echo "incident id: $id"
declare -A person=([ic]=maria [db]=dmitri [messaging]=sofia [app]=kwame [observability]=lena [comms]=olu [scribe]=jun)
dr() { "$bin" "$1" --db "$db" --incident "$id" "$(clock)" "${@:2}" >/dev/null; }
# step ROLE ID VERB [ARGS…]: the step's owner records it, as each person would from their own shell.
step() { dr step "$2" "$3" --as "$1:${person[$1]}" "${@:4}"; }
# walk ROLE STEP START END: the step started at START and was done at END.
walk() { at "$3"; step "$1" "$2" start; at "$4"; step "$1" "$2" done; }

say "Pre-drill"
walk comms notify-stakeholders 01:50:30 01:51:00
walk ic change-window 01:51:10 01:51:20
walk db extra-backup 01:52:00 01:57:40
# The lab is not running, so this gate is unknown: the IC goes ahead with a recorded reason.
at 01:58:00; step db standby-caught-up start
at 01:59:10; dr step standby-caught-up done --override "replica lag checked on the dashboard: 0.4 s" --as ic:maria

say "T+0:00 simulate the primary region failure"
at 02:00:00; step ic stop-pg-primary start
at 02:00:05; dr fault "pg_ctlcluster 15 main stop --mode=immediate on the primary" --as ic:maria
at 02:00:20; step ic stop-pg-primary done
walk messaging stop-kafka-primary 02:00:30 02:01:10
at 02:02:00; step app block-object-storage skip --reason "no object storage in the lab"

say "T+0:05 fail over"
walk db pg-promote 02:05:00 02:07:12
at 02:07:30; dr note "pg_promote returned after 0.4 s; the replica took writes at once" --step pg-promote --as db:dmitri
walk messaging start-secondary-producers 02:08:00 02:09:40
walk app dns-cutover 02:09:50 02:10:30
at 02:10:40; dr comms "status page: failed over to the secondary region" --as comms:olu

say "T+0:15 verify, T+0:30 measure"
at 02:11:00; step observability services-healthy start
at 02:11:30; dr step services-healthy done --override "health checks green in the secondary region (manual check)" --as ic:maria
walk db sample-queries 02:11:40 02:12:10
walk db integrity-counts 02:12:20 02:13:00
walk app test-ingestion 02:13:10 02:13:50
walk scribe measure-rpo 02:30:00 02:33:00
walk scribe measure-rto 02:33:10 02:35:00
at 02:45:00; dr comms "status page: running in the secondary region; failback at 03:00" --as comms:olu
walk ic document-deviations 02:46:00 02:55:00

say "T+1:00 fail back, then the post-drill tasks"
at 03:00:00; step db sync-back start
at 03:15:00; dr comms "status page: failback in progress" --as comms:olu
at 03:25:00; step db sync-back done
walk db promote-primary 03:26:00 03:28:30
walk app dns-failback 03:30:00 03:31:00
walk messaging scale-down-secondary 03:31:30 03:32:00
# The cleanup (always): the drill's deny ACL comes off before the drill can be resolved.
walk app restore-object-storage 03:32:10 03:33:00
walk observability verify-normal 03:35:00 03:40:00
at 03:41:00; dr handover scribe ana --as ic:maria
person[scribe]=ana
at 03:45:00; dr comms "status page: back in the primary region" --as comms:olu
at 03:46:00; step scribe write-report start
at 04:15:00; dr comms "drill complete; report to follow" --as comms:olu
at 04:20:00; step scribe write-report done
at 04:22:00; dr note "Kafka producers took 1m40s to start in the secondary region: pre-scale them before the drill" \
  --action-item --owner sofia --as ic:maria
walk ic update-runbooks 04:25:00 04:30:00
# Completing it records the tickets' ids (requires="tickets").
at 04:31:00; step ic open-tickets start
at 04:35:00; step ic open-tickets done --set "tickets=DR-101, DR-102"
walk ic present-results 04:36:00 04:40:00
at 04:41:00; dr resolve "drill complete: failed over and back" --as ic:maria

say "Status"
"$bin" status --db "$db" --incident "$id"

say "Verify the journal's hash chain"
"$bin" verify --db "$db"

say "The drill report (Markdown; HTML, JSON and CSV beside it in $out/)"
for format in md html json csv; do "$bin" report --db "$db" --incident "$id" --format "$format" -o "$out/report.$format" 2>/dev/null; done
cat "$out/report.md"

say "The evidence bundle, checked"
"$bin" export --db "$db" --incident "$id" --out "$out/evidence"
"$bin" verify --bundle "$out/evidence"

say "About the RPO"
echo "This drill was walked on a scripted clock, with no live systems, so no readings"
echo "were recorded and the report says why instead of inventing a figure. On live systems, the"
echo "console (drconsole open) records what it reads, sealed in the chain, and the report measures"
echo "the RPO from it: make demo shows it on the lab; see docs/probes.md#recording and docs/reports.md#rpo."
