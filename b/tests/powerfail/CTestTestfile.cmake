# CMake generated Testfile for 
# Source directory: /work/main/tests/powerfail
# Build directory: /work/main/b/tests/powerfail
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_powerfail_sim "/work/main/b/tests/powerfail/test_powerfail_sim")
set_tests_properties(test_powerfail_sim PROPERTIES  LABELS "powerfail" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/powerfail/CMakeLists.txt;7;pmemkv_add_test;/work/main/tests/powerfail/CMakeLists.txt;0;")
add_test(test_powerfail_toy "/work/main/b/tests/powerfail/test_powerfail_toy")
set_tests_properties(test_powerfail_toy PROPERTIES  LABELS "powerfail" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;61;add_test;/work/main/tests/powerfail/CMakeLists.txt;8;pmemkv_add_test;/work/main/tests/powerfail/CMakeLists.txt;0;")
