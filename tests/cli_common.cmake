# Shared by the cli_*.cmake test scripts: include() it after setting CLI_TEST (the script's name, used
# in messages and in the work folder). Checks -DCLI -DMODE -DDATA -DWORK_DIR, makes an empty folder
# ${dir} = WORK_DIR/<CLI_TEST>_<MODE>, and defines
#   run(EXPECTED_EXIT args...)           runs gatkit, fails unless the exit status matches; sets out, err
#   run_match(EXPECTED_EXIT REGEX args...)  the same, and fails unless stdout + stderr match REGEX
#   expect_match(TEXT REGEX WHAT)        fails unless TEXT matches REGEX
#   expect_equal(A B WHAT)               fails unless the strings A and B are equal, showing both
#   row_fields(ROW VAR)                  VAR = the CSV row of a molecule command without its record number
#                                        and without a trailing error field (empty for good rows)
#   expect_lines(FILE COUNT VAR)         fails unless FILE has COUNT lines; sets VAR to them (a list)
foreach(var CLI MODE DATA WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "${CLI_TEST}: -D${var}=... is required")
  endif()
endforeach()

set(dir ${WORK_DIR}/${CLI_TEST}_${MODE})
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir})

function(run expected)
  message(STATUS "${CLI_TEST}: gatkit ${ARGN}")
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT rc EQUAL expected)
    message(FATAL_ERROR "${CLI_TEST}: exit ${rc}, expected ${expected}\nstdout:\n${stdout}\nstderr:\n${stderr}")
  endif()
  set(out "${stdout}" PARENT_SCOPE)
  set(err "${stderr}" PARENT_SCOPE)
endfunction()

function(run_match expected regex)
  run(${expected} ${ARGN})
  if(NOT "${out}${err}" MATCHES "${regex}")
    message(FATAL_ERROR "${CLI_TEST}: gatkit ${ARGN}: no match for '${regex}' in:\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_match text regex what)
  if(NOT "${text}" MATCHES "${regex}")
    message(FATAL_ERROR "${CLI_TEST}: ${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

function(expect_equal a b what)
  if(NOT "${a}" STREQUAL "${b}")
    message(FATAL_ERROR "${CLI_TEST}: ${what}:\n'${a}'\n  differs from\n'${b}'")
  endif()
endfunction()

function(row_fields row var)
  string(REGEX REPLACE "^[0-9]+," "" row "${row}")
  string(REGEX REPLACE ",$" "" row "${row}")
  set(${var} "${row}" PARENT_SCOPE)
endfunction()

function(expect_lines file expected var)
  file(STRINGS ${file} lines)
  list(LENGTH lines count)
  if(NOT count EQUAL expected)
    message(FATAL_ERROR "${CLI_TEST}: ${file}: ${count} lines, expected ${expected}")
  endif()
  set(${var} "${lines}" PARENT_SCOPE)
endfunction()
