# CMake generated Testfile for 
# Source directory: /work/main/tools
# Build directory: /work/main/b/tools
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("bench")
subdirs("cli")
