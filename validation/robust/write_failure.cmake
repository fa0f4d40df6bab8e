# Write failures of `iondrift run` (cmake -P script; test `robust.write_failure`).
#   -DIONDRIFT=... -DFSIZE_RUN=... -DDECK=... -DOUTDIR=...
# 1. A full disk, injected as a file-size limit (fsize_run: write(2) fails
#    with EFBIG past the limit, as with ENOSPC on a full disk), once while the
#    CSV is written and once while the HDF5 file is written: exit 1, the
#    message names the temporary and the system's reason, no file under the
#    final names, no temporary left. (HDF5 1.10 crashed at exit after a
#    failed flush before the result file was built in memory.)
# 2. A publication that cannot complete (the CSV's final name is a non-empty
#    directory): exit 1 (or 2 when `run` checks its outputs first), and the
#    previous result file is still there, byte for byte; no temporary left.
#    (The publication itself, all or none with the older files put back, is
#    tested in tests/test_io.c.)
function(run_iondrift rc_var err_var)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("command: ${ARGN}\nexit status: ${rc}\nstderr:\n${err}")
  set(${rc_var} "${rc}" PARENT_SCOPE)
  set(${err_var} "${err}" PARENT_SCOPE)
endfunction()

function(expect_no_temporaries dir)
  file(GLOB left "${dir}/*.tmp.*")
  if(left)
    message(FATAL_ERROR "temporaries left behind: ${left}")
  endif()
endfunction()

set(short --set mesh.nodes=120 --set "protocol.segments[0].duration_s=0.01"
          --set "protocol.segments[1].duration_s=0.01" --set "protocol.profile_times_s=[0, 0.02]")

# ---- 1. full disk ---------------------------------------------------------
# limits: 2 kB stops the CSV (~9 kB), 40 kB the HDF5 file (~200 kB)
foreach(limit 2000 40000)
  set(dir "${OUTDIR}/full_${limit}")
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  run_iondrift(rc err ${FSIZE_RUN} ${limit} ${IONDRIFT} run ${DECK} -q -o ${dir}/r.h5 ${short})
  if(NOT rc STREQUAL "1")
    message(FATAL_ERROR "limit ${limit} B: exit status ${rc}, expected 1")
  endif()
  if(NOT err MATCHES "iondrift: error: [^\n]*cannot write temporary '[^']*\\.tmp\\.[^']*': File too large")
    message(FATAL_ERROR "limit ${limit} B: stderr does not name the write failure")
  endif()
  file(GLOB left "${dir}/*")
  if(left)
    message(FATAL_ERROR "limit ${limit} B: files left in the output directory: ${left}")
  endif()
endforeach()

# ---- 2. a failed publication keeps the previous result ----------------------
set(dir "${OUTDIR}/publish")
file(REMOVE_RECURSE "${dir}")
file(MAKE_DIRECTORY "${dir}")
run_iondrift(rc err ${IONDRIFT} run ${DECK} -q -o ${dir}/r.h5 ${short})
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "first run: exit status ${rc}, expected 0")
endif()
file(SHA256 "${dir}/r.h5" before)
file(REMOVE "${dir}/r_J.csv")
file(MAKE_DIRECTORY "${dir}/r_J.csv")
file(WRITE "${dir}/r_J.csv/keep" "a directory in the way\n")
run_iondrift(rc err ${IONDRIFT} run ${DECK} -q -o ${dir}/r.h5 ${short}
             --set "protocol.segments[0].V_V=0.5")
# exit 2 when `run` sees the directory before it starts (its output check),
# exit 1 when the publication meets it (idr_io_publish_all); either way the
# previous result stays
if(NOT rc STREQUAL "1" AND NOT rc STREQUAL "2")
  message(FATAL_ERROR "second run: exit status ${rc}, expected 1 or 2")
endif()
if(NOT err MATCHES "iondrift: error: [^\n]*r_J\\.csv: [^\n]*is a directory")
  message(FATAL_ERROR "second run: stderr does not name the directory in the way")
endif()
if(NOT EXISTS "${dir}/r.h5")
  message(FATAL_ERROR "second run: the previous r.h5 was deleted")
endif()
file(SHA256 "${dir}/r.h5" after)
if(NOT before STREQUAL after)
  message(FATAL_ERROR "second run: the previous r.h5 was changed")
endif()
expect_no_temporaries("${dir}")
message("write failures: exit 1, clear messages, nothing left behind, the previous result kept")
