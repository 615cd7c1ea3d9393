# CMake generated Testfile for 
# Source directory: /work/main/tools/cli
# Build directory: /work/main/b/tools/cli
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(tools_cli "/work/main/tools/cli/test_cli.sh" "/work/main/b/tools/cli/pmemkv-cli")
set_tests_properties(tools_cli PROPERTIES  LABELS "tools" TIMEOUT "30" _BACKTRACE_TRIPLES "/work/main/tools/cli/CMakeLists.txt;7;add_test;/work/main/tools/cli/CMakeLists.txt;0;")
