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
