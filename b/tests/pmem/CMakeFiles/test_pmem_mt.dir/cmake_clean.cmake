file(REMOVE_RECURSE
  "CMakeFiles/test_pmem_mt.dir/test_pmem_mt.c.o"
  "CMakeFiles/test_pmem_mt.dir/test_pmem_mt.c.o.d"
  "test_pmem_mt"
  "test_pmem_mt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pmem_mt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
