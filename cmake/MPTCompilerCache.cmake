#===- MPTCompilerCache.cmake - use ccache when present ---------*- cmake -*-===#

option(MPT_USE_CCACHE "Use ccache when it is installed" ON)
if(MPT_USE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(MPT_CCACHE_PROGRAM ccache)
  if(MPT_CCACHE_PROGRAM)
    message(STATUS "Using ccache: ${MPT_CCACHE_PROGRAM}")
    set(CMAKE_C_COMPILER_LAUNCHER ${MPT_CCACHE_PROGRAM})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${MPT_CCACHE_PROGRAM})
  endif()
endif()
