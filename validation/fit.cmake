# Device-model fit (docs/fit.md; docs/validation.md F1-F5).
#   validation.fit.bad_spec.*  every validation/fit/bad_specs/*.yaml refused
#                              (exit 2, its message, no result file)
#   validation.fit.F1_F2       synthetic TID data fitted: truth within 2
#                              standard errors and the 95 % profile intervals;
#                              one temperature: D0 and Ea not identifiable
#   validation.fit.F3, F4, F5  model error, the biased anion, coverage
set(idr_fit_dir ${CMAKE_CURRENT_SOURCE_DIR}/fit)
set(idr_fit_out ${CMAKE_CURRENT_BINARY_DIR}/fit_out)
file(MAKE_DIRECTORY ${idr_fit_out})
idr_bad_spec_tests(fit ${idr_fit_dir} ${idr_fit_out} .h5)
add_library(idr_fit_synth STATIC ${idr_fit_dir}/fit_synth.c)
target_link_libraries(idr_fit_synth PUBLIC iondrift_all)
target_include_directories(idr_fit_synth PUBLIC ${idr_fit_dir})
idr_target_defaults(idr_fit_synth)
add_executable(fit_recover ${idr_fit_dir}/fit_recover.c)
target_link_libraries(fit_recover PRIVATE idr_vharness idr_fit_synth)
idr_target_defaults(fit_recover)
target_compile_definitions(fit_recover PRIVATE IDR_SOURCE_DIR="${IDR_SOURCE_DIR}")
add_test(NAME validation.fit.F1_F2 COMMAND fit_recover ${idr_fit_out})
set_tests_properties(validation.fit.F1_F2 PROPERTIES LABELS validation TIMEOUT 900
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
# F3 (model error), F4 (the biased anion), F5 (coverage of the 68 % profile
# intervals over 20 seeds on a small problem, ~30 s of CPU; the F1 data
# themselves, ~3 min of CPU, are `make fit-coverage`)
add_executable(fit_more ${idr_fit_dir}/fit_more.c)
target_link_libraries(fit_more PRIVATE idr_vharness idr_fit_synth)
idr_target_defaults(fit_more)
target_compile_definitions(fit_more PRIVATE IDR_SOURCE_DIR="${IDR_SOURCE_DIR}")
foreach(c F3 F4 F5)
  add_test(NAME validation.fit.${c} COMMAND fit_more ${c} ${idr_fit_out})
  set_tests_properties(validation.fit.${c} PROPERTIES LABELS validation TIMEOUT 900
    ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
endforeach()
# The fit's bench (bench/fit_bench.c, `make bench-fit`): built here, beside
# the validation helpers it shares, into build/bench/
add_executable(fit_bench ${PROJECT_SOURCE_DIR}/bench/fit_bench.c)
target_link_libraries(fit_bench PRIVATE idr_fit_synth idr_bench_clock)
idr_target_defaults(fit_bench)
target_compile_definitions(fit_bench PRIVATE IDR_SOURCE_DIR="${IDR_SOURCE_DIR}")
set_target_properties(fit_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
# The command line on a small spec (--json), and the figure of its result
add_test(NAME validation.fit.cli_smoke
  COMMAND $<TARGET_FILE:iondrift> fit ${idr_fit_dir}/smoke.yaml -o ${idr_fit_out}/smoke.h5 --json -q)
set_tests_properties(validation.fit.cli_smoke PROPERTIES LABELS validation TIMEOUT 300
  ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}" FIXTURES_SETUP fit_smoke
  PASS_REGULAR_EXPRESSION "Ea_eV.*\"identifiable\":true")
execute_process(COMMAND /usr/bin/python3 -c "import h5py, numpy, matplotlib"
  RESULT_VARIABLE idr_fit_plt OUTPUT_QUIET ERROR_QUIET)
if(idr_fit_plt EQUAL 0 AND NOT IDR_SANITIZE)
  add_test(NAME validation.fit.plot
    COMMAND ${CMAKE_COMMAND} -DIONDRIFT=$<TARGET_FILE:iondrift> -DRESULT=${idr_fit_out}/smoke.h5
            -DFIGURE=${idr_fit_out}/smoke.png -P ${PROJECT_SOURCE_DIR}/app/tests/plot_check.cmake)
  set_tests_properties(validation.fit.plot PROPERTIES LABELS "validation;plot" TIMEOUT 120
    FIXTURES_REQUIRED fit_smoke)
endif()

# The documented fit example (examples/fit, docs/fit.md) against its stored
# data: reduced chi2 near 1 and the truth within 2.5 standard errors, so that
# a model change without regenerating tid.csv (make fit-example) fails here.
if(NOT IDR_SANITIZE)
  add_test(NAME validation.fit.example
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/fit/example_check.py
            $<TARGET_FILE:iondrift> ${PROJECT_SOURCE_DIR}/examples/fit/fit.yaml
            ${idr_fit_out}/example.h5)
  set_tests_properties(validation.fit.example PROPERTIES LABELS validation TIMEOUT 300
    ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
endif()
