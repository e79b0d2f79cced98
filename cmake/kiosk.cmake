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

# kiosk_library(name DIR dir [SOURCES extra...]): a static library of every
# .cpp in one folder. The folder is the unit of layering: what it may include
# and link is held by tools/layers.txt and checked by the test check_layers.
function(kiosk_library name)
  cmake_parse_arguments(L "" "" "DIRS" ${ARGN})
  set(srcs "")
  foreach(d IN LISTS L_DIRS)
    file(GLOB s CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${d}/*.cpp)
    list(APPEND srcs ${s})
  endforeach()
  if(NOT srcs)
    message(FATAL_ERROR "kiosk_library(${name}): no sources in ${L_DIRS}")
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  set_property(GLOBAL APPEND PROPERTY KIOSK_LIBRARIES "${name}|${L_DIRS}")
endfunction()

# Writes build/layers-links.txt: each library's folder and what it links,
# for tools/check_layers.py --links (call once, after every add_subdirectory).
function(kiosk_write_link_graph)
  get_property(libs GLOBAL PROPERTY KIOSK_LIBRARIES)
  set(content "")
  foreach(entry IN LISTS libs)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 dir)
    string(APPEND content "${name}|${dir}|$<TARGET_PROPERTY:${name},LINK_LIBRARIES>\n")
  endforeach()
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/layers-links.txt" CONTENT "${content}")
endfunction()
