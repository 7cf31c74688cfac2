# Owned by the text module. include()d by tests/support/CMakeLists.txt BEFORE
# it defines epubtok_test_support, so this file only sets variables.
set(EPUBTOK_GENERATED_TEXT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/prose.cc
  ${CMAKE_CURRENT_LIST_DIR}/prose_scripts.cc
  ${CMAKE_CURRENT_LIST_DIR}/tricky_strings.cc
  ${CMAKE_CURRENT_LIST_DIR}/random_unicode.cc)
