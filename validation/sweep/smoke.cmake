# A small sweep run end to end twice (the second start resumes: nothing to
# run, the same table), for the sanitizer build: the journal, the curves
# files, both tables, the resume path, the spec check of a changed spec.
#   cmake -DIONDRIFT=... -DSPEC=failing.yaml -DOUTDIR=... -P smoke.cmake
file(REMOVE_RECURSE ${OUTDIR})
get_filename_component(parent ${OUTDIR} DIRECTORY)
file(MAKE_DIRECTORY ${parent})
foreach(pass 1 2)
  execute_process(COMMAND ${IONDRIFT} sweep ${SPEC} -o ${OUTDIR} --threads 2
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pass ${pass}: exit status ${rc}\n${out}\n${err}")
  endif()
  file(READ ${OUTDIR}/results.csv table${pass})
endforeach()
if(NOT out MATCHES "0 done here, 3 resumed, 1 failed, 0 flagged \\(of 3\\)")
  message(FATAL_ERROR "the second start did not resume all 3 points:\n${out}")
endif()
if(NOT table1 STREQUAL table2)
  message(FATAL_ERROR "the resumed start wrote another table")
endif()
if(NOT table1 MATCHES "\n1,2,0.13,nan,nan,0.13,failed,\"time integration failed")
  message(FATAL_ERROR "the failing point's row:\n${table1}")
endif()
# the same DIR under a changed spec: refused (exit 2), nothing changed
file(READ ${SPEC} text)
string(REPLACE "0.12, 0.13, 0.14" "0.12, 0.13, 0.15" text "${text}")
get_filename_component(dir ${SPEC} DIRECTORY)
file(WRITE ${OUTDIR}/../changed_spec.yaml "${text}")
file(COPY ${dir}/tid_small.yaml DESTINATION ${OUTDIR}/..)
execute_process(COMMAND ${IONDRIFT} sweep ${OUTDIR}/../changed_spec.yaml -o ${OUTDIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "holds a sweep of a different spec .*'    values: \\[0.12, 0.13, 0.14\\]', now '    values: \\[0.12, 0.13, 0.15\\]'.*--restart")
  message(FATAL_ERROR "a changed spec was not refused (${rc}):\n${err}")
endif()
file(READ ${OUTDIR}/results.csv table3)
if(NOT table1 STREQUAL table3)
  message(FATAL_ERROR "the refused start changed the table")
endif()
