#===- MPTSanitizers.cmake - sanitizer and fuzzing builds -------*- cmake -*-===#
#
# MPT_SANITIZE=<list> compiles and links everything with -fsanitize=<list>
# (scripts/run_tests.sh --asan uses "address,undefined" with clang 22 in
# build-asan/); MPT_FUZZ=ON also instruments everything for libFuzzer
# (-fsanitize=fuzzer-no-link) and builds the fuzz targets of fuzz/. Both are
# set before any target is defined, so the runtime, the emulator, the
# compiler libraries, the tools and the tests are all instrumented. See
# docs/reliability.md.
#
#===----------------------------------------------------------------------===#

set(MPT_SANITIZE "" CACHE STRING
  "Build with -fsanitize=<list>, e.g. address,undefined (empty: none)")
option(MPT_FUZZ "Instrument for libFuzzer and build fuzz/ (needs clang)" OFF)

if(MPT_SANITIZE)
  message(STATUS "Sanitizers: ${MPT_SANITIZE}")
  # Every report stops the program (and fails its test); frame pointers
  # make the reports' stacks complete.
  add_compile_options(-fsanitize=${MPT_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=${MPT_SANITIZE})
endif()

if(MPT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MPT_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER="
                        "/usr/lib/llvm-22/bin/clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Shared libraries of a sanitizer build refer to the sanitizer runtime,
# which only the executables that load them link: they cannot be linked
# with --no-undefined.
if(MPT_SANITIZE)
  set(MPT_NO_UNDEFINED_LINK_OPTION "")
else()
  set(MPT_NO_UNDEFINED_LINK_OPTION -Wl,--no-undefined)
endif()
