# App test: an end-to-end `iondrift run` of the example deck, shortened by
# --set, then the result file and the CSV checked by check_result (io reader).
#   cmake -DIONDRIFT=... -DCHECKER=... -DDECK=... -DOUTDIR=... -P e2e.cmake
file(REMOVE_RECURSE "${OUTDIR}")
file(MAKE_DIRECTORY "${OUTDIR}")
set(h5 "${OUTDIR}/fapbi3_pin.h5")
set(csv "${OUTDIR}/fapbi3_pin_J.csv")
execute_process(
  COMMAND "${IONDRIFT}" run "${DECK}" -o "${h5}"
          --set mesh.nodes=120
          --set "protocol.segments[0].duration_s=0.01"
          --set "protocol.segments[1].duration_s=0.01"
          --set "protocol.profile_times_s=[0, 0.01, 0.02]"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("iondrift exit status ${rc}\nstdout:\n${out}\nstderr:\n${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iondrift run failed (exit status ${rc})")
endif()
foreach(pat "built-in potential [0-9.]+ V" "IDA steps" "final J .* mA/cm\\^2"
            "wrote +.*fapbi3_pin\\.h5" "fapbi3_pin_J\\.csv")
  if(NOT out MATCHES "${pat}")
    message(FATAL_ERROR "summary does not match '${pat}'")
  endif()
endforeach()
if(NOT "${err}" STREQUAL "")
  message(FATAL_ERROR "stderr is not empty (not a terminal: no progress line expected)")
endif()
execute_process(COMMAND "${CHECKER}" "${h5}" "${csv}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_result failed")
endif()
file(GLOB tmp "${OUTDIR}/*.tmp.*")
if(tmp)
  message(FATAL_ERROR "temporary files left: ${tmp}")
endif()
