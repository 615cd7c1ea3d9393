file(REMOVE_RECURSE
  "libpmemkv.pdb"
  "libpmemkv.so"
  "libpmemkv.so.1"
  "libpmemkv.so.1.5.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
