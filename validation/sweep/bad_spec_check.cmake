# One bad spec: `iondrift CMD SPEC -o OUTDIR` (CMD sweep, the default, or
# fit; run from the spec's directory) must exit 2, print "iondrift: error: "
# and the text of the spec's `# expect:` first line on stderr, and create
# nothing (OUTDIR, a directory or a file, absent).
#   cmake -DIONDRIFT=... [-DCMD=fit] -DSPEC=file.yaml -DOUTDIR=... -P bad_spec_check.cmake
file(STRINGS ${SPEC} first LIMIT_COUNT 1)
string(REGEX REPLACE "^# expect: " "" expect "${first}")
get_filename_component(dir ${SPEC} DIRECTORY)
get_filename_component(name ${SPEC} NAME)
if(NOT CMD)
  set(CMD sweep)
endif()
file(REMOVE_RECURSE ${OUTDIR})
execute_process(COMMAND ${IONDRIFT} ${CMD} ${name} -o ${OUTDIR} WORKING_DIRECTORY ${dir}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "exit status ${rc}, expected 2\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "iondrift: error: " at0)
string(FIND "${err}" "${expect}" at)
if(at0 LESS 0 OR at LESS 0)
  message(FATAL_ERROR "stderr lacks the expected message\nexpected: ${expect}\nstderr: ${err}")
endif()
if(EXISTS ${OUTDIR})
  message(FATAL_ERROR "${OUTDIR} was created by a refused spec")
endif()
