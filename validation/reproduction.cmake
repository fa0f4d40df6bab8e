# V17 reads the reproduce.csv that the app test app.reproduce_xiang2026 writes
# (a CTest fixture), instead of running the 8-sample reproduction twice.
add_executable(v17_reproduction_check ${CMAKE_CURRENT_LIST_DIR}/reproduction_v17.c)
target_link_libraries(v17_reproduction_check PRIVATE idr_vharness)
idr_target_defaults(v17_reproduction_check)
add_test(NAME validation.v17_reproduction
  COMMAND v17_reproduction_check ${CMAKE_BINARY_DIR}/app/test_out/reproduce/reproduce.csv)
set_tests_properties(validation.v17_reproduction PROPERTIES LABELS validation TIMEOUT 60
  FIXTURES_REQUIRED app_reproduce)
