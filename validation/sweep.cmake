# Parameter sweeps (docs/sweep.md; docs/validation.md S1-S4).
#   validation.sweep.bad_spec.*  every validation/sweep/bad_specs/*.yaml refused
#                                (exit 2, its message, nothing created)
#   validation.sweep.smoke       a small sweep, resumed, a changed spec refused
#                                (also in the sanitizer build)
#   validation.sweep.S1..S4      the sweep's validation (Release only):
#                                points = single runs bitwise, threads/ranks
#                                invariance, kill -9 and resume, failing point,
#                                flagged rows and a bad DIR refused first (S5)
set(idr_sw_dir ${CMAKE_CURRENT_SOURCE_DIR}/sweep)
set(idr_sw_out ${CMAKE_CURRENT_BINARY_DIR}/sweep_out)
file(MAKE_DIRECTORY ${idr_sw_out})
idr_bad_spec_tests(sweep ${idr_sw_dir} ${idr_sw_out} "")
add_test(NAME validation.sweep.smoke
  COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift> -DSPEC=${idr_sw_dir}/failing.yaml
          -DOUTDIR=${idr_sw_out}/smoke/out -P ${idr_sw_dir}/smoke.cmake)
set_tests_properties(validation.sweep.smoke PROPERTIES LABELS "validation;sanitize" TIMEOUT 300
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")

# S1-S4 need Debian's Python with h5py and numpy; the MPI parts need mpirun.
execute_process(COMMAND /usr/bin/python3 -c "import h5py, numpy"
  RESULT_VARIABLE idr_sw_py OUTPUT_QUIET ERROR_QUIET)
if(idr_sw_py EQUAL 0 AND NOT IDR_SANITIZE)
  set(idr_sw_mpi "")
  if(IDR_HAVE_MPI AND IDR_MPIEXEC)
    set(idr_sw_mpi --mpirun ${IDR_MPIEXEC})
  endif()
  # mpirun as root (CI containers) needs both variables; in a container the
  # single-copy mechanism of shared memory may be forbidden: not used.
  set(idr_sw_env "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR};OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_btl_vader_single_copy_mechanism=none;OMP_NUM_THREADS=2")
  foreach(c "S1;equal-run" "S2;invariance" "S3;kill" "S4;failing" "S5;flagged")
    list(GET c 0 id)
    list(GET c 1 case)
    add_test(NAME validation.sweep.${id}_${case}
      COMMAND /usr/bin/python3 ${idr_sw_dir}/sweep_check.py ${case} --iondrift $<TARGET_FILE:iondrift>
              --work ${idr_sw_out}/${case} ${idr_sw_mpi})
    set_tests_properties(validation.sweep.${id}_${case} PROPERTIES LABELS validation TIMEOUT 600
      ENVIRONMENT "${idr_sw_env}")
  endforeach()
elseif(NOT IDR_SANITIZE)
  message(WARNING "/usr/bin/python3 cannot import h5py and numpy: the sweep validation S1-S4 "
                  "is skipped (scripts/install-deps.sh installs them)")
endif()

# The Slurm batch scripts of examples/slurm, run without Slurm (Release only).
if(NOT IDR_SANITIZE)
  set(idr_sw_mpirun "")
  if(IDR_HAVE_MPI AND IDR_MPIEXEC)
    set(idr_sw_mpirun ${IDR_MPIEXEC})
  endif()
  add_test(NAME validation.sweep.slurm_scripts
    COMMAND sh ${idr_sw_dir}/slurm_check.sh $<TARGET_FILE:iondrift> ${PROJECT_SOURCE_DIR}
            ${idr_sw_out}/slurm ${idr_sw_dir}/failing.yaml ${idr_sw_mpirun})
  set_tests_properties(validation.sweep.slurm_scripts PROPERTIES LABELS validation TIMEOUT 300
    ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR};OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_btl_vader_single_copy_mechanism=none")
endif()

# The figures of a sweep (label plot): the generic one of the smoke test's
# table (a failed point included) and the bias map of a 4-point sweep.
execute_process(COMMAND /usr/bin/python3 -c "import h5py, numpy, matplotlib"
  RESULT_VARIABLE idr_sw_plt OUTPUT_QUIET ERROR_QUIET)
if(idr_sw_plt EQUAL 0 AND NOT IDR_SANITIZE)
  set_tests_properties(validation.sweep.smoke PROPERTIES FIXTURES_SETUP sweep_smoke)
  add_test(NAME validation.sweep.plot_generic
    COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift>
            -DRESULT=${idr_sw_out}/smoke/out/results.h5 -DFIGURE=${idr_sw_out}/plot_generic.png
            -P ${PROJECT_SOURCE_DIR}/app/tests/plot_check.cmake)
  set_tests_properties(validation.sweep.plot_generic PROPERTIES LABELS "validation;plot"
    TIMEOUT 120 FIXTURES_REQUIRED sweep_smoke)
  add_test(NAME validation.sweep.bias_map_small
    COMMAND $<TARGET_FILE:iondrift> sweep ${idr_sw_dir}/bias_map_small.yaml
            -o ${idr_sw_out}/bias_map_small --restart -q)
  set_tests_properties(validation.sweep.bias_map_small PROPERTIES LABELS validation TIMEOUT 120
    FIXTURES_SETUP sweep_bias_map ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
  add_test(NAME validation.sweep.plot_bias_map
    COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift>
            -DRESULT=${idr_sw_out}/bias_map_small/results.h5 -DFIGURE=${idr_sw_out}/plot_bias_map.png
            -P ${PROJECT_SOURCE_DIR}/app/tests/plot_check.cmake)
  set_tests_properties(validation.sweep.plot_bias_map PROPERTIES LABELS "validation;plot"
    TIMEOUT 120 FIXTURES_REQUIRED sweep_bias_map)
endif()
