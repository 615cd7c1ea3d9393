file(REMOVE_RECURSE
  "CMakeFiles/test_powerfail_toy.dir/test_powerfail_toy.c.o"
  "CMakeFiles/test_powerfail_toy.dir/test_powerfail_toy.c.o.d"
  "test_powerfail_toy"
  "test_powerfail_toy.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_powerfail_toy.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
