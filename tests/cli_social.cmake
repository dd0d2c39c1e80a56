# Run by ctest (tests cli_social_*) as
#   cmake -DCLI=<gatkit program> -DMODE=train|predict|errors -DDATA=<datasets/social> -DWORK_DIR=<dir> -P cli_social.cmake
# The command line on the bundled karate club manifest: train (summary fields), train --save and predict
# (original ids and class names in the CSV; the model's structural features and label column), and the
# errors (exit status and message).
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_social)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)
set(karate ${DATA}/karate/manifest.json)

if(MODE STREQUAL "train")
  set(summary ${WORK_DIR}/social_karate_summary.json)
  file(REMOVE ${summary})
  run_match(0 "test accuracy.*ROC-AUC" train --data ${karate} --epochs 200 --runs 2 --summary ${summary} --quiet)
  file(READ ${summary} json)
  foreach(key metric test_mean test_std runs test_macro_f1_mean test_macro_f1_std test_roc_auc_mean test_roc_auc_std)
    string(JSON value ERROR_VARIABLE missing GET "${json}" ${key})
    if(missing)
      message(FATAL_ERROR "cli_social: ${summary} has no '${key}'\n${json}")
    endif()
  endforeach()
  string(JSON layout GET "${json}" dataset layout)
  string(JSON test GET "${json}" dataset test)
  string(JSON mean GET "${json}" test_mean)
  if(NOT layout STREQUAL "manifest" OR NOT test EQUAL 32 OR mean LESS 0.9)
    message(FATAL_ERROR "cli_social: expected layout manifest, 32 test nodes, accuracy >= 0.9; got ${layout}, ${test}, ${mean}")
  endif()
  # The baseline, a fraction split and balanced weights on the same manifest.
  run_match(0 "over 1 run" train --data ${karate} --model mlp --split 0.5,0.25,0.25 --class-weights balanced --epochs 50 --quiet)
elseif(MODE STREQUAL "predict")
  set(model ${WORK_DIR}/social_karate.gatkit)
  set(csv ${WORK_DIR}/social_karate_predictions.csv)
  file(REMOVE ${model} ${csv})
  run_match(0 "test accuracy" train --data ${karate} --epochs 200 --save ${model} --quiet)
  run_match(0 "" predict --model ${model} --data ${karate} --out ${csv})
  file(STRINGS ${csv} lines)
  list(LENGTH lines count)
  list(GET lines 0 header)
  list(GET lines 34 last)
  if(NOT count EQUAL 35 OR NOT header STREQUAL "node_id,predicted_class,prob_Mr. Hi,prob_Officer"
     OR NOT last MATCHES "^33,Officer,")
    message(FATAL_ERROR "cli_social: unexpected predictions (${count} lines):\n${header}\n${last}")
  endif()
  # A model saved with the data options in ARGN predicts without them as with them (every node, the
  # last included), and explains without them.
  function(expect_options_kept model data what)
    run_match(0 "" predict --model ${model} --data ${data} --out ${csv}.kept)
    run_match(0 "" predict --model ${model} --data ${data} ${ARGN} --out ${csv}.given)
    file(READ ${csv}.kept kept)
    file(READ ${csv}.given given)
    if(NOT kept STREQUAL given OR NOT kept MATCHES "\n33,")
      message(FATAL_ERROR "cli_social: predictions with the model's ${what} differ from those given:\n${kept}\n${given}")
    endif()
    run_match(0 "layer 1 of 2" explain --model ${model} --data ${data} --node 0 --quiet)
  endfunction()
  # A model trained with --structural-features keeps them: predict and explain add the same columns
  # unless given others, and other ones are refused naming the model's.
  set(structural_model ${WORK_DIR}/social_karate_structural.gatkit)
  run_match(0 "test accuracy" train --data ${karate} --structural-features degree,identity --epochs 50 --save ${structural_model} --quiet)
  expect_options_kept(${structural_model} ${karate} "structural features" --structural-features degree,identity)
  run_match(2 "expects 50 features per node, the data has 34 \\(the model was trained with structural features 'degree,identity'\\)"
            predict --model ${structural_model} --data ${karate} --structural-features identity)
  # Likewise --label-column: a manifest naming a column its label table lacks trains only with
  # --label-column club, and the model's predictions then need no flag.
  set(labelled_dir ${WORK_DIR}/social_karate_label_column)
  file(REMOVE_RECURSE ${labelled_dir})
  file(COPY ${DATA}/karate/edges.txt ${DATA}/karate/labels.csv ${DATA}/karate/train.txt ${DATA}/karate/test.txt
       DESTINATION ${labelled_dir})
  file(READ ${karate} manifest)
  string(REPLACE "\"column\": \"club\"" "\"column\": \"faction\"" manifest "${manifest}")
  file(WRITE ${labelled_dir}/manifest.json "${manifest}")
  run_match(1 "no column 'faction'" train --data ${labelled_dir}/manifest.json --epochs 5 --quiet)
  set(column_model ${WORK_DIR}/social_karate_label_column.gatkit)
  run_match(0 "test accuracy" train --data ${labelled_dir}/manifest.json --label-column club --epochs 50 --save ${column_model} --quiet)
  expect_options_kept(${column_model} ${labelled_dir}/manifest.json "label column" --label-column club)
elseif(MODE STREQUAL "errors")
  run_match(2 "--split for node data takes fractions" train --data ${karate} --split random)
  run_match(2 "unknown model 'gcn'" train --data ${karate} --model gcn)
  run_match(2 "--label-column applies to a node data manifest" info --data ${DATA}/karate --label-column club)
  run_match(1 "labels.csv:1: no column 'faction' \\(the label column\\)" info --data ${karate} --label-column faction)
  file(WRITE ${WORK_DIR}/social_broken_manifest.json "{\"format\": \"gatkit-node-manifest\", \"edgs\": {}}")
  run_match(1 "social_broken_manifest.json: unknown key \"edgs\"" info --data ${WORK_DIR}/social_broken_manifest.json)
else()
  message(FATAL_ERROR "cli_social: unknown MODE '${MODE}' (expected train, predict or errors)")
endif()
