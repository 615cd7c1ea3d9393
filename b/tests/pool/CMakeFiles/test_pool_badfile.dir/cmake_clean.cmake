file(REMOVE_RECURSE
  "CMakeFiles/test_pool_badfile.dir/test_pool_badfile.c.o"
  "CMakeFiles/test_pool_badfile.dir/test_pool_badfile.c.o.d"
  "test_pool_badfile"
  "test_pool_badfile.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pool_badfile.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
