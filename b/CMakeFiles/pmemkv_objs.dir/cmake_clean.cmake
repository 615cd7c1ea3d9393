file(REMOVE_RECURSE
  "CMakeFiles/pmemkv_objs.dir/src/common/common.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/common/common.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/engines/blackhole/blackhole.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/engines/blackhole/blackhole.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/engines/cmap/cmap.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/engines/cmap/cmap.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/config.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/config.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/db.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/db.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/iterator.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/iterator.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/open.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/open.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/registry.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/registry.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/kv/status.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/kv/status.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/pmem/pmem.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/pmem/pmem.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/pool/heap.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/pool/heap.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/pool/log.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/pool/log.c.o.d"
  "CMakeFiles/pmemkv_objs.dir/src/pool/pool.c.o"
  "CMakeFiles/pmemkv_objs.dir/src/pool/pool.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv_objs.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
