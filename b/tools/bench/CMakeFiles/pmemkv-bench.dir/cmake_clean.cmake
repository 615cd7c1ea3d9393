file(REMOVE_RECURSE
  "CMakeFiles/pmemkv-bench.dir/bench.c.o"
  "CMakeFiles/pmemkv-bench.dir/bench.c.o.d"
  "CMakeFiles/pmemkv-bench.dir/bench_dram.c.o"
  "CMakeFiles/pmemkv-bench.dir/bench_dram.c.o.d"
  "CMakeFiles/pmemkv-bench.dir/bench_lmdb.c.o"
  "CMakeFiles/pmemkv-bench.dir/bench_lmdb.c.o.d"
  "pmemkv-bench"
  "pmemkv-bench.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv-bench.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
