# Run by ctest (tests cli_molecules_*) as
#   cmake -DCLI=<gatkit program> -DMODE=predict|convert|info|ensemble|smiles|kfold -DDATA=<tests/data/chem/labelled>
#         -DWORK_DIR=<dir>
#         -P cli_molecules.cmake
# The molecule commands on the small files of tests/data/chem/labelled (make_labelled.py):
#   predict: train --save (binary, regression, and dot attention), predict, and files whose middle record is broken
#            (unreadable SDF, unknown element in JSON, two bonds between the same atoms):
#            without --on-error skip it fails naming record 2; with it, records 1 and 3 get exactly the
#            rows of the same molecules predicted without the broken record (never each other's);
#   convert: SDF -> JSON -> SDF -> JSON gives the same JSON twice; bad records fail or are skipped;
#   info:    counts, target balance and skipped records, as text and as JSON;
#   smiles:  the same molecules as a SMILES table (labelled.csv): a model trained on the SDF predicts the
#            CSV exactly as the SDF; train on the CSV; a bad SMILES fails naming record and column, or is
#            skipped with the other records' rows unchanged; a .smi file predicts as the table; convert;
#            a table without a SMILES column;
#   ensemble: --ensemble M trains, saves, predicts and explains; --refit with it;
#   kfold:   --split kfold:K --repeats R gives the runs of R commands with consecutive seeds.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_molecules)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

# CSV lines of a file, as a list (no field holds a ';' or a line break in these files).
function(csv_lines file var)
  file(STRINGS ${file} lines)
  set(${var} "${lines}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "predict")
  # Binary task, two runs: the summary says which run was saved.
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 10 --runs 2 --batch-size 8
      --save ${dir}/active.gk --summary ${dir}/summary.json --quiet)
  file(READ ${dir}/summary.json summary)
  string(JSON saved_run GET "${summary}" saved_run)
  expect_match("${saved_run}" "^[01]$" "saved_run in the summary")

  run(0 predict --model ${dir}/active.gk --data ${DATA}/labelled.sdf --out ${dir}/all.csv)
  expect_match("${err}" "predicted 40 of 40 records" "predict summary line")
  csv_lines(${dir}/all.csv all)
  list(LENGTH all n)
  expect_equal("${n}" "41" "rows of all.csv (header + 40 records)")
  list(GET all 0 header)
  expect_equal("${header}" "record,name,active,active_probability" "header")
  list(GET all 1 first)
  expect_match("${first}" "^1,mol01,[01],[0-9.e-]+$" "first row")

  # Without --out the CSV goes to standard output.
  run(0 predict --model ${dir}/active.gk --data ${DATA}/middle_removed.sdf)
  string(REGEX REPLACE "\n$" "" reference "${out}")
  string(REPLACE "\n" ";" reference "${reference}")
  list(GET reference 1 ref_first)
  list(GET reference 2 ref_second)
  row_fields("${ref_first}" ref_first)
  row_fields("${ref_second}" ref_second)
  string(REGEX REPLACE "^[^,]*," "" ref_first_values "${ref_first}")
  string(REGEX REPLACE "^[^,]*," "" ref_second_values "${ref_second}")
  if(ref_first_values STREQUAL ref_second_values)
    message(FATAL_ERROR "cli_molecules: test setup: the two molecules have the same prediction, a swap would go unseen")
  endif()

  # A broken middle record: an error naming it without --on-error skip...
  run(1 predict --model ${dir}/active.gk --data ${DATA}/broken_middle.sdf --out ${dir}/broken.csv)
  expect_match("${err}" "record 2" "error of the broken record")
  if(EXISTS ${dir}/broken.csv)
    message(FATAL_ERROR "cli_molecules: a failed predict left ${dir}/broken.csv behind")
  endif()
  # ... and with it, one row per record: 1 and 3 keep their own molecule's prediction, 2 has the error.
  run(1 predict --model ${dir}/active.gk --data ${DATA}/duplicate_bond_middle.sdf)
  expect_match("${err}" "record 2.*two bonds between atoms" "error of the record that cannot be featurised")
  foreach(input broken_middle.sdf broken_middle.json duplicate_bond_middle.sdf)
    run(0 predict --model ${dir}/active.gk --data ${DATA}/${input} --on-error skip --out ${dir}/skip.csv)
    expect_match("${err}" "skipped record 2: " "report of the skipped record (${input})")
    expect_match("${err}" "predicted 2 of 3 records; skipped 1 of 3 records: 2" "final line (${input})")
    csv_lines(${dir}/skip.csv rows)
    list(LENGTH rows n)
    expect_equal("${n}" "4" "rows of ${input} (header + 3 records)")
    list(GET rows 0 header)
    expect_equal("${header}" "record,name,active,active_probability,error" "header with --on-error skip")
    list(GET rows 1 row1)
    list(GET rows 2 row2)
    list(GET rows 3 row3)
    expect_match("${row1}" "^1,mol04," "record 1 (${input})")
    expect_match("${row2}" "^2,(duplicate)?,,,.+" "record 2: empty prediction and an error (${input})")
    expect_match("${row3}" "^3,mol11," "record 3 (${input})")
    row_fields("${row1}" got1)
    row_fields("${row3}" got3)
    expect_equal("${got1}" "${ref_first}" "record 1 of ${input} vs the same molecule without the broken record")
    expect_equal("${got3}" "${ref_second}" "record 3 of ${input} vs the same molecule without the broken record")
  endforeach()

  # Regression, two tasks: values in the targets' units, no probability columns.
  run(0 train --data ${DATA}/labelled.sdf --target logp,active --task regression --epochs 10 --runs 1 --batch-size 8
      --save ${dir}/logp.gk --quiet)
  run(0 predict --model ${dir}/logp.gk --data ${DATA}/labelled.sdf --out ${dir}/logp.csv)
  csv_lines(${dir}/logp.csv rows)
  list(GET rows 0 header)
  expect_equal("${header}" "record,name,logp,active" "regression header")
  list(GET rows 40 last)
  expect_match("${last}" "^40,mol40,-?[0-9.e-]+,-?[0-9.e-]+$" "regression row")

  # Dot scoring with bond features: train --attention dot --save, then predict from the checkpoint.
  run(0 train --data ${DATA}/labelled.sdf --target logp --attention dot --epochs 5 --runs 1 --batch-size 8
      --save ${dir}/dot.gk --quiet)
  run(0 predict --model ${dir}/dot.gk --data ${DATA}/labelled.sdf --out ${dir}/dot.csv)
  expect_match("${err}" "predicted 40 of 40 records" "predict summary line (dot model)")
  csv_lines(${dir}/dot.csv rows)
  list(GET rows 40 last)
  expect_match("${last}" "^40,mol40,-?[0-9.e-]+$" "dot model row")
  run(2 train --data ${DATA}/labelled.sdf --target logp --attention cosine --epochs 1)  # usage error
  expect_match("${err}" "cosine" "unknown --attention")

  run(1 predict --model ${dir}/nonexistent.gk --data ${DATA}/labelled.sdf)
  expect_match("${err}" "cannot open checkpoint" "missing checkpoint")
elseif(MODE STREQUAL "smiles")
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 10 --runs 1 --batch-size 8 --save ${dir}/sdf.gk --quiet)
  run(0 predict --model ${dir}/sdf.gk --data ${DATA}/labelled.sdf --out ${dir}/from_sdf.csv)
  run(0 predict --model ${dir}/sdf.gk --data ${DATA}/labelled.csv --name-column name --out ${dir}/from_csv.csv)
  expect_match("${err}" "predicted 40 of 40 records" "predict summary line (CSV)")
  file(READ ${dir}/from_sdf.csv from_sdf)
  file(READ ${dir}/from_csv.csv from_csv)
  expect_equal("${from_csv}" "${from_sdf}" "predictions from the SMILES table and from the SDF")
  # Without --name-column a molecule is named by its SMILES.
  run(0 predict --model ${dir}/sdf.gk --data ${DATA}/labelled.csv)
  expect_match("${out}" "\n4,c1ccccc1," "record 4 named by its SMILES")

  run(0 train --data ${DATA}/labelled.csv --target active --epochs 5 --runs 1 --batch-size 8 --save ${dir}/csv.gk
      --summary ${dir}/csv_summary.json --quiet)
  file(READ ${dir}/csv_summary.json summary)
  string(JSON metric GET "${summary}" metric)
  expect_equal("${metric}" "roc_auc" "metric of a binary task trained from a SMILES table")

  run(1 predict --model ${dir}/sdf.gk --data ${DATA}/broken_middle.csv)
  expect_match("${err}" "broken_middle.csv:3: record 2, column 'smiles' \\('C1CC'\\): position 2: ring bond 1 is never closed"
               "error of the bad SMILES")
  run(0 predict --model ${dir}/sdf.gk --data ${DATA}/broken_middle.csv --name-column name --on-error skip --out ${dir}/skip.csv)
  expect_match("${err}" "predicted 2 of 3 records; skipped 1 of 3 records: 2" "final line (CSV)")
  csv_lines(${dir}/skip.csv rows)
  csv_lines(${dir}/from_sdf.csv all)
  list(GET rows 1 row1)
  list(GET rows 3 row3)
  list(GET all 4 ref4)
  list(GET all 11 ref11)
  row_fields("${row1}" got1)
  row_fields("${row3}" got3)
  row_fields("${ref4}" want1)
  row_fields("${ref11}" want3)
  expect_equal("${got1}" "${want1}" "record 1 of broken_middle.csv vs mol04 of the full set")
  expect_equal("${got3}" "${want3}" "record 3 of broken_middle.csv vs mol11 of the full set")

  # The same molecules as a .smi file (SMILES, then the name): the rows of the named table.
  run(0 predict --model ${dir}/sdf.gk --data ${DATA}/labelled.smi --out ${dir}/from_smi.csv)
  file(READ ${dir}/from_smi.csv from_smi)
  expect_equal("${from_smi}" "${from_csv}" "predictions from the .smi file and from the table")

  run(0 convert --data ${DATA}/labelled.csv --name-column name --out ${dir}/from_csv.json)
  run(0 convert --data ${DATA}/labelled.sdf --out ${dir}/from_sdf.json)
  file(READ ${dir}/from_csv.json csv_json)
  string(JSON n LENGTH "${csv_json}" graphs)
  expect_equal("${n}" "40" "molecules converted from the SMILES table")
  string(JSON name GET "${csv_json}" graphs 31 name)
  expect_equal("${name}" "mol32" "name of record 32")
  expect_match("${csv_json}" "\"charge\":1" "the nitro group's N+ in the JSON")
  run(2 convert --data ${DATA}/labelled.sdf --out ${dir}/out.csv)
  run(1 info --data ${DATA}/labelled.csv --smiles-column structure)
  expect_match("${err}" "structure" "a SMILES column that does not exist")
  run(1 info --data ${DATA}/broken_middle.csv --smiles-column name)
  expect_match("${err}" "record 1, column 'name'" "a column of names read as SMILES")
elseif(MODE STREQUAL "convert")
  run(0 convert --data ${DATA}/labelled.sdf --out ${dir}/a.json)
  run(0 convert --data ${dir}/a.json --out ${dir}/b.sdf)
  run(0 convert --data ${dir}/b.sdf --out ${dir}/c.json)
  file(READ ${dir}/a.json a)
  file(READ ${dir}/c.json c)
  # RDKit writes some zero coordinates as -0.0000; the JSON reader does not keep the sign of a zero.
  string(REGEX REPLACE ":-0([,}])" ":0\\1" a_unsigned "${a}")
  expect_equal("${a_unsigned}" "${c}" "SDF -> JSON and SDF -> JSON -> SDF -> JSON")
  expect_match("${a}" "\"charge\":1" "a charge in the JSON")
  expect_match("${a}" "\"active\":null" "a missing label in the JSON")

  run(1 convert --data ${DATA}/broken_middle.sdf --out ${dir}/fail.json)
  expect_match("${err}" "record 2" "convert error")
  run(0 convert --data ${DATA}/broken_middle.sdf --out ${dir}/skip.json --on-error skip)
  expect_match("${err}" "skipped 1 of 3 records: 2" "convert skip line")
  file(READ ${dir}/skip.json skipped)
  string(JSON n LENGTH "${skipped}" graphs)
  expect_equal("${n}" "2" "molecules written with --on-error skip")
  run(2 convert --data ${DATA}/labelled.sdf --out ${dir}/out.txt)
elseif(MODE STREQUAL "info")
  run(0 info --data ${DATA}/labelled.sdf --target active,logp)
  expect_match("${out}" "molecules   40 of 40 records" "molecule count")
  expect_match("${out}" "active: 38 present, 2 missing; binary 0: 22 [(]57.9 %[)] 1: 16" "class balance")
  expect_match("${out}" "logp: 40 present, 0 missing; mean " "value statistics")
  expect_match("${out}" "elements    C 188 O 35 N 14" "element histogram")

  run(0 info --data ${DATA}/labelled.sdf --target active,logp --json)
  string(JSON molecules GET "${out}" molecules)
  expect_equal("${molecules}" "40" "JSON molecules")
  string(JSON atoms GET "${out}" atoms total)
  expect_equal("${atoms}" "245" "JSON atoms.total")
  string(JSON charged GET "${out}" charged_atoms)
  expect_equal("${charged}" "4" "JSON charged_atoms")
  string(JSON missing GET "${out}" targets 0 missing)
  expect_equal("${missing}" "2" "JSON targets[0].missing")
  string(JSON positives GET "${out}" targets 0 counts 1)
  expect_equal("${positives}" "16" "JSON targets[0].counts.1")
  string(JSON kind GET "${out}" targets 1 kind)
  expect_equal("${kind}" "values" "JSON targets[1].kind")
  string(JSON over GET "${out}" over_valence_molecules)
  expect_equal("${over}" "0" "JSON over_valence_molecules")

  # A nitro group written without charges and with one double bond (as MUTAG's SDF has them): read as
  # written, and counted as over its valence.
  file(WRITE ${dir}/over_valence.sdf
       "nitromethane\n  test\n\n  4  3  0  0  0  0  0  0  0  0999 V2000\n"
       "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
       "    0.0000    0.0000    0.0000 N   0  0  0  0  0  0  0  0  0  0  0  0\n"
       "    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
       "    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
       "  1  2  1  0\n  2  3  2  0\n  2  4  1  0\nM  END\n$$$$\n")
  run(0 info --data ${dir}/over_valence.sdf)
  expect_match("${out}" "valence     1 molecules with an atom over its element's valences" "over-valence line")
  expect_match("${out}" "record 1: atom 2 [(]N[)]: valence 4 is more than the 3 that N allows" "over-valence example")
  run(0 info --data ${dir}/over_valence.sdf --json)
  string(JSON over GET "${out}" over_valence_molecules)
  expect_equal("${over}" "1" "JSON over_valence_molecules")
  string(JSON over GET "${out}" over_valence_records 0)
  expect_equal("${over}" "1" "JSON over_valence_records[0]")

  run(1 info --data ${DATA}/broken_middle.json)
  run(0 info --data ${DATA}/broken_middle.json --on-error skip --json)
  string(JSON record GET "${out}" skipped_records 0 record)
  expect_equal("${record}" "2" "JSON skipped record")
  string(JSON molecules GET "${out}" molecules)
  expect_equal("${molecules}" "2" "JSON molecules after skipping")
elseif(MODE STREQUAL "ensemble")
  # --ensemble 3: the summary records it, the checkpoint predicts, explain picks a member (resuming an
  # ensemble: cli_resume_ensemble).
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 5 --runs 1 --batch-size 8 --ensemble 3
      --summary ${dir}/ensemble.json --save ${dir}/ensemble.gk --quiet)
  file(READ ${dir}/ensemble.json summary)
  string(JSON members GET "${summary}" config ensemble)
  expect_equal("${members}" "3" "config.ensemble in the summary")
  run(0 predict --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --out ${dir}/ensemble.csv)
  expect_match("${err}" "predicted 40 of 40 records" "predict summary line (ensemble)")
  csv_lines(${dir}/ensemble.csv rows)
  list(GET rows 1 first)
  expect_match("${first}" "^1,mol01,[01],[0-9.e-]+$" "first row (ensemble)")
  run(0 explain --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --molecule 1 --layer 1)
  expect_match("${err}" "ensemble of 3; these are the attention weights of member 1" "explain note")
  set(member1 "${out}")
  run(0 explain --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --molecule 1 --layer 1 --member 2)
  if("${out}" STREQUAL "${member1}")
    message(FATAL_ERROR "cli_molecules: members 1 and 2 gave the same attention weights")
  endif()
  run(2 explain --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --molecule 1 --member 4)
  expect_match("${err}" "--member 4: the model has 3 members" "member out of range")
  run(2 train --data ${DATA}/labelled.sdf --target active --ensemble 0)
  expect_match("${err}" "--ensemble must be 1 to 64" "--ensemble 0")
  # --refit: the summary records it; validation figures and epochs are the early-stopped run's, the
  # saved model (refitted on training + validation molecules) is another and predicts every record.
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 5 --runs 1 --batch-size 8 --ensemble 3 --refit
      --summary ${dir}/refit.json --save ${dir}/refit.gk --quiet)
  file(READ ${dir}/refit.json refit_summary)
  string(JSON refit GET "${refit_summary}" config refit)
  expect_equal("${refit}" "ON" "config.refit in the summary")
  string(JSON refit GET "${summary}" config refit)
  expect_equal("${refit}" "OFF" "config.refit without --refit")
  foreach(key val val_accuracy best_epoch epochs)
    string(JSON a GET "${summary}" runs 0 ${key})
    string(JSON b GET "${refit_summary}" runs 0 ${key})
    expect_equal("${b}" "${a}" "${key} with --refit")
  endforeach()
  file(SHA256 ${dir}/ensemble.gk plain_hash)
  file(SHA256 ${dir}/refit.gk refit_hash)
  if(plain_hash STREQUAL refit_hash)
    message(FATAL_ERROR "cli_molecules: the refitted model is the early-stopped one")
  endif()
  run(0 predict --model ${dir}/refit.gk --data ${DATA}/labelled.sdf --out ${dir}/refit.csv)
  expect_match("${err}" "predicted 40 of 40 records" "predict summary line (refit)")
elseif(MODE STREQUAL "kfold")
  # Repeated K-fold cross-validation: --repeats 2 --seed 5 gives exactly the runs of --seed 5 and --seed 6,
  # in that order, and the summary holds each repetition's mean.
  set(common --data ${DATA}/labelled.sdf --target active --split kfold:4 --epochs 1 --lr 1e-5 --batch-size 8 --quiet)
  run(0 train ${common} --seed 5 --repeats 2 --summary ${dir}/kfold_repeats.json)
  file(READ ${dir}/kfold_repeats.json repeated)
  string(JSON repeats GET "${repeated}" repeats)
  expect_equal("${repeats}" "2" "repeats in the summary")
  string(JSON count LENGTH "${repeated}" runs)
  expect_equal("${count}" "8" "runs of 2 x 4 folds")
  set(i 0)
  foreach(seed 5 6)
    run(0 train ${common} --seed ${seed} --summary ${dir}/kfold_seed${seed}.json)
    file(READ ${dir}/kfold_seed${seed}.json single)
    string(JSON repeats GET "${single}" repeats)
    expect_equal("${repeats}" "1" "repeats of a single cross-validation")
    foreach(f RANGE 3)
      foreach(key seed test val test_accuracy best_epoch)
        string(JSON a GET "${repeated}" runs ${i} ${key})
        string(JSON b GET "${single}" runs ${f} ${key})
        expect_equal("${a}" "${b}" "run ${i} (${key}) of --repeats 2 and fold ${f} of --seed ${seed}")
      endforeach()
      math(EXPR i "${i} + 1")
    endforeach()
    math(EXPR j "${seed} - 5")
    string(JSON a GET "${repeated}" test_mean_per_repeat ${j})
    string(JSON b GET "${single}" test_mean)
    expect_equal("${a}" "${b}" "mean of repetition ${j} and test_mean of --seed ${seed}")
    string(JSON a GET "${repeated}" test_accuracy_mean_per_repeat ${j})
    string(JSON b GET "${single}" test_accuracy_mean)
    expect_equal("${a}" "${b}" "accuracy of repetition ${j} and test_accuracy_mean of --seed ${seed}")
  endforeach()
  run(2 train --data ${DATA}/labelled.sdf --target active --repeats 2)
  expect_match("${err}" "--repeats repeats K-fold cross-validation; it needs --split kfold:K" "--repeats without kfold")
  run(2 train ${common} --repeats 0)
  expect_match("${err}" "--repeats must be 1 to 1000" "--repeats 0")
else()
  message(FATAL_ERROR "cli_molecules: unknown MODE '${MODE}' (expected predict, convert, info, ensemble, smiles or kfold)")
endif()
message(STATUS "cli_molecules: ${MODE} passed")
