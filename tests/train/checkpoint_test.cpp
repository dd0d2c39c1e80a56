// Checkpoints: round trip, atomic replacement, and every kind of damaged or forged file giving a
// gatkit::Error that names the file (never a crash, never a huge allocation). Forged files are built
// by hand from the format documented at the top of src/train/checkpoint.cpp, with a valid checksum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "gatkit/nn/model.hpp"
#include "gatkit/train/node_classification.hpp"
#include "checkpoint_test_util.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

using test::fnv1a;
using test::read_bytes;
using test::write_bytes;

template <class T>
void put(std::string& out, T value) {
  char b[sizeof(T)];
  std::memcpy(b, &value, sizeof(T));
  out.append(b, sizeof(T));
}

template <class T>
T get(const std::string& bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof(T));
  return v;
}

/// A checkpoint file assembled field by field (version 1 layout), optionally with lying lengths.
struct Forge {
  std::string magic = "GATKITCK";
  std::uint32_t version = 1;
  std::uint32_t reserved = 0;
  std::string json;
  std::optional<std::uint64_t> json_length;  ///< declared length; the real one when empty
  std::vector<float> params;
  std::optional<std::uint64_t> count;        ///< declared parameter count; the real one when empty

  std::string bytes() const {
    std::string out = magic;
    put(out, version);
    put(out, reserved);
    put<std::uint64_t>(out, json_length.value_or(json.size()));
    out += json;
    put<std::uint64_t>(out, count.value_or(params.size()));
    out.append(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float));
    put<std::uint64_t>(out, fnv1a(out));
    return out;
  }
};

TrainedModel sample_model(const ModelConfig& config, std::vector<std::string> names) {
  TrainedModel m;
  m.config = config;
  m.class_names = std::move(names);
  const std::int64_t size = GatModel<float>(config).parameters().size();
  m.parameters.resize(size);
  for (std::int64_t k = 0; k < size; ++k) m.parameters[k] = std::sin(static_cast<float>(k) * 0.37f) * 3.0f;
  return m;
}

ModelConfig unusual_config() {
  ModelConfig c;
  c.in_dim = 11;
  c.num_classes = 3;
  c.attention = AttentionKind::dot;
  c.layers = 3;
  c.heads = 3;
  c.hidden = 5;
  c.output_heads = 2;
  c.dropout = 1.0 / 3.0;
  c.attention_dropout = 0.1;
  c.negative_slope = 0.15;
  c.self_loops = false;
  return c;
}

ModelConfig small_config() {
  ModelConfig c;
  c.in_dim = 3;
  c.num_classes = 2;
  c.layers = 1;
  c.heads = 1;
  c.hidden = 2;
  return c;
}

class CheckpointTest : public test::TempDirTest {
 protected:

  /// The JSON that save_model writes for `m`, read back out of a real checkpoint.
  std::string saved_json(const TrainedModel& m) {
    const fs::path f = dir_ / "json_probe.ckpt";
    save_model(m, f);
    const std::string bytes = read_bytes(f);
    fs::remove(f);
    return bytes.substr(24, get<std::uint64_t>(bytes, 16));
  }

  /// load_model must throw gatkit::Error whose message names the file and contains `needle`.
  void expect_load_error(const std::string& what, const std::string& bytes, const std::string& needle = "") {
    expect_error(what, bytes, needle, [](const fs::path& f) { return load_model(f); });
  }
};

TEST_F(CheckpointTest, RoundTripKeepsEverything) {
  TrainedModel m = sample_model(unusual_config(), {std::string("al\0pha", 6), "b \"quoted\" \\ slash", "ünïcode ☃", });  // a NUL survives too
  m.normalize_features = false;
  // Special values must survive bit for bit.
  m.parameters[0] = -0.0f;
  m.parameters[1] = std::numeric_limits<float>::denorm_min();
  m.parameters[2] = std::numeric_limits<float>::infinity();
  m.parameters[3] = std::numeric_limits<float>::max();
  m.parameters[4] = std::nextafter(1.0f, 2.0f);
  const fs::path f = dir_ / "model.ckpt";
  save_model(m, f);
  const TrainedModel r = load_model(f);
  const ModelConfig &a = m.config, &b = r.config;
  EXPECT_EQ(b.in_dim, a.in_dim);
  EXPECT_EQ(b.num_classes, a.num_classes);
  EXPECT_EQ(b.attention, a.attention);
  EXPECT_EQ(b.layers, a.layers);
  EXPECT_EQ(b.heads, a.heads);
  EXPECT_EQ(b.hidden, a.hidden);
  EXPECT_EQ(b.output_heads, a.output_heads);
  EXPECT_EQ(b.dropout, a.dropout);  // exact: 1/3 must not lose a bit in the JSON
  EXPECT_EQ(b.attention_dropout, a.attention_dropout);
  EXPECT_EQ(b.negative_slope, a.negative_slope);
  EXPECT_EQ(b.self_loops, a.self_loops);
  EXPECT_EQ(r.normalize_features, false);
  EXPECT_EQ(r.class_names, m.class_names);
  ASSERT_EQ(r.parameters.size(), m.parameters.size());
  EXPECT_EQ(std::memcmp(r.parameters.data(), m.parameters.data(), sizeof(float) * static_cast<std::size_t>(m.parameters.size())), 0);
  EXPECT_TRUE(std::signbit(r.parameters[0]));

  // And the defaults (additive, self-loops on, normalisation on).
  ModelConfig d;
  d.in_dim = 4;
  d.num_classes = 2;
  const TrainedModel dm = sample_model(d, {"0", "1"});
  save_model(dm, f);
  const TrainedModel dr = load_model(f);
  EXPECT_EQ(dr.config.attention, AttentionKind::additive);
  EXPECT_EQ(dr.config.dropout, 0.6);
  EXPECT_EQ(dr.config.negative_slope, 0.2);
  EXPECT_TRUE(dr.config.self_loops);
  EXPECT_TRUE(dr.normalize_features);
  EXPECT_TRUE(dr.parameters == dm.parameters);
}

// The attention switches survive a round trip; defaults are not written (a default model's file is what
// earlier versions wrote), and a file without them loads with the defaults.
TEST_F(CheckpointTest, AttentionSwitchesRoundTrip) {
  const fs::path f = dir_ / "switches.ckpt";
  constexpr Cardinality none = Cardinality::none, additive = Cardinality::additive;
  for (auto [kind, norm, merge, cardinality] :
       {std::tuple{AttentionKind::gatv2, AttentionNormalizer::sparsemax, HeadMerge::project, additive},
        std::tuple{AttentionKind::additive, AttentionNormalizer::relu, HeadMerge::mean, none},
        std::tuple{AttentionKind::dot, AttentionNormalizer::sparsemax, HeadMerge::concat, additive},
        std::tuple{AttentionKind::gatv2, AttentionNormalizer::softmax, HeadMerge::concat, none}}) {
    ModelConfig c = unusual_config();
    c.attention = kind;
    c.normalizer = norm;
    c.head_merge = merge;
    c.cardinality = cardinality;
    const TrainedModel m = sample_model(c, {"a", "b", "c"});
    save_model(m, f);
    const TrainedModel r = load_model(f);
    EXPECT_EQ(r.config.attention, kind);
    EXPECT_EQ(r.config.normalizer, norm);
    EXPECT_EQ(r.config.head_merge, merge);
    EXPECT_EQ(r.config.cardinality, cardinality);
    EXPECT_EQ(m.parameters.size(), c.parameter_count());
    EXPECT_TRUE(r.parameters == m.parameters);
    const std::string json = saved_json(m);
    EXPECT_NE(json.find("\"attention\":\"" + to_string(kind) + "\""), std::string::npos) << json;
    EXPECT_EQ(json.find("\"normalizer\"") != std::string::npos, norm != AttentionNormalizer::softmax) << json;
    EXPECT_EQ(json.find("\"head_merge\"") != std::string::npos, merge != HeadMerge::concat) << json;
    EXPECT_EQ(json.find("\"cardinality\"") != std::string::npos, cardinality != none) << json;
  }
  // A file without the members (as written before them, or for a default model): softmax, concat.
  ModelConfig c = small_config();
  c.attention = AttentionKind::gatv2;
  const TrainedModel m = sample_model(c, {"a", "b"});
  const std::string json = saved_json(m);
  ASSERT_EQ(json.find("normalizer"), std::string::npos);
  save_model(m, f);
  const TrainedModel r = load_model(f);
  EXPECT_EQ(r.config.normalizer, AttentionNormalizer::softmax);
  EXPECT_EQ(r.config.head_merge, HeadMerge::concat);
  EXPECT_EQ(r.config.cardinality, Cardinality::none);
  // Unknown names are errors naming the file and the value.
  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto with = [&](const std::string& member) {
    std::string edited = json;
    edited.insert(edited.find("\"layers\""), member + ",");
    Forge forge;
    forge.json = edited;
    forge.params = params;
    return forge.bytes();
  };
  expect_load_error("unknown normalizer", with("\"normalizer\":\"entmax\""), "entmax");
  expect_load_error("unknown head merge", with("\"head_merge\":\"sum\""), "sum");
  expect_load_error("normalizer not a string", with("\"normalizer\":1"), "normalizer");
  expect_load_error("unknown cardinality", with("\"cardinality\":\"scaled\""), "scaled");
  expect_load_error("cardinality without its weights", with("\"cardinality\":\"additive\""), "parameters");
  // A merge that changes the parameter blocks must match the parameters present.
  ModelConfig three = small_config();
  three.layers = 2;
  const TrainedModel concat_model = sample_model(three, {"a", "b"});
  std::string concat_json = saved_json(concat_model);
  concat_json.insert(concat_json.find("\"layers\""), "\"head_merge\":\"project\",");
  Forge forge;
  forge.json = concat_json;
  forge.params.assign(concat_model.parameters.data(), concat_model.parameters.data() + concat_model.parameters.size());
  expect_load_error("project without its weights", forge.bytes(), "parameters");
}

TEST_F(CheckpointTest, FileFollowsTheDocumentedFormat) {
  const TrainedModel m = sample_model(unusual_config(), {"x", "y", "z"});
  const fs::path f = dir_ / "model.ckpt";
  save_model(m, f);
  const std::string bytes = read_bytes(f);
  ASSERT_GT(bytes.size(), 32u);
  EXPECT_EQ(bytes.substr(0, 8), "GATKITCK");
  EXPECT_EQ(get<std::uint32_t>(bytes, 8), 1u);
  EXPECT_EQ(get<std::uint32_t>(bytes, 12), 0u);
  const auto json_size = get<std::uint64_t>(bytes, 16);
  const auto count = get<std::uint64_t>(bytes, 24 + json_size);
  EXPECT_EQ(count, static_cast<std::uint64_t>(m.parameters.size()));
  EXPECT_EQ(bytes.size(), 24 + json_size + 8 + count * 4 + 8);
  EXPECT_EQ(get<std::uint64_t>(bytes, bytes.size() - 8), fnv1a(bytes.substr(0, bytes.size() - 8)));
  // The hand-built file of this test is byte-identical, so the forged files below are realistic.
  Forge forge;
  forge.json = bytes.substr(24, json_size);
  forge.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  EXPECT_EQ(forge.bytes(), bytes);
}

TEST_F(CheckpointTest, SaveIsAtomicAndReplacesExistingFile) {
  const fs::path f = dir_ / "model.ckpt";
  write_bytes(f, "an older, different file that must be replaced");
  write_bytes(fs::path(f.string() + ".tmp"), "a stale temporary file from a crash");
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  save_model(m, f);
  EXPECT_FALSE(fs::exists(f.string() + ".tmp"));
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir_)) entries.push_back(e.path().filename());
  ASSERT_EQ(entries.size(), 1u) << "something besides the checkpoint was left behind";
  EXPECT_EQ(entries[0], "model.ckpt");
  EXPECT_TRUE(load_model(f).parameters == m.parameters);

  // Saving again over a valid checkpoint replaces it.
  TrainedModel m2 = m;
  m2.parameters.array() += 1.0f;
  save_model(m2, f);
  EXPECT_TRUE(load_model(f).parameters == m2.parameters);

  // An unwritable destination is an Error, and leaves nothing behind.
  const fs::path missing = dir_ / "no_such_dir" / "model.ckpt";
  EXPECT_THROW(save_model(m, missing), Error);
  EXPECT_FALSE(fs::exists(missing));
}

TEST_F(CheckpointTest, MissingFileIsAnError) {
  try {
    (void)load_model(dir_ / "does_not_exist.ckpt");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does_not_exist.ckpt"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)load_model(dir_), Error);  // a directory
}

TEST_F(CheckpointTest, DamagedHeadersAreErrors) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  Forge good;
  good.json = saved_json(m);
  good.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  {  // sanity: the unmodified forge loads
    const fs::path f = dir_ / "good.ckpt";
    write_bytes(f, good.bytes());
    EXPECT_TRUE(load_model(f).parameters == m.parameters);
  }
  expect_load_error("empty file", "", "magic");
  expect_load_error("a few bytes", "GATK", "magic");
  Forge f = good;
  f.magic = "GATKITCX";
  expect_load_error("wrong magic", f.bytes(), "magic");
  expect_load_error("text file", std::string(200, 'x'), "magic");
  f = good;
  f.version = 2;
  expect_load_error("version 2", f.bytes(), "version 2");
  f.version = 0;
  expect_load_error("version 0", f.bytes(), "version 0");
}

TEST_F(CheckpointTest, TruncatedFilesAreErrors) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  const fs::path f = dir_ / "model.ckpt";
  save_model(m, f);
  const std::string full = read_bytes(f);
  int tried = 0;
  for (std::size_t len = 0; len < full.size(); len += 7, ++tried)
    expect_load_error("truncated to " + std::to_string(len) + " of " + std::to_string(full.size()), full.substr(0, len));
  for (std::size_t cut = 1; cut <= 8; ++cut)  // inside the checksum
    expect_load_error("last " + std::to_string(cut) + " bytes cut", full.substr(0, full.size() - cut));
  EXPECT_GT(tried, 20);
  expect_load_error("trailing garbage", full + "extra", "");
}

TEST_F(CheckpointTest, FlippedBytesFailTheChecksum) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  const fs::path f = dir_ / "model.ckpt";
  save_model(m, f);
  const std::string full = read_bytes(f);
  const auto json_size = get<std::uint64_t>(full, 16);
  const std::size_t weights = 24 + json_size + 8;
  for (std::size_t at : {weights, weights + 5, full.size() - 9, std::size_t{30}, full.size() - 1}) {
    std::string bad = full;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    expect_load_error("flipped byte at " + std::to_string(at), bad, "checksum");
  }
}

TEST_F(CheckpointTest, AbsurdDeclaredLengthsAreErrorsWithoutAllocating) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  Forge good;
  good.json = saved_json(m);
  good.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  Forge f = good;
  f.json_length = 1ull << 60;
  expect_load_error("json length 2^60", f.bytes(), "truncated");
  f.json_length = ~0ull;
  expect_load_error("json length 2^64-1", f.bytes(), "truncated");
  f.json_length = good.json.size() + 1;
  expect_load_error("json length one too many", f.bytes());
  f = good;
  f.count = 1ull << 60;
  expect_load_error("parameter count 2^60", f.bytes(), "parameters declared");
  f.count = (1ull << 62) + good.params.size();  // count * 4 wraps around to the real byte count
  expect_load_error("parameter count wrapping", f.bytes(), "parameters declared");
  f.count = good.params.size() + 1;
  expect_load_error("parameter count one too many", f.bytes(), "parameters declared");
}

TEST_F(CheckpointTest, ParameterCountMustMatchConfiguration) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  Forge f;
  f.json = saved_json(m);
  f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size() - 1);  // consistent file, one short
  expect_load_error("one parameter short", f.bytes(), "parameters");
  f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  f.params.push_back(1.0f);
  expect_load_error("one parameter too many", f.bytes(), "parameters");
  f.params.clear();
  expect_load_error("no parameters", f.bytes(), "parameters");
  // The configuration of a bigger model with the weights of the small one.
  TrainedModel bigger = m;
  bigger.config.in_dim = 4;
  f.json = saved_json(bigger);
  f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  expect_load_error("weights of another configuration", f.bytes(), "parameters");
}

TEST_F(CheckpointTest, ForgedConfigurationsAreErrors) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  const std::string json = saved_json(m);
  auto with = [&](const std::string& from, const std::string& to) {
    Forge f;
    f.json = test::replaced(json, from, to);
    f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
    return f.bytes();
  };
  expect_load_error("invalid JSON", with("{", "["), "JSON");
  expect_load_error("not an object", with(json, "[1,2,3]"), "JSON");
  expect_load_error("unterminated JSON", with(json, json.substr(0, json.size() - 1)), "JSON");
  expect_load_error("wrong kind", with("\"node_classifier\"", "\"graph_classifier\""), "kind");
  expect_load_error("missing heads", with("\"heads\":1,", ""), "heads");
  expect_load_error("heads is a string", with("\"heads\":1", "\"heads\":\"1\""), "heads");
  expect_load_error("heads is fractional", with("\"heads\":1", "\"heads\":1.5"), "heads");
  expect_load_error("dropout is a string", with("\"dropout\":0.6", "\"dropout\":\"x\""), "dropout");
  expect_load_error("self_loops is a number", with("\"self_loops\":true", "\"self_loops\":1"), "self_loops");
  expect_load_error("class_names not an array", with("[\"a\",\"b\"]", "\"ab\""), "class_names");
  expect_load_error("class name not a string", with("[\"a\",\"b\"]", "[\"a\",2]"), "class_names");
  expect_load_error("class_names count", with("[\"a\",\"b\"]", "[\"a\",\"b\",\"c\"]"), "class_names");
  expect_load_error("dropout 1", with("\"dropout\":0.6", "\"dropout\":1.0"), "dropout");
  expect_load_error("zero heads", with("\"heads\":1", "\"heads\":0"), "heads");
  expect_load_error("negative in_dim", with("\"in_dim\":3", "\"in_dim\":-3"));
  expect_load_error("1000 layers", with("\"layers\":1", "\"layers\":1000"), "configuration needs");
  expect_load_error("in_dim 2^40", with("\"in_dim\":3", "\"in_dim\":1099511627776"), "config.model.in_dim = 1099511627776 is outside");
}

// The structural features added on the command line come back as saved (an empty list: none), a file
// without them loads without (what earlier versions wrote), and forged kinds are refused.
TEST_F(CheckpointTest, StructuralFeaturesRoundTrip) {
  TrainedModel m = sample_model(small_config(), {"a", "b"});
  const fs::path f = dir_ / "structural.ckpt";
  save_model(m, f);
  EXPECT_EQ(saved_json(m).find("structural_features"), std::string::npos);
  EXPECT_FALSE(load_model(f).structural_features.has_value());
  for (const std::vector<std::string>& kinds :
       {std::vector<std::string>{"degree", "identity"}, std::vector<std::string>{"identity"}, std::vector<std::string>{}}) {
    m.structural_features = kinds;
    save_model(m, f);
    const TrainedModel r = load_model(f);
    ASSERT_TRUE(r.structural_features.has_value());
    EXPECT_EQ(*r.structural_features, kinds);
  }
  m.structural_features = std::vector<std::string>{"degree"};
  const std::string json = saved_json(m);
  auto with = [&](const std::string& to) {
    Forge forge;
    forge.json = test::replaced(json, "[\"degree\"]", to);
    forge.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
    return forge.bytes();
  };
  expect_load_error("unknown kind", with("[\"pagerank\"]"), "structural_features holds 'pagerank'");
  expect_load_error("not a string", with("[1]"), "structural_features");
  expect_load_error("not an array", with("\"degree\""), "structural_features");
}

// The label column given on the command line comes back as saved, any bytes included; absent, none.
TEST_F(CheckpointTest, LabelColumnRoundTrips) {
  TrainedModel m = sample_model(small_config(), {"a", "b"});
  const fs::path f = dir_ / "label_column.ckpt";
  save_model(m, f);
  EXPECT_FALSE(load_model(f).label_column.has_value());
  m.label_column = std::string("fac\0tion \"x\"", 12);
  save_model(m, f);
  EXPECT_EQ(load_model(f).label_column, m.label_column);
  const std::string json = saved_json(m);
  Forge forge;
  forge.json = test::replaced(json, "\"label_column\":", "\"label_column\":1,\"x\":");
  forge.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  expect_load_error("label_column a number", forge.bytes(), "label_column");
}

// An unknown attention kind is an error that, like every other, names the checkpoint file.
TEST_F(CheckpointTest, UnknownAttentionKindNamesTheFile) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  std::string json = saved_json(m);
  const auto at = json.find("\"additive\"");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 10, "\"cosine\"");
  Forge f;
  f.json = json;
  f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  expect_load_error("unknown attention", f.bytes(), "cosine");
}

// Values that do not fit the configuration's integer fields must not be narrowed into valid ones:
// 2^32 + 2 classes is not 2 classes.
TEST_F(CheckpointTest, OutOfRangeIntegersAreErrors) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  const std::string json = saved_json(m);
  auto with = [&](const std::string& from, const std::string& to) {
    Forge f;
    f.json = test::replaced(json, from, to);
    f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
    return f.bytes();
  };
  expect_load_error("num_classes 2^32 + 2", with("\"num_classes\":2", "\"num_classes\":4294967298"));
  expect_load_error("layers 2^32 + 1", with("\"layers\":1", "\"layers\":4294967297"));
  expect_load_error("heads 2^32 + 1", with("\"heads\":1", "\"heads\":4294967297"));
}

// Every dimension within its own bound, but their product asks for 2^58 floats: the loader must refuse
// with an Error instead of trying to allocate the model.
TEST_F(CheckpointTest, HugeModelFromPlausibleDimensionsIsAnError) {
  const TrainedModel m = sample_model(small_config(), {"a", "b"});
  std::string json = saved_json(m);
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = json.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    json.replace(at, from.size(), to);
  };
  replace("\"in_dim\":3", "\"in_dim\":67108864");  // 2^26
  replace("\"layers\":1", "\"layers\":2");
  replace("\"heads\":1", "\"heads\":4096");
  replace("\"hidden\":2", "\"hidden\":1048576");    // 2^20
  Forge f;
  f.json = json;
  f.params.assign(m.parameters.data(), m.parameters.data() + m.parameters.size());
  expect_load_error("2^58 parameters", f.bytes());
}

}  // namespace
}  // namespace gatkit
