
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/common/common.c" "CMakeFiles/pmemkv_objs.dir/src/common/common.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/common/common.c.o.d"
  "/work/main/src/engines/blackhole/blackhole.c" "CMakeFiles/pmemkv_objs.dir/src/engines/blackhole/blackhole.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/engines/blackhole/blackhole.c.o.d"
  "/work/main/src/engines/cmap/cmap.c" "CMakeFiles/pmemkv_objs.dir/src/engines/cmap/cmap.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/engines/cmap/cmap.c.o.d"
  "/work/main/src/kv/config.c" "CMakeFiles/pmemkv_objs.dir/src/kv/config.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/config.c.o.d"
  "/work/main/src/kv/db.c" "CMakeFiles/pmemkv_objs.dir/src/kv/db.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/db.c.o.d"
  "/work/main/src/kv/iterator.c" "CMakeFiles/pmemkv_objs.dir/src/kv/iterator.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/iterator.c.o.d"
  "/work/main/src/kv/open.c" "CMakeFiles/pmemkv_objs.dir/src/kv/open.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/open.c.o.d"
  "/work/main/src/kv/registry.c" "CMakeFiles/pmemkv_objs.dir/src/kv/registry.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/registry.c.o.d"
  "/work/main/src/kv/status.c" "CMakeFiles/pmemkv_objs.dir/src/kv/status.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/kv/status.c.o.d"
  "/work/main/src/pmem/pmem.c" "CMakeFiles/pmemkv_objs.dir/src/pmem/pmem.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/pmem/pmem.c.o.d"
  "/work/main/src/pool/heap.c" "CMakeFiles/pmemkv_objs.dir/src/pool/heap.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/pool/heap.c.o.d"
  "/work/main/src/pool/log.c" "CMakeFiles/pmemkv_objs.dir/src/pool/log.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/pool/log.c.o.d"
  "/work/main/src/pool/pool.c" "CMakeFiles/pmemkv_objs.dir/src/pool/pool.c.o" "gcc" "CMakeFiles/pmemkv_objs.dir/src/pool/pool.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
