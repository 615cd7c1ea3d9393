file(REMOVE_RECURSE
  "CMakeFiles/kv_api.dir/test_api.c.o"
  "CMakeFiles/kv_api.dir/test_api.c.o.d"
  "kv_api"
  "kv_api.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_api.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
