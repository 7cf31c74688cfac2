# Hugging Face engine parity (issue 3), include()d by tests/parity/CMakeLists.txt.
epubtok_add_test(hf_parity_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hf_parity_test.cc
  LIBS epubtok_hf epubtok_test_support Boost::json)
# No reference needed: checks HfTokenizer::is_clean_split on the presets
# against whole-text ids (which hf_parity_test holds to the reference).
epubtok_add_test(hf_clean_split_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hf_clean_split_test.cc
  LIBS epubtok_hf epubtok_test_support Boost::json)
# gemini (Gemma 3) against SentencePiece's BPE algorithm, written in the test.
epubtok_add_test(gemini_sentencepiece_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/gemini_sentencepiece_test.cc
  LIBS epubtok_tokenizers epubtok_test_support Boost::json)
