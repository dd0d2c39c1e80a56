# Run by ctest (tests cli_blocks_*) as
#   cmake -DCLI=<gatkit program> -DMODE=node|molecules -DDATA=<cora folder | labelled.sdf> -DWORK_DIR=<dir>
#         -P cli_blocks.cmake
# --block transformer and --ffn-hidden on the command line:
#   node:      train Cora with 2 transformer blocks for a few epochs, save, predict and explain (the
#              checkpoint names the block and the feed-forward width); --ffn-hidden without --block
#              transformer and an unknown block are usage errors (exit 2);
#   molecules: the same on labelled.sdf, and --block transformer with --residual is refused.
cmake_minimum_required(VERSION 3.22)

foreach(var CLI MODE DATA WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "cli_blocks: -D${var}=... is required")
  endif()
endforeach()

set(dir ${WORK_DIR}/cli_blocks_${MODE})
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir})

function(run expected)
  message(STATUS "cli_blocks: gatkit ${ARGN}")
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT rc EQUAL expected)
    message(FATAL_ERROR "cli_blocks: exit ${rc}, expected ${expected}\nstdout:\n${stdout}\nstderr:\n${stderr}")
  endif()
  set(out "${stdout}" PARENT_SCOPE)
  set(err "${stderr}" PARENT_SCOPE)
endfunction()

function(expect_match text regex what)
  if(NOT "${text}" MATCHES "${regex}")
    message(FATAL_ERROR "cli_blocks: ${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

if(MODE STREQUAL "node")
  run(0 train --data ${DATA} --block transformer --ffn-hidden 32 --layers 3 --heads 2 --hidden 8 --epochs 3
      --threads 2 --quiet --save ${dir}/model.gk --summary ${dir}/summary.json)
  expect_match("${out}" "test accuracy [0-9.]+ \\+- 0.00 % over 1 run" "train output")
  file(READ ${dir}/summary.json summary)
  expect_match("${summary}" "\"block\": \"transformer\"" "summary block")
  expect_match("${summary}" "\"ffn_hidden\": 32" "summary ffn_hidden")
  file(STRINGS ${dir}/model.gk bytes REGEX "kind")  # the configuration JSON (the file is binary)
  expect_match("${bytes}" "\"block\":\"transformer\",\"ffn_hidden\":32" "checkpoint block")
  run(0 predict --model ${dir}/model.gk --data ${DATA} --out ${dir}/predictions.csv)
  file(STRINGS ${dir}/predictions.csv lines)
  list(LENGTH lines count)
  if(NOT count EQUAL 2709)
    message(FATAL_ERROR "cli_blocks: ${count} prediction lines, expected 2709")
  endif()
  # explain reads the attention weights of the blocks' attention layers and of the output layer: Cora's
  # 10556 edges + 2708 self-loops, 2 + 2 + 1 heads over the 3 layers, and a header.
  run(0 explain --model ${dir}/model.gk --data ${DATA} --output ${dir}/weights.csv --quiet)
  file(STRINGS ${dir}/weights.csv rows)
  list(LENGTH rows count)
  if(NOT count EQUAL 66321)
    message(FATAL_ERROR "cli_blocks: ${count} lines of attention weights, expected 66321")
  endif()
  # A default model's checkpoint does not mention blocks.
  run(0 train --data ${DATA} --epochs 1 --quiet --save ${dir}/gat.gk)
  file(STRINGS ${dir}/gat.gk bytes REGEX "kind")
  if("${bytes}" MATCHES "block|ffn_hidden")
    message(FATAL_ERROR "cli_blocks: a gat checkpoint names blocks:\n${bytes}")
  endif()
  run(2 train --data ${DATA} --ffn-hidden 16 --epochs 1 --quiet)
  expect_match("${err}" "--ffn-hidden needs --block transformer" "ffn without blocks")
  run(2 train --data ${DATA} --block mamba --epochs 1 --quiet)
  expect_match("${err}" "unknown block 'mamba' \\(expected gat or transformer\\)" "bad block")
  run(2 train --data ${DATA} --block transformer --layers 1 --epochs 1 --quiet)
  expect_match("${err}" "transformer blocks need at least 2 layers" "one layer")
elseif(MODE STREQUAL "molecules")
  run(0 train --data ${DATA} --target logp --block transformer --layers 2 --heads 2 --hidden 8 --runs 1 --epochs 2
      --quiet --save ${dir}/blocks.gk --summary ${dir}/summary.json)
  file(READ ${dir}/summary.json summary)
  expect_match("${summary}" "\"block\": \"transformer\"" "summary block")
  expect_match("${summary}" "\"ffn_hidden\": 32" "summary ffn_hidden (2 x 16)")
  file(STRINGS ${dir}/blocks.gk bytes REGEX "kind")
  expect_match("${bytes}" "\"block\":\"transformer\",\"ffn_hidden\":32" "checkpoint block")
  run(0 predict --model ${dir}/blocks.gk --data ${DATA} --out ${dir}/blocks.csv)
  file(STRINGS ${dir}/blocks.csv lines)
  list(LENGTH lines count)
  if(NOT count EQUAL 41)
    message(FATAL_ERROR "cli_blocks: ${count} prediction lines, expected 41")
  endif()
  run(0 explain --model ${dir}/blocks.gk --data ${DATA} --molecule 2 --output ${dir}/weights.csv)
  file(READ ${dir}/weights.csv weights)
  expect_match("${weights}" "\n2,[^,]*,2,2,[0-9]+,[0-9]+," "explain: layer 2, head 2 of a block")
  run(2 train --data ${DATA} --target logp --block transformer --residual --runs 1 --epochs 1 --quiet)
  expect_match("${err}" "transformer blocks have their own residual connections" "residual refused")
else()
  message(FATAL_ERROR "cli_blocks: unknown MODE '${MODE}' (expected node or molecules)")
endif()
