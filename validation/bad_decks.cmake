# Bad-input cases (label `validation`, also `sanitize` so the ASan build runs
# them): every validation/bad_decks/*.yaml is given to the real
# `iondrift run DECK -o OUTDIR/result.h5 -q` (with the deck's `# set:` lines as
# --set), which must exit with status 2, print "iondrift: error: " and the
# message of the deck's `# expect:` first line on stderr, and leave OUTDIR
# empty (no result, no CSV, no temporary). The deck is run from its own
# directory, so messages start with its name. Each case has its own OUTDIR.
add_executable(check_bad_deck ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks/check_bad_deck.c)
target_link_libraries(check_bad_deck PRIVATE idr_core)
idr_target_defaults(check_bad_deck)
file(GLOB IDR_BAD_DECKS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks/*.yaml)
foreach(deck ${IDR_BAD_DECKS})
  get_filename_component(name ${deck} NAME_WE)
  get_filename_component(file ${deck} NAME)
  add_test(NAME validation.bad_deck.${name}
    COMMAND check_bad_deck $<TARGET_FILE:iondrift> ${file}
            ${CMAKE_CURRENT_BINARY_DIR}/bad_deck_out/${name}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks)
  set_tests_properties(validation.bad_deck.${name} PROPERTIES LABELS "validation;sanitize"
    TIMEOUT 60 ENVIRONMENT "IONDRIFT_MATERIALS=${IDR_MATERIALS_DIR}")
endforeach()
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/bad_deck_out)
