# app.reproduce_light: `iondrift reproduce xiang2026 --light --no-tas -o OUTDIR
# --threads 2 -q` exits 0 and writes reproduce.h5 and reproduce.csv; the CSV
# keeps the dark header and rows, then one row per component of each
# illuminated scan (illuminated = 1, species anion or cation) and the
# photo-aged sample x0.25-aged last (illuminated = 0). V53 checks the numbers.
include(${CMAKE_CURRENT_LIST_DIR}/reproduce_run.cmake)
idr_reproduce_run(--light --no-tas -o ${OUTDIR} --threads 2 -q)
set(lines "${repro_lines}")
list(LENGTH lines n)
math(EXPR last "${n} - 1")
list(SUBLIST lines 9 -1 light)
list(LENGTH light nl)
math(EXPR nl "${nl} - 1")
list(SUBLIST light 0 ${nl} lit)
foreach(row IN LISTS lit)
  if(NOT row MATCHES "^x0[.0-9]*,[0-9.]+,1,(anion|cation),")
    message(FATAL_ERROR "reproduce.csv illuminated row: '${row}' (want x..,X,1,anion|cation,...)")
  endif()
endforeach()
if(nl LESS 7)
  message(FATAL_ERROR "reproduce.csv: ${nl} illuminated rows, want at least one per x (7)")
endif()
list(GET lines ${last} aged)
if(NOT aged MATCHES "^x0.25-aged,0.25,0,anion,")
  message(FATAL_ERROR "reproduce.csv last row: '${aged}' (want the photo-aged sample, dark anion)")
endif()
message(STATUS "reproduce --light: ${nl} illuminated rows and x0.25-aged")
# the figure gains the Fig. 4a panel (tools/plot_reproduce.py (g), (h)); its
# title, the file's `study`, says the run is dark and illuminated
if(PYTHON AND EXISTS ${PYTHON})
  if(NOT EXISTS ${OUTDIR}/reproduce.png)
    message(FATAL_ERROR "no reproduce.png (plot_reproduce.py with the light panel failed?)")
  endif()
  idr_reproduce_h5(
    "print(sorted(f['summary_light'].keys()), f['samples/x0.05/tid_light/C'].shape, f['samples/x0.25-aged'].attrs['family'], f.attrs['study'])"
    "Ea_err.*illuminated.*x'\\] \\(11, 71\\) FAPbI3-Br-aged .*16493 .dark and illuminated TID."
    "reproduce.h5 light groups")
endif()
