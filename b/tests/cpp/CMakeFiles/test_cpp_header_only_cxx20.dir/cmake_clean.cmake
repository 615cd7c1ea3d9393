file(REMOVE_RECURSE
  "CMakeFiles/test_cpp_header_only_cxx20.dir/test_header_only.cpp.o"
  "CMakeFiles/test_cpp_header_only_cxx20.dir/test_header_only.cpp.o.d"
  "test_cpp_header_only_cxx20"
  "test_cpp_header_only_cxx20.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/test_cpp_header_only_cxx20.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
