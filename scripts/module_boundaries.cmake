# The engine's module boundaries, checked on every build (cmake -P, from CMakeLists.txt): each
# module may include the headers of the modules listed for it and no other; third-party client
# libraries only in engine/clients/, SQLite only in engine/journal/, curses only in
# tui/terminal.cpp. A wrong include fails the build with FILE:LINE: error: ….
#
# Usage: cmake -DSOURCE_DIR=… -DSTAMP=… -P scripts/module_boundaries.cmake

# The module each public header belongs to.
set(header_module
  actions.h=actions preflight.h=actions step_run.h=workflow
  clock.h=common diagnostic.h=common duration.h=common files.h=common sha256.h=common text.h=common runner.h=common
  environment.h=env
  event.h=journal event_kinds.h=journal journal.h=journal
  gate.h=runbook runbook.h=runbook
  gate_eval.h=probes probes.h=probes readings.h=probes
  incident.h=incident recorder.h=incident
  measure.h=measure report.h=report)

# What each module may include besides itself. (runbook and env use the action text parser
# that lives in actions; actions fills templates from incident state.)
set(allowed_common "")
set(allowed_runbook common actions)
set(allowed_env common runbook actions)
set(allowed_journal common probes)
set(allowed_clients common env)  # env: ${NAME} references in connection settings
set(allowed_probes common runbook env clients)
set(allowed_incident common runbook env journal probes)
set(allowed_actions common runbook env journal incident probes clients)
set(allowed_measure common runbook env journal incident)
set(allowed_report common runbook env journal incident measure)
set(allowed_workflow common runbook env journal incident probes actions)
set(allowed_tui common runbook env journal incident probes actions measure report workflow)
set(allowed_cli ${allowed_tui} tui)

# Third-party headers and where they may appear.
set(lib_libpq-fe.h clients)
set(lib_curl/curl.h clients)
set(lib_librdkafka/rdkafka.h clients)
set(lib_sqlite3.h journal)
set(lib_curses.h tui)
set(lib_ncurses.h tui)

function(module_of path out)
  if(path MATCHES "^include/drconsole/(.*)$")
    foreach(pair IN LISTS header_module)
      string(REPLACE "=" ";" kv "${pair}")
      list(GET kv 0 h)
      list(GET kv 1 m)
      if(h STREQUAL CMAKE_MATCH_1)
        set(${out} ${m} PARENT_SCOPE)
        return()
      endif()
    endforeach()
    set(${out} "?" PARENT_SCOPE)
  elseif(path MATCHES "^engine/([a-z]+)/")
    set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
  elseif(path MATCHES "^(tui|cli)/")
    set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
  endif()
endfunction()

file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}"
  "${SOURCE_DIR}/include/drconsole/*.h" "${SOURCE_DIR}/engine/*.h" "${SOURCE_DIR}/engine/*.cpp"
  "${SOURCE_DIR}/tui/*.h" "${SOURCE_DIR}/tui/*.cpp" "${SOURCE_DIR}/cli/*.h" "${SOURCE_DIR}/cli/*.cpp")
set(errors "")
foreach(f IN LISTS files)
  module_of("${f}" mod)
  if(mod STREQUAL "?")
    string(APPEND errors "${f}:1: error: a public header no module owns (add it to header_module in scripts/module_boundaries.cmake)\n")
    continue()
  endif()
  file(STRINGS "${SOURCE_DIR}/${f}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(NOT line MATCHES "^#include [<\"]([^>\"]+)[>\"]")
      continue()
    endif()
    set(inc "${CMAKE_MATCH_1}")
    set(target "")
    if(inc MATCHES "^drconsole/")
      module_of("include/${inc}" target)
    elseif(inc MATCHES "^(clients|probes|actions|journal|report|env|runbook|incident|common|measure|workflow)/")
      set(target ${CMAKE_MATCH_1})
    elseif(inc MATCHES "^(tui|cli)/")
      set(target ${CMAKE_MATCH_1})
    elseif(DEFINED lib_${inc})
      set(where ${lib_${inc}})
      if(NOT mod STREQUAL where AND NOT (where STREQUAL "tui" AND f STREQUAL "tui/terminal.cpp"))
        string(APPEND errors "${f}:${n}: error: <${inc}> belongs in ${where}/ only; ${mod} reaches it through that layer\n")
      elseif(where STREQUAL "tui" AND NOT f STREQUAL "tui/terminal.cpp")
        string(APPEND errors "${f}:${n}: error: curses belongs in tui/terminal.cpp only\n")
      endif()
      continue()
    else()
      continue()
    endif()
    if(target STREQUAL mod)
      continue()
    endif()
    list(FIND allowed_${mod} ${target} ok)
    if(ok EQUAL -1)
      string(APPEND errors "${f}:${n}: error: ${mod} may not include ${inc} (module ${target}); allowed: ${allowed_${mod}}\n")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "module boundaries (scripts/module_boundaries.cmake):\n${errors}")
endif()
file(WRITE "${STAMP}" "ok\n")
