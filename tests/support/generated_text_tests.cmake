# Owned by the text module. include()d by tests/support/CMakeLists.txt right
# AFTER epubtok_test_support is defined: registers the tests of the generated
# test text (prose, tricky strings, random Unicode). ICU judges scripts and
# case mapping independently of the generators.
epubtok_add_test(generated_text_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/generated_text_test.cc
  LIBS epubtok_test_support ICU::uc ICU::i18n ICU::data)
epubtok_add_test(script_prose_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/script_prose_test.cc
  LIBS epubtok_test_support ICU::uc ICU::i18n ICU::data)
