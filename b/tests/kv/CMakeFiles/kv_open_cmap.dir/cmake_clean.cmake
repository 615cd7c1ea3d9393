file(REMOVE_RECURSE
  "CMakeFiles/kv_open_cmap.dir/test_open_cmap.c.o"
  "CMakeFiles/kv_open_cmap.dir/test_open_cmap.c.o.d"
  "kv_open_cmap"
  "kv_open_cmap.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_open_cmap.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
