# app.reproduce_subset: `iondrift reproduce xiang2026 --samples x0.1 -o=DIR
# --threads 0` (issue 11's rough edges): x0.1 is the sample x0.10, -o=DIR and
# --threads 0 (the default) are accepted; the CSV carries the TID and the
# study's Ea as the table does; the summary densities are in the CSV's
# unit (cm^-3); the plot of a subset without x0 is drawn; the table prints
# '-' (explained) where the study states no Ea, the CSV NaN.
#   cmake -DIONDRIFT=... -DOUTDIR=... -DPYTHON=... -P reproduce_subset.cmake
include(${CMAKE_CURRENT_LIST_DIR}/reproduce_run.cmake)
idr_reproduce_run(--samples x0.1 -o=${OUTDIR} --threads 0)
set(out "${repro_out}")
set(err "${repro_err}")
# the study states no Ea at x = 0.10: '-' and a line saying so, never "nan"
if(NOT out MATCHES "\n  x0.10 +0.100  anion +0.1[0-9]+ +0.10[0-9]+\\+-0.00[0-9]+ +0.1000 +- ")
  message(FATAL_ERROR "table without the x0.10 row:\n${out}")
endif()
if(out MATCHES "nan" OR NOT out MATCHES "the study states no Ea for that sample")
  message(FATAL_ERROR "the table prints nan or does not say what '-' means:\n${out}")
endif()
list(LENGTH repro_lines n)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "reproduce.csv: ${n} lines, want the header and the x0.10 row")
endif()
list(GET repro_lines 1 row)
if(NOT row MATCHES "^x0.10,0.1,0,anion,.*,0.1,nan,[0-9.e+]+,[0-9.e+]+,[0-9.e+]+,[0-9.e+]+$")
  message(FATAL_ERROR "reproduce.csv row: '${row}' (want x0.10 ... Ea_TID 0.1, Ea_study nan)")
endif()
idr_reproduce_h5(
  "print([f['summary/'+k].attrs['units'] for k in ('N_true','N_extracted','N_err')])\nprint(f['summary/N_true'][0] == 5e15)"
  "\\['cm\\^-3', 'cm\\^-3', 'cm\\^-3'\\]\nTrue" "summary densities")
if(NOT out MATCHES "reproduce.png" OR NOT EXISTS ${OUTDIR}/reproduce.png)
  message(FATAL_ERROR "no plot of the subset:\n${out}\n${err}")
endif()
file(SIZE ${OUTDIR}/reproduce.png size)
if(size LESS 10000)
  message(FATAL_ERROR "reproduce.png is ${size} bytes")
endif()
message(STATUS "reproduce subset: ok")
