# The engine's modules and what each may use: read by CMakeLists.txt (one library target per
# module, linking what it may use) and by scripts/module_boundaries.cmake (every #include).

# The module each public header belongs to.
set(header_module
  action_text.h=runbook actions.h=actions preflight.h=actions step_run.h=workflow step_wait.h=workflow
  clock.h=common diagnostic.h=common duration.h=common files.h=common sha256.h=common text.h=common runner.h=common
  scan.h=common limits.h=common safe_json.h=common signing.h=common subprocess.h=common
  environment.h=env
  event.h=journal event_kinds.h=journal journal.h=journal
  gate.h=runbook runbook.h=runbook
  gate_eval.h=probes probes.h=probes readings.h=probes
  incident.h=incident recorder.h=incident deadlines.h=incident
  measure.h=measure report.h=report)

# What each module may include besides itself: its library target (drc_MODULE, CMakeLists.txt)
# links exactly these, so the table is the one statement of the engine's layering. In
# dependency order; no cycles.
set(engine_modules common runbook env clients probes journal incident actions measure report workflow)
set(allowed_common "")
set(allowed_runbook common)
set(allowed_env common runbook)
set(allowed_journal common probes)
set(allowed_clients common env)  # env: ${NAME} references in connection settings
set(allowed_probes common runbook env clients)
set(allowed_incident common runbook env journal probes)
set(allowed_actions common runbook env journal incident probes clients)
set(allowed_measure common runbook env journal incident)
set(allowed_report common runbook env journal incident measure)
set(allowed_workflow common runbook env journal incident probes actions)
set(allowed_tui common runbook env journal incident probes actions measure report workflow)
set(allowed_lab common env clients)  # the lab (lab/): servers for the demo and the end-to-end test
set(allowed_cli ${allowed_tui} tui lab)

# Third-party headers and the modules they may appear in (each of these links that library
# privately).
set(lib_cmark-gfm.h runbook)
set(lib_cmark-gfm-core-extensions.h runbook)
set(lib_openssl/evp.h common actions)
set(lib_openssl/pem.h common)
set(lib_libpq-fe.h clients lab)
set(lib_curl/curl.h clients)
set(lib_librdkafka/rdkafka.h clients lab)
set(lib_librdkafka/rdkafka_mock.h lab)
set(lib_sqlite3.h journal)
set(lib_curses.h tui)
set(lib_ncurses.h tui)
