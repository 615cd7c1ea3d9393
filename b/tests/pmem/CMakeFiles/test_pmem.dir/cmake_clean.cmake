file(REMOVE_RECURSE
  "CMakeFiles/test_pmem.dir/test_pmem.c.o"
  "CMakeFiles/test_pmem.dir/test_pmem.c.o.d"
  "test_pmem"
  "test_pmem.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pmem.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
