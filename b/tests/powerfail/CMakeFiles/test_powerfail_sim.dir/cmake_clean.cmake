file(REMOVE_RECURSE
  "CMakeFiles/test_powerfail_sim.dir/test_powerfail_sim.c.o"
  "CMakeFiles/test_powerfail_sim.dir/test_powerfail_sim.c.o.d"
  "test_powerfail_sim"
  "test_powerfail_sim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_powerfail_sim.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
