# V17 reads the reproduce.csv that the app test app.reproduce_xiang2026 writes
# (a CTest fixture), instead of running the 8-sample reproduction twice.
add_executable(v17_reproduction_check ${CMAKE_CURRENT_LIST_DIR}/reproduction_v17.c)
target_link_libraries(v17_reproduction_check PRIVATE idr_vharness)
idr_target_defaults(v17_reproduction_check)
target_compile_definitions(v17_reproduction_check PRIVATE IDR_MATERIALS_DIR="${IDR_MATERIALS_DIR}")
add_test(NAME validation.v17_reproduction
  COMMAND v17_reproduction_check ${CMAKE_BINARY_DIR}/app/test_out/reproduce/reproduce.csv)
set_tests_properties(validation.v17_reproduction PROPERTIES LABELS validation TIMEOUT 60
  FIXTURES_REQUIRED app_reproduce)

# V18 reads the reproduce.csv of app.reproduce_invert (one sample, --invert).
add_executable(v18_reproduction_invert_check ${CMAKE_CURRENT_LIST_DIR}/reproduction_invert.c)
target_link_libraries(v18_reproduction_invert_check PRIVATE idr_vharness)
idr_target_defaults(v18_reproduction_invert_check)
target_compile_definitions(v18_reproduction_invert_check PRIVATE
  IDR_MATERIALS_DIR="${IDR_MATERIALS_DIR}")
add_test(NAME validation.v18_reproduction_invert
  COMMAND v18_reproduction_invert_check ${CMAKE_BINARY_DIR}/app/test_out/reproduce_invert/reproduce.csv)
set_tests_properties(validation.v18_reproduction_invert PROPERTIES LABELS validation TIMEOUT 60
  FIXTURES_REQUIRED app_reproduce_invert)

# V43 reads the TAS panel of the same reproduce.csv.
add_executable(v43_reproduction_tas_check ${CMAKE_CURRENT_LIST_DIR}/reproduction_tas.c)
target_link_libraries(v43_reproduction_tas_check PRIVATE idr_vharness)
idr_target_defaults(v43_reproduction_tas_check)
add_test(NAME validation.v43_reproduction_tas
  COMMAND v43_reproduction_tas_check ${CMAKE_BINARY_DIR}/app/test_out/reproduce/reproduce.csv)
set_tests_properties(validation.v43_reproduction_tas PROPERTIES LABELS validation TIMEOUT 60
  FIXTURES_REQUIRED app_reproduce)

# V53 reads the reproduce.csv of app.reproduce_light (--light --no-tas).
add_executable(v53_reproduction_light_check ${CMAKE_CURRENT_LIST_DIR}/reproduction_light.c)
target_link_libraries(v53_reproduction_light_check PRIVATE idr_vharness)
idr_target_defaults(v53_reproduction_light_check)
add_test(NAME validation.v53_reproduction_light
  COMMAND v53_reproduction_light_check ${CMAKE_BINARY_DIR}/app/test_out/reproduce_light/reproduce.csv)
set_tests_properties(validation.v53_reproduction_light PROPERTIES LABELS validation TIMEOUT 60
  FIXTURES_REQUIRED app_reproduce_light)
