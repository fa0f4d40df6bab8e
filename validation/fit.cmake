# Device-model fit (docs/fit.md; docs/validation.md F1-F3).
#   validation.fit.bad_spec.*  every validation/fit/bad_specs/*.yaml refused
#                              (exit 2, its message, no result file)
#   validation.fit.F1_F2       synthetic TID data fitted: truth within 2
#                              standard errors and the 95 % profile intervals;
#                              one temperature: D0 and Ea not identifiable
set(idr_fit_dir ${CMAKE_CURRENT_SOURCE_DIR}/fit)
set(idr_fit_out ${CMAKE_CURRENT_BINARY_DIR}/fit_out)
file(MAKE_DIRECTORY ${idr_fit_out})
file(GLOB IDR_FIT_BAD_SPECS CONFIGURE_DEPENDS ${idr_fit_dir}/bad_specs/*.yaml)
foreach(spec ${IDR_FIT_BAD_SPECS})
  get_filename_component(name ${spec} NAME_WE)
  add_test(NAME validation.fit.bad_spec.${name}
    COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift> -DCMD=fit -DSPEC=${spec}
            -DOUTDIR=${idr_fit_out}/bad_${name}.h5
            -P ${CMAKE_CURRENT_SOURCE_DIR}/sweep/bad_spec_check.cmake)
  set_tests_properties(validation.fit.bad_spec.${name} PROPERTIES LABELS "validation;sanitize"
    TIMEOUT 60 ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
endforeach()
add_executable(fit_recover ${idr_fit_dir}/fit_recover.c)
target_link_libraries(fit_recover PRIVATE idr_vharness)
idr_target_defaults(fit_recover)
target_compile_definitions(fit_recover PRIVATE IDR_SOURCE_DIR="${IDR_SOURCE_DIR}")
add_test(NAME validation.fit.F1_F2 COMMAND fit_recover ${idr_fit_out})
set_tests_properties(validation.fit.F1_F2 PROPERTIES LABELS validation TIMEOUT 900
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
