
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tools/bench/bench.c" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench.c.o" "gcc" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench.c.o.d"
  "/work/main/tools/bench/bench_dram.c" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench_dram.c.o" "gcc" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench_dram.c.o.d"
  "/work/main/tools/bench/bench_lmdb.c" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench_lmdb.c.o" "gcc" "tools/bench/CMakeFiles/pmemkv-bench.dir/bench_lmdb.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/b/CMakeFiles/pmemkv.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
