# CMake generated Testfile for 
# Source directory: /work/main/tests/cpp
# Build directory: /work/main/b/tests/cpp
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_cpp_api "/work/main/b/tests/cpp/test_cpp_api")
set_tests_properties(test_cpp_api PROPERTIES  LABELS "cpp" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/cpp/CMakeLists.txt;8;pmemkv_add_test;/work/main/tests/cpp/CMakeLists.txt;0;")
add_test(test_cpp_header_only_cxx17 "/work/main/b/tests/cpp/test_cpp_header_only_cxx17")
set_tests_properties(test_cpp_header_only_cxx17 PROPERTIES  LABELS "cpp" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tests/cpp/CMakeLists.txt;19;add_test;/work/main/tests/cpp/CMakeLists.txt;0;")
add_test(test_cpp_header_only_cxx20 "/work/main/b/tests/cpp/test_cpp_header_only_cxx20")
set_tests_properties(test_cpp_header_only_cxx20 PROPERTIES  LABELS "cpp" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tests/cpp/CMakeLists.txt;19;add_test;/work/main/tests/cpp/CMakeLists.txt;0;")
add_test(test_cpp_classic_example "/work/main/b/tests/cpp/test_cpp_classic_example")
set_tests_properties(test_cpp_classic_example PROPERTIES  LABELS "cpp" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tests/cpp/CMakeLists.txt;27;add_test;/work/main/tests/cpp/CMakeLists.txt;0;")
add_test(test_cpp_mt "/work/main/b/tests/cpp/test_cpp_mt")
set_tests_properties(test_cpp_mt PROPERTIES  LABELS "cpp;mt" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/cpp/CMakeLists.txt;31;pmemkv_add_test;/work/main/tests/cpp/CMakeLists.txt;0;")
