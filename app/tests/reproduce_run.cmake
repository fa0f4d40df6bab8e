# Shared by the reproduction's command-line checks (reproduce_check.cmake,
# reproduce_light_check.cmake, reproduce_subset.cmake), included from them:
#   idr_reproduce_run(ARG...)  removes OUTDIR, runs `IONDRIFT reproduce
#   xiang2026 ARG...` (the caller names -o OUTDIR), fails unless it exits 0
#   and writes OUTDIR/reproduce.h5 and OUTDIR/reproduce.csv with the
#   documented header; sets repro_out, repro_err (stdout, stderr) and
#   repro_lines (the CSV's lines, the header first) in the caller.
#   idr_reproduce_h5(CODE REGEX WHAT)  runs PYTHON on OUTDIR/reproduce.h5
#   opened as f (h5py) with CODE after it; fails unless it exits 0 and
#   prints what REGEX matches (WHAT names the check).
set(IDR_REPRODUCE_CSV_HEADER "sample,x,illuminated,species,Ea_true_eV,Ea_extracted_eV,Ea_err_eV,N_true_cm3,N_extracted_cm3,Ea_TID_eV,Ea_study_eV,N_II_true_cm3,N_II_TAS_cm3,N_III_true_cm3,N_III_TAS_cm3")
function(idr_reproduce_run)
  file(REMOVE_RECURSE ${OUTDIR})
  execute_process(COMMAND ${IONDRIFT} reproduce xiang2026 ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "reproduce ${ARGN} exited ${rc}:\n${out}\n${err}")
  endif()
  foreach(f reproduce.h5 reproduce.csv)
    if(NOT EXISTS ${OUTDIR}/${f})
      message(FATAL_ERROR "missing ${OUTDIR}/${f}")
    endif()
  endforeach()
  file(STRINGS ${OUTDIR}/reproduce.csv lines)
  list(GET lines 0 header)
  if(NOT header STREQUAL IDR_REPRODUCE_CSV_HEADER)
    message(FATAL_ERROR
      "reproduce.csv header: got '${header}', want '${IDR_REPRODUCE_CSV_HEADER}'")
  endif()
  set(repro_out "${out}" PARENT_SCOPE)
  set(repro_err "${err}" PARENT_SCOPE)
  set(repro_lines "${lines}" PARENT_SCOPE)
endfunction()
function(idr_reproduce_h5 code regex what)
  execute_process(COMMAND ${PYTHON} -c "import h5py,sys\nf=h5py.File(sys.argv[1])\n${code}"
    ${OUTDIR}/reproduce.h5 RESULT_VARIABLE rc OUTPUT_VARIABLE py ERROR_VARIABLE pyerr)
  if(NOT rc EQUAL 0 OR NOT py MATCHES "${regex}")
    message(FATAL_ERROR "${what}: ${py} ${pyerr}")
  endif()
endfunction()
