# An example as a regression test (examples/expected/commands.txt):
#   cmake -DIONDRIFT=... -DCHECKER=expect_check -DSOURCE=... -DOUTDIR=... -DNAME=...
#         -DARGS="run^^examples/...^^..." -DDOCS="examples/README.md^^..." -P example_check.cmake
# (lists joined by ^^)
# Runs `iondrift ARGS` in OUTDIR (which holds a link to the source tree's
# examples/ and an empty out/), then compares its standard output with
# examples/expected/NAME.txt and checks that each of DOCS shows it.
string(REPLACE "^^" ";" ARGS "${ARGS}")
string(REPLACE "^^" ";" DOCS "${DOCS}")
file(REMOVE_RECURSE "${OUTDIR}")
file(MAKE_DIRECTORY "${OUTDIR}/out")
file(CREATE_LINK "${SOURCE}/examples" "${OUTDIR}/examples" SYMBOLIC)
execute_process(COMMAND "${IONDRIFT}" ${ARGS} WORKING_DIRECTORY "${OUTDIR}"
  RESULT_VARIABLE rc OUTPUT_FILE "${OUTDIR}/actual.txt" ERROR_VARIABLE err)
file(READ "${OUTDIR}/actual.txt" out)
message("iondrift ${ARGS}\n-> exit ${rc}\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit status ${rc}")
endif()
set(docs "")
foreach(d ${DOCS})
  list(APPEND docs "${SOURCE}/${d}")
endforeach()
execute_process(COMMAND "${CHECKER}" "${SOURCE}/examples/expected/${NAME}.txt"
  "${OUTDIR}/actual.txt" ${docs} RESULT_VARIABLE rc2)
if(NOT rc2 EQUAL 0)
  message(FATAL_ERROR "the output differs from examples/expected/${NAME}.txt (or ${DOCS} do "
          "not show it); if the change is intended: sh scripts/examples-expected.sh")
endif()
