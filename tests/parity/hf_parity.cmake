# Hugging Face engine parity (issue 3), include()d by tests/parity/CMakeLists.txt.
if(TARGET epubtok_hf AND TARGET epubtok_test_support)
  epubtok_add_test(hf_parity_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/hf_parity_test.cc
    LIBS epubtok_hf epubtok_test_support Boost::json)
endif()
