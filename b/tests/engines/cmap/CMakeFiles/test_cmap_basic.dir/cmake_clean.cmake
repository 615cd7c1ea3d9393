file(REMOVE_RECURSE
  "CMakeFiles/test_cmap_basic.dir/test_cmap_basic.c.o"
  "CMakeFiles/test_cmap_basic.dir/test_cmap_basic.c.o.d"
  "test_cmap_basic"
  "test_cmap_basic.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cmap_basic.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
