# CMake generated Testfile for 
# Source directory: /work/main/tests/pmem
# Build directory: /work/main/b/tests/pmem
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_pmem "/work/main/b/tests/pmem/test_pmem")
set_tests_properties(test_pmem PROPERTIES  LABELS "pmem" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/pmem/CMakeLists.txt;2;pmemkv_add_test;/work/main/tests/pmem/CMakeLists.txt;0;")
add_test(test_pmem_mt "/work/main/b/tests/pmem/test_pmem_mt")
set_tests_properties(test_pmem_mt PROPERTIES  LABELS "pmem;mt" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/pmem/CMakeLists.txt;3;pmemkv_add_test;/work/main/tests/pmem/CMakeLists.txt;0;")
