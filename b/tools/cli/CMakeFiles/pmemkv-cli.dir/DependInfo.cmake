
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tools/cli/common.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/common.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/common.c.o.d"
  "/work/main/tools/cli/count.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/count.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/count.c.o.d"
  "/work/main/tools/cli/create.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/create.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/create.c.o.d"
  "/work/main/tools/cli/get.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/get.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/get.c.o.d"
  "/work/main/tools/cli/info.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/info.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/info.c.o.d"
  "/work/main/tools/cli/list.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/list.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/list.c.o.d"
  "/work/main/tools/cli/main.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/main.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/main.c.o.d"
  "/work/main/tools/cli/put.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/put.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/put.c.o.d"
  "/work/main/tools/cli/remove.c" "tools/cli/CMakeFiles/pmemkv-cli.dir/remove.c.o" "gcc" "tools/cli/CMakeFiles/pmemkv-cli.dir/remove.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/b/CMakeFiles/pmemkv.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
