file(REMOVE_RECURSE
  "CMakeFiles/kv_open.dir/test_open.c.o"
  "CMakeFiles/kv_open.dir/test_open.c.o.d"
  "kv_open"
  "kv_open.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_open.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
