#===- MPTUtils.cmake - thin helpers for mpt targets ------------*- cmake -*-===#
#
# mpt links MLIR as the shared libMLIR.so (imported target `MLIR`): tools link
# in seconds, and the plugin loads into Debian's own mlir-opt-22, which uses the
# same library. Never mix it with the static MLIR archives in one process.
#
#===----------------------------------------------------------------------===#

# Targets the upstream AddMLIR helpers expect to exist in a standalone build.
if(NOT TARGET mlir-headers)
  add_custom_target(mlir-headers)
endif()
if(NOT TARGET mlir-generic-headers)
  add_custom_target(mlir-generic-headers)
endif()
if(NOT TARGET mlir-doc)
  add_custom_target(mlir-doc)
endif()

option(MPT_ENABLE_PCH "Precompile the heavy MLIR headers once" ON)

# A precompiled header of the MLIR includes that nearly every mpt source
# file needs. Parsing those headers is nearly all of a compile (10-12 s per
# file on g++ 12); with the PCH a file compiles in about 2 s.
function(mpt_create_pch_target)
  add_library(mpt-pch OBJECT ${MPT_SOURCE_DIR}/cmake/pch/Empty.cpp)
  llvm_update_compile_flags(mpt-pch)
  if(MPT_ENABLE_PCH)
    target_precompile_headers(mpt-pch PRIVATE
      ${MPT_SOURCE_DIR}/cmake/pch/MLIRHeaders.h)
  endif()
endfunction()

# mpt_add_library(name SOURCES... [DEPENDS tgt...] [LINK_LIBS lib...])
# A static library of mpt compiler code, linked to libMLIR.so.
function(mpt_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  if(MPT_ENABLE_PCH)
    target_precompile_headers(${name} REUSE_FROM mpt-pch)
  endif()
  set_property(GLOBAL APPEND PROPERTY MPT_LIBS ${name})
endfunction()

# mpt_add_tool(name SOURCES... [LINK_LIBS lib...])
function(mpt_add_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  # Tools are thin drivers; their objects are built as PIE, so the shared
  # (PIC) precompiled header does not apply to them.
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()
