# One bad fit spec: `iondrift fit SPEC -o OUT` (run from the spec's
# directory) must exit 2, print "iondrift: error: " and the text of the
# spec's `# expect:` first line on stderr, and write nothing (OUT absent).
#   cmake -DIONDRIFT=... -DSPEC=file.yaml -DOUT=... -P bad_spec_check.cmake
file(STRINGS ${SPEC} first LIMIT_COUNT 1)
string(REGEX REPLACE "^# expect: " "" expect "${first}")
get_filename_component(dir ${SPEC} DIRECTORY)
get_filename_component(name ${SPEC} NAME)
file(REMOVE ${OUT})
execute_process(COMMAND ${IONDRIFT} fit ${name} -o ${OUT} WORKING_DIRECTORY ${dir}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "exit status ${rc}, expected 2\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "iondrift: error: " at0)
string(FIND "${err}" "${expect}" at)
if(at0 LESS 0 OR at LESS 0)
  message(FATAL_ERROR "stderr lacks the expected message\nexpected: ${expect}\nstderr: ${err}")
endif()
if(EXISTS ${OUT})
  message(FATAL_ERROR "${OUT} was written by a refused spec")
endif()
