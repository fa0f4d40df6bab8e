# app.reproduce_xiang2026: `iondrift reproduce xiang2026 -o OUTDIR --threads 2 -q`
# exits 0 and writes reproduce.h5 and reproduce.csv, the CSV with the issue's
# header and one row per sample (8).
include(${CMAKE_CURRENT_LIST_DIR}/reproduce_run.cmake)
idr_reproduce_run(-o ${OUTDIR} --threads 2 -q)
set(lines "${repro_lines}")
list(LENGTH lines n)
if(NOT n EQUAL 9)
  message(FATAL_ERROR "reproduce.csv: ${n} lines, want 9 (header + 8 samples)")
endif()
list(GET lines 1 x0)
if(NOT x0 MATCHES "^x0,0,0,anion,[0-9.e+-]+,[0-9.e+-]+,")
  message(FATAL_ERROR "reproduce.csv first row: '${x0}' (want the x = 0 anion with its true and extracted Ea; V17 checks the numbers)")
endif()
message(STATUS "reproduce: 8 samples written")
