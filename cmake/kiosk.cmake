# embed_files(TARGET name NAMESPACE ns BASE dir FILES f1 f2 ...)
# Builds a static library whose files are compiled in as byte arrays, so the
# kiosk runs on its built-in defaults with nothing installed beside it.
# Lookup: ns::embedded_file("content/services.json") -> std::optional<std::string_view>
function(embed_files)
  cmake_parse_arguments(E "" "TARGET;NAMESPACE;BASE" "FILES" ${ARGN})
  set(out_cpp "${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}_data.cpp")
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}_files.txt")
  set(rel_files "")
  foreach(f IN LISTS E_FILES)
    file(RELATIVE_PATH rel "${E_BASE}" "${f}")
    list(APPEND rel_files "${rel}")
  endforeach()
  string(REPLACE ";" "\n" list_text "${rel_files}")
  file(GENERATE OUTPUT "${list_file}" CONTENT "${list_text}\n")
  add_custom_command(
    OUTPUT "${out_cpp}"
    COMMAND ${CMAKE_COMMAND} -DBASE=${E_BASE} -DLIST=${list_file} -DOUT=${out_cpp}
            -DNAMESPACE=${E_NAMESPACE} -P ${PROJECT_SOURCE_DIR}/cmake/embed_gen.cmake
    DEPENDS ${E_FILES} "${list_file}" ${PROJECT_SOURCE_DIR}/cmake/embed_gen.cmake
    COMMENT "Embedding ${E_TARGET}")
  add_library(${E_TARGET} STATIC "${out_cpp}")
  target_include_directories(${E_TARGET} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

# kiosk_glob_library(name dir1/*.cpp ...): a static library of the matching
# sources, or no target at all while a module has no sources yet (so one
# module under construction never stops the others from configuring).
function(kiosk_glob_library name)
  file(GLOB srcs CONFIGURE_DEPENDS ${ARGN})
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  endif()
endfunction()
