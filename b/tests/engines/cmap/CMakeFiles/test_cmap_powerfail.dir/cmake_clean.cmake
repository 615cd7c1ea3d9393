file(REMOVE_RECURSE
  "CMakeFiles/test_cmap_powerfail.dir/test_cmap_powerfail.c.o"
  "CMakeFiles/test_cmap_powerfail.dir/test_cmap_powerfail.c.o.d"
  "test_cmap_powerfail"
  "test_cmap_powerfail.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cmap_powerfail.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
