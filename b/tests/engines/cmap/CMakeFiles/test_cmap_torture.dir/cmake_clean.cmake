file(REMOVE_RECURSE
  "CMakeFiles/test_cmap_torture.dir/test_cmap_torture.c.o"
  "CMakeFiles/test_cmap_torture.dir/test_cmap_torture.c.o.d"
  "test_cmap_torture"
  "test_cmap_torture.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cmap_torture.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
