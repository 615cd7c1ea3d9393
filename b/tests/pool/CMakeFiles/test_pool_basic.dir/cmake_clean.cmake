file(REMOVE_RECURSE
  "CMakeFiles/test_pool_basic.dir/test_pool_basic.c.o"
  "CMakeFiles/test_pool_basic.dir/test_pool_basic.c.o.d"
  "test_pool_basic"
  "test_pool_basic.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pool_basic.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
