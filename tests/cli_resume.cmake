# Run by ctest (tests cli_resume_*) as
#   cmake -DCLI=<gatkit program> -DMODE=node|molecules|regression|ensemble|refit -DDATA=<karate manifest | labelled.sdf>
#         -DWORK_DIR=<dir>
#         -P cli_resume.cmake
# --checkpoint / --resume / --stop-after-epochs: a command stopped part-way (exit 3, state written) and
# resumed, once or twice, across a run boundary, prints the same results and saves the same model as the
# uninterrupted command; the state is removed at the end; another command line or a model file is
# refused with a message.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_resume)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

if(MODE STREQUAL "node")
  set(common --data ${DATA} --runs 2 --epochs 30 --patience 1000 --quiet)
  set(stop_at 40)  # run 2, epoch 10
elseif(MODE STREQUAL "regression")
  # Stopped in run 2: run 1's weights and its target scaling (mean and std of its training split) are
  # kept in the state and must come back as they were.
  set(common --data ${DATA} --target logp --runs 2 --epochs 12 --patience 100 --batch-size 4
    --layers 2 --heads 2 --hidden 4 --dropout 0.2 --quiet)
  set(stop_at 15)  # run 2, epoch 3
elseif(MODE STREQUAL "ensemble")
  # Three members per run: stopped in run 1's second member (8 epochs = the first member's 5 that reach
  # the state callback, its last does not, and 3 of the second), then in the third member; the
  # finished members' weights come back from the state.
  set(common --data ${DATA} --target active --runs 2 --epochs 6 --patience 100 --batch-size 4 --ensemble 3
    --layers 2 --heads 2 --hidden 4 --dropout 0.2 --quiet)
  set(stop_at 8)  # run 1, member 2, epoch 3
elseif(MODE STREQUAL "refit")
  # --refit: every run trains a second pass on training + validation molecules (12 epochs here, the best
  # epoch); stopped in run 1's refit, then again later in it, the refitted weights come out the same.
  set(common --data ${DATA} --target active --runs 2 --epochs 12 --patience 100 --batch-size 4 --refit
    --layers 2 --heads 2 --hidden 4 --dropout 0.2 --quiet)
  set(stop_at 15)  # run 1: the first pass's 11 epochs that reach the state callback, then refit epoch 4
else()
  set(common --data ${DATA} --target active --runs 2 --epochs 12 --patience 100 --batch-size 2
    --layers 2 --heads 2 --hidden 4 --dropout 0.2 --lr-decay 0.5 --lr-patience 2 --quiet)
  set(stop_at 7)  # run 1, epoch 7
endif()

# The printed results without the timings, which differ from run to run.
function(results text var)
  string(REGEX REPLACE "\\([^)]*(ms|graphs/s)[^)]*\\)" "" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

run(0 train ${common} --save ${dir}/whole.gk --summary ${dir}/whole.json)
results("${out}" whole_out)

run(3 train ${common} --checkpoint ${dir}/run.state --checkpoint-every 4 --stop-after-epochs ${stop_at} --threads 1)
expect_match("${err}" "stopped after ${stop_at} epoch\\(s\\) as asked.*--resume" "stop message")
if(MODE STREQUAL "ensemble")
  expect_match("${err}" "at epoch 3 of ensemble member 2/3 of run 1" "stop message names the member")
endif()
if(MODE STREQUAL "refit")
  expect_match("${err}" "at epoch 4 of the refit of run 1" "stop message names the refit")
endif()
if(NOT EXISTS ${dir}/run.state)
  message(FATAL_ERROR "cli_resume: no state after the stop")
endif()
# Another command line is refused, naming both.
run(2 train ${common} --lr 0.5 --resume ${dir}/run.state)
expect_match("${err}" "written by another command line" "fingerprint refusal")
# A model is not a state.
run(1 train ${common} --resume ${dir}/whole.gk)
expect_match("${err}" "not a training state" "model refusal")
# Second slice, then the rest (options in another order, other threads).
run(3 train --threads 2 ${common} --resume ${dir}/run.state --stop-after-epochs 5 --checkpoint-every 4)
run(0 train ${common} --resume ${dir}/run.state --save ${dir}/resumed.gk --summary ${dir}/resumed.json --threads 2)
results("${out}" resumed_out)
if("${resumed_out}" STREQUAL "" OR NOT "${resumed_out}" STREQUAL "${whole_out}")
  message(FATAL_ERROR "cli_resume: resumed output differs:\n${resumed_out}\nuninterrupted:\n${whole_out}")
endif()
file(SHA256 ${dir}/whole.gk whole_hash)
file(SHA256 ${dir}/resumed.gk resumed_hash)
if(NOT whole_hash STREQUAL resumed_hash)
  message(FATAL_ERROR "cli_resume: the resumed model differs from the uninterrupted one")
endif()
if(EXISTS ${dir}/run.state)
  message(FATAL_ERROR "cli_resume: the state was left behind after the command completed")
endif()
