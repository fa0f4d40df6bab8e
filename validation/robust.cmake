# Robustness cases of issue 9 (label `validation`; the write failures also
# `sanitize`): write failures injected by a file-size limit, and the stress
# grid (validation/robust/).
add_executable(fsize_run ${CMAKE_CURRENT_SOURCE_DIR}/robust/fsize_run.c)
idr_target_defaults(fsize_run)
add_test(NAME robust.write_failure
  COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift> -DFSIZE_RUN=$<TARGET_FILE:fsize_run>
          -DDECK=${PROJECT_SOURCE_DIR}/examples/fapbi3_pin.yaml
          -DOUTDIR=${CMAKE_CURRENT_BINARY_DIR}/robust_out
          -P ${CMAKE_CURRENT_SOURCE_DIR}/robust/write_failure.cmake)
set_tests_properties(robust.write_failure PROPERTIES LABELS "validation;sanitize" TIMEOUT 120
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")

# The stress grid (validation/robust/stress_grid.c): `iondrift run` of the
# example deck's pulse and relaxation at random (T, Ea, N_ion, N_A, pulse
# bias) points, each a child process: 0 crash, 0 NaN, >= 99.9 % converged.
# In the suite (label `stress`): 60 points, seed 9, one job. `make stress`
# runs 1000 points (seed 2026) on every core and prints the figures of
# docs/validation.md.
add_executable(stress_grid ${CMAKE_CURRENT_SOURCE_DIR}/robust/stress_grid.c)
target_link_libraries(stress_grid PRIVATE idr_io idr_core m)
idr_target_defaults(stress_grid)
add_test(NAME robust.stress
  COMMAND stress_grid $<TARGET_FILE:iondrift> ${PROJECT_SOURCE_DIR}/examples/fapbi3_pin.yaml
          ${CMAKE_CURRENT_BINARY_DIR}/stress_out --points 60 --seed 9 --jobs 1)
set_tests_properties(robust.stress PROPERTIES LABELS stress TIMEOUT 300
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
