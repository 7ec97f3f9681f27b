#!/bin/sh
# Runs after every lab test (CTest fixture cleanup): no lab daemon, no lab PostgreSQL, no lab data left.
left=$(pgrep -af 'drconsole-lab-pg-|drconsole lab up|drconsole demo' | grep -v -e pgrep -e no_leftovers)
dirs=$(ls -d "${TMPDIR:-/tmp}"/drconsole-lab-pg-* 2>/dev/null)
if [ -n "$left$dirs" ]; then
  echo "left behind by the lab tests:"
  [ -n "$left" ] && echo "$left"
  [ -n "$dirs" ] && echo "$dirs"
  exit 1
fi
echo "no lab daemon, lab PostgreSQL or lab data left"
