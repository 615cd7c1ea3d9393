file(REMOVE_RECURSE
  "CMakeFiles/test_cpp_api.dir/test_cpp_api.cpp.o"
  "CMakeFiles/test_cpp_api.dir/test_cpp_api.cpp.o.d"
  "test_cpp_api"
  "test_cpp_api.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/test_cpp_api.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
