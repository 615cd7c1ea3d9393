file(REMOVE_RECURSE
  "CMakeFiles/kv_engines.dir/test_engines.c.o"
  "CMakeFiles/kv_engines.dir/test_engines.c.o.d"
  "kv_engines"
  "kv_engines.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_engines.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
