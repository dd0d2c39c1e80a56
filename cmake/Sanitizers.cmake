# Sanitizer and fuzzing flags, decided once for the whole build.
#
#   GATKIT_SANITIZE   ""/OFF (none), ON (= address,undefined), or a comma list of address, undefined,
#                     thread (thread cannot be combined with address).
#   GATKIT_FUZZ       libFuzzer targets in fuzz/ (Clang only); implies address,undefined when
#                     GATKIT_SANITIZE names nothing.
#
# Sets GATKIT_SANITIZER_FLAGS (compile and link flags, given PUBLIC to the library so that tests, the
# command line and the installed package's consumers link the same runtime) and
# GATKIT_FUZZ_COVERAGE_FLAGS (libFuzzer's coverage instrumentation, for the library and the harness).
set(GATKIT_SANITIZER_FLAGS "")
set(GATKIT_FUZZ_COVERAGE_FLAGS "")

set(_gatkit_sanitize "${GATKIT_SANITIZE}")
string(TOLOWER "${_gatkit_sanitize}" _gatkit_sanitize)
if(_gatkit_sanitize MATCHES "^(on|yes|true|1)$")
  set(_gatkit_sanitize "address,undefined")
elseif(_gatkit_sanitize MATCHES "^(off|no|false|0|)$")
  set(_gatkit_sanitize "")
endif()
if(GATKIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GATKIT_FUZZ needs Clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(_gatkit_sanitize STREQUAL "")
    set(_gatkit_sanitize "address,undefined")
  endif()
  set(GATKIT_FUZZ_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
endif()

if(NOT _gatkit_sanitize STREQUAL "")
  string(REPLACE "," ";" _gatkit_list "${_gatkit_sanitize}")
  foreach(s IN LISTS _gatkit_list)
    if(NOT s MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "GATKIT_SANITIZE: unknown sanitizer '${s}' (expected address, undefined, thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _gatkit_list AND "address" IN_LIST _gatkit_list)
    message(FATAL_ERROR "GATKIT_SANITIZE: thread and address cannot be combined")
  endif()
  string(REPLACE ";" "," _gatkit_joined "${_gatkit_list}")
  set(GATKIT_SANITIZER_FLAGS -fsanitize=${_gatkit_joined} -fno-omit-frame-pointer -g)
  if("undefined" IN_LIST _gatkit_list)
    # Every undefined-behaviour report stops the program (a test that hits one fails), except
    # pointer-overflow, which stays recoverable so that it can be suppressed in one place: Debian's
    # RapidJSON 1.1.0 adds an offset to its parse stack's null pointer before the first allocation
    # (rapidjson/internal/stack.h, fixed upstream after 1.1.0). scripts/ubsan.supp suppresses exactly that
    # and the scripts run with halt_on_error=1, so any other pointer overflow still stops the program.
    list(APPEND GATKIT_SANITIZER_FLAGS -fno-sanitize-recover=undefined -fsanitize-recover=pointer-overflow)
  endif()
  message(STATUS "gatkit: sanitizers ${_gatkit_joined}")
endif()
