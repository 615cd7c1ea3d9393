file(REMOVE_RECURSE
  "CMakeFiles/test_pool_powerfail.dir/test_pool_powerfail.c.o"
  "CMakeFiles/test_pool_powerfail.dir/test_pool_powerfail.c.o.d"
  "test_pool_powerfail"
  "test_pool_powerfail.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pool_powerfail.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
