file(REMOVE_RECURSE
  "CMakeFiles/test_cmap_mt.dir/test_cmap_mt.c.o"
  "CMakeFiles/test_cmap_mt.dir/test_cmap_mt.c.o.d"
  "test_cmap_mt"
  "test_cmap_mt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cmap_mt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
