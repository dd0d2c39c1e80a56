# Run by ctest (tests cli_blocks_*) as
#   cmake -DCLI=<gatkit program> -DMODE=node|molecules -DDATA=<cora folder | labelled.sdf> -DWORK_DIR=<dir>
#         -P cli_blocks.cmake
# --block transformer and --ffn-hidden on the command line:
#   node:      train Cora with 2 transformer blocks for a few epochs, save, predict and explain (the
#              checkpoint names the block and the feed-forward width); stop and resume to the same model; --ffn-hidden without --block
#              transformer and an unknown block are usage errors (exit 2);
#   molecules: the same on labelled.sdf, and --block transformer with --residual is refused.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_blocks)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

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
  expect_lines(${dir}/predictions.csv 2709 lines)
  # explain reads the attention weights of the blocks' attention layers and of the output layer: Cora's
  # 10556 edges + 2708 self-loops, 2 + 2 + 1 heads over the 3 layers, and a header.
  run(0 explain --model ${dir}/model.gk --data ${DATA} --output ${dir}/weights.csv --quiet)
  expect_lines(${dir}/weights.csv 66321 rows)
  # Interrupted (--stop-after-epochs, exit 3) and resumed, the run ends with the same checkpoint.
  set(blocks --block transformer --layers 3 --heads 2 --hidden 8 --epochs 6 --quiet)
  run(0 train --data ${DATA} ${blocks} --save ${dir}/whole.gk)
  run(3 train --data ${DATA} ${blocks} --checkpoint ${dir}/state.gk --stop-after-epochs 3 --save ${dir}/resumed.gk)
  run(0 train --data ${DATA} ${blocks} --resume ${dir}/state.gk --save ${dir}/resumed.gk)
  file(SHA256 ${dir}/whole.gk whole)
  file(SHA256 ${dir}/resumed.gk resumed)
  if(NOT whole STREQUAL resumed)
    message(FATAL_ERROR "cli_blocks: the resumed run saved another model than the uninterrupted one")
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
  expect_lines(${dir}/blocks.csv 41 lines)
  run(0 explain --model ${dir}/blocks.gk --data ${DATA} --molecule 2 --output ${dir}/weights.csv)
  file(READ ${dir}/weights.csv weights)
  expect_match("${weights}" "\n2,[^,]*,2,2,[0-9]+,[0-9]+," "explain: layer 2, head 2 of a block")
  run(2 train --data ${DATA} --target logp --block transformer --residual --runs 1 --epochs 1 --quiet)
  expect_match("${err}" "transformer blocks have their own residual connections" "residual refused")
else()
  message(FATAL_ERROR "cli_blocks: unknown MODE '${MODE}' (expected node or molecules)")
endif()
