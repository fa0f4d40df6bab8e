# App test: rerunning the resolved deck stored in a result never replaces
# another file.
#   cmake -DIONDRIFT=... -DCHECKER=... -DDECK=example.yaml -DOUTDIR=... -P rerun_check.cmake
# In OUTDIR: an unrelated J(t) CSV under the example deck's default name
# (fapbi3_pin_J.csv) holds a sentinel; a C-f run of the example with -o
# cf.h5 writes cf.h5 and cf_cf.csv; its stored deck must name those two
# files; run again from that deck, it rewrites them and leaves the sentinel.
file(REMOVE_RECURSE "${OUTDIR}")
file(MAKE_DIRECTORY "${OUTDIR}")
file(WRITE "${OUTDIR}/fapbi3_pin_J.csv" "sentinel: a J(t) CSV of another run\n")
set(cf "protocol={type: cf, V_V: 0, f_min_Hz: 100, f_max_Hz: 1e4, points_per_decade: 1}")
function(run_in_outdir)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${OUTDIR}" RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${ARGN}\n-> exit ${rc}\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exit status ${rc}")
  endif()
endfunction()
run_in_outdir("${IONDRIFT}" run "${DECK}" -q -o cf.h5 --set mesh.nodes=120 "--set=${cf}")
run_in_outdir("${CHECKER}" --deck cf.h5 rerun.yaml)
file(READ "${OUTDIR}/rerun.yaml" deck)
if(NOT deck MATCHES "output:\n  h5: \"cf.h5\"\n  csv: \"cf_cf.csv\"")
  message(FATAL_ERROR "the stored deck does not name cf.h5 and cf_cf.csv:\n${deck}")
endif()
file(REMOVE "${OUTDIR}/cf.h5" "${OUTDIR}/cf_cf.csv")
run_in_outdir("${IONDRIFT}" run rerun.yaml -q)
foreach(f cf.h5 cf_cf.csv)
  if(NOT EXISTS "${OUTDIR}/${f}")
    message(FATAL_ERROR "the rerun did not write ${f}")
  endif()
endforeach()
file(READ "${OUTDIR}/fapbi3_pin_J.csv" sentinel)
if(NOT sentinel MATCHES "^sentinel")
  message(FATAL_ERROR "the rerun replaced fapbi3_pin_J.csv")
endif()
file(GLOB left "${OUTDIR}/*")
list(LENGTH left n)
if(NOT n EQUAL 4)
  message(FATAL_ERROR "expected cf.h5, cf_cf.csv, rerun.yaml and the sentinel, found: ${left}")
endif()
