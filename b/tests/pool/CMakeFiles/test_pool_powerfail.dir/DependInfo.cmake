
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/pool/test_pool_powerfail.c" "tests/pool/CMakeFiles/test_pool_powerfail.dir/test_pool_powerfail.c.o" "gcc" "tests/pool/CMakeFiles/test_pool_powerfail.dir/test_pool_powerfail.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/b/CMakeFiles/pmemkv_static.dir/DependInfo.cmake"
  "/work/main/b/tests/powerfail/CMakeFiles/powerfail.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
