# One CTest test per GoogleTest *suite* (not per test): every test still runs and a failure still
# names it in the output, but a suite shares one process, so it pays the process start-up and its
# fixtures (a trained model, a simulated table) once instead of once per test. On 2 cores that
# halved CTest's time (see docs/development.md).
#
# dnacnn_add_suites(target [TIMEOUT s]): suites whose name starts with "Long" get the label
# `long` (left out of `make test`, run by `make test-long`). The suites are listed when CTest
# runs (like gtest_discover_tests' PRE_TEST mode), so adding a test needs no re-configure.
set(_DNACNN_SUITES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/gtest_suites_list.cmake)

function(dnacnn_add_suites target)
  cmake_parse_arguments(ARG "" "TIMEOUT;PREFIX" "" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 900)
  endif()
  set(_include ${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake)
  file(GENERATE OUTPUT ${_include} CONTENT
"set(DNACNN_SUITES_EXE [==[$<TARGET_FILE:${target}>]==])
set(DNACNN_SUITES_DIR [==[${CMAKE_CURRENT_BINARY_DIR}]==])
set(DNACNN_SUITES_TIMEOUT ${ARG_TIMEOUT})
set(DNACNN_SUITES_PREFIX [==[${ARG_PREFIX}]==])
include([==[${_DNACNN_SUITES_SCRIPT}]==])
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${_include})
endfunction()
