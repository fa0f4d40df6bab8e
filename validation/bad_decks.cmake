# Bad-input cases (label `validation`, also `sanitize` so the ASan build runs
# them): every validation/bad_decks/*.yaml must be rejected by idr_deck_load
# with IDR_ERR_INPUT and the message given on its `# expect:` first line.
# The deck is loaded from its own directory, so messages start with its name.
add_executable(check_bad_deck ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks/check_bad_deck.c)
target_link_libraries(check_bad_deck PRIVATE iondrift_all)
idr_target_defaults(check_bad_deck)
file(GLOB IDR_BAD_DECKS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks/*.yaml)
foreach(deck ${IDR_BAD_DECKS})
  get_filename_component(name ${deck} NAME_WE)
  get_filename_component(file ${deck} NAME)
  add_test(NAME validation.bad_deck.${name}
    COMMAND check_bad_deck ${file} ${IDR_MATERIALS_DIR}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/bad_decks)
  set_tests_properties(validation.bad_deck.${name} PROPERTIES LABELS "validation;sanitize"
    TIMEOUT 60)
endforeach()
