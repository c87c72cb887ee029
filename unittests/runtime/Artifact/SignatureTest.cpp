//===- SignatureTest.cpp - The signature table: JSON and validation -------===//

#include "mpt-runtime/Signature.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mpt::rt;

namespace {
TensorSpec tensor(std::string name, Role role, DType dtype,
                  std::vector<int64_t> shape, InitSpec init = {}) {
  TensorSpec t;
  t.name = std::move(name);
  t.role = role;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.init = std::move(init);
  return t;
}

TensorSpec update(const TensorSpec &arg) {
  TensorSpec t = arg;
  t.name.clear();
  t.init = {};
  t.updates = arg.name;
  return t;
}

/// A mixed-precision train step: master, working copy, momentum, loss
/// scale, an input, the loss and found_inf.
Manifest sample() {
  Manifest m;
  m.precision = "f16";
  m.options = {{"precision", "f16"}, {"loss-scale", "dynamic"}};
  FunctionSig f;
  f.name = "train_step";
  f.symbol = "mpt_train_step";
  f.args = {
      tensor("w", Role::Param, DType::F32, {4, 3},
             InitSpec::uniform(-0.25, 0.25, 18446744073709551615ull)),
      tensor("w.wc", Role::WorkingCopy, DType::F16, {4, 3},
             InitSpec::castOf("w")),
      tensor("w.momentum", Role::OptState, DType::F32, {4, 3},
             InitSpec::zeros()),
      tensor("loss_scale.scale", Role::LossScaleState, DType::F32, {},
             InitSpec::constant(65536)),
      tensor("x", Role::Input, DType::F32, {2, 4}),
  };
  f.results = {update(f.args[0]), update(f.args[1]), update(f.args[2]),
               update(f.args[3])};
  TensorSpec loss = tensor("", Role::Loss, DType::F32, {});
  TensorSpec inf = tensor("found_inf", Role::Output, DType::I1, {});
  f.results.push_back(loss);
  f.results.push_back(inf);
  m.functions.push_back(f);
  return m;
}
} // namespace

TEST(SignatureTest, RoundTripsThroughJson) {
  Manifest m = sample();
  ASSERT_TRUE(m.validate().ok()) << m.validate().message();
  std::string text = m.toJsonText();
  Expected<Manifest> back = Manifest::fromJsonText(text);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->toJsonText(), text);
  const FunctionSig &f = back->functions[0];
  EXPECT_EQ(f.args[0].init.seed, 18446744073709551615ull);
  EXPECT_EQ(f.args[1].init.dist, InitSpec::Dist::CastOf);
  EXPECT_EQ(f.args[1].init.source, "w");
  EXPECT_EQ(f.results[1].updates, "w.wc");
  EXPECT_EQ(f.findResult("found_inf"), 5);
  EXPECT_EQ(f.findResultRole(Role::Loss), 4);
  EXPECT_EQ(f.findArg("x"), 4);
  EXPECT_EQ(back->options[1].second, "dynamic");
  // Seeds are written as strings (the full u64 range).
  EXPECT_NE(text.find("\"seed\": \"18446744073709551615\""), std::string::npos);
}

TEST(SignatureTest, AcceptsSeedsAsNumbersAndDefaultsTheSymbol) {
  Expected<Manifest> m = Manifest::fromJsonText(R"({
    "format": "mpt-artifact", "version": 1, "target": "cpu",
    "functions": [{"name": "train_step", "args": [
      {"name": "w", "role": "param", "dtype": "bf16", "shape": [2],
       "init": {"dist": "uniform", "low": 0, "high": 1, "seed": 9223372036854775808}}],
      "results": []}]})");
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->functions[0].symbol, "mpt_train_step");
  EXPECT_EQ(m->functions[0].args[0].init.seed, 9223372036854775808ull);
  EXPECT_EQ(m->precision, "f32");
}

TEST(SignatureTest, ValidationNamesTheFunctionAndTensor) {
  struct Case {
    std::function<void(Manifest &)> edit;
    const char *message;
  } cases[] = {
      {[](Manifest &m) { m.functions[0].args[4].name = "w"; },
       "function train_step, argument #4 'w': the name is used twice"},
      {[](Manifest &m) { m.functions[0].args[0].name.clear(); },
       "function train_step, argument #0 has no name"},
      {[](Manifest &m) { m.functions[0].results[0].updates = "v"; },
       "function train_step, result #0: updates 'v', but no argument has that "
       "name"},
      {[](Manifest &m) { m.functions[0].results[0].updates = "w.momentum"; },
       "function train_step, result #0: role param updates 'w.momentum' of "
       "role opt_state"},
      {[](Manifest &m) { m.functions[0].results[1].dtype = DType::BF16; },
       "function train_step, result #1: type bf16[4, 3] differs from argument "
       "'w.wc' of type f16[4, 3]"},
      {[](Manifest &m) {
         m.functions[0].results.push_back(m.functions[0].results[0]);
       },
       "function train_step, result #6: 'w' is updated by two results"},
      {[](Manifest &m) { m.functions[0].results[3].updates.clear(); },
       "function train_step, result #3: a loss_scale_state result must name "
       "the argument it updates"},
      {[](Manifest &m) { m.functions[0].results[4].shape = {2}; },
       "function train_step, result #4: the loss must be one float element, "
       "not f32[2]"},
      {[](Manifest &m) { m.functions[0].results[4].dtype = DType::I32; },
       "function train_step, result #4: the loss must be one float element, "
       "not i32[]"},
      {[](Manifest &m) {
         m.functions[0].results[5].name = "found_inf";
         m.functions[0].results[4].name = "found_inf";
       },
       "function train_step, result #5 'found_inf': the name is used twice"},
      {[](Manifest &m) { m.functions[0].args[1].init = InitSpec::castOf("x"); },
       "function train_step, argument #1 'w.wc': cast_of source 'x' is not a "
       "state argument of train_step"},
      {[](Manifest &m) {
         m.functions[0].args[0].init = InitSpec::castOf("w.wc");
       },
       "function train_step, argument 'w': cast_of sources form a cycle"},
      {[](Manifest &m) {
         m.functions[0].args[2].dtype = DType::I32;
         m.functions[0].results[2].dtype = DType::I32;
         m.functions[0].args[2].init = InitSpec::uniform(0, 1, 1);
       },
       "function train_step, argument #2 'w.momentum': uniform init needs a "
       "float type, not i32"},
      {[](Manifest &m) {
         m.functions[0].args[2].init = InitSpec::uniform(1, 0, 1);
       },
       "function train_step, argument #2 'w.momentum': uniform init needs "
       "finite low <= high"},
      {[](Manifest &m) {
         m.functions[0].args[3].dtype = DType::I32;
         m.functions[0].results[3].dtype = DType::I32;
         m.functions[0].args[3].init = InitSpec::constant(0.5);
       },
       "function train_step, argument #3 'loss_scale.scale': constant 0.5 is "
       "not an integer of type i32 (-2147483648..2147483647)"},
      {[](Manifest &m) {
         m.functions[0].args[4].shape = {-1, 4};
       },
       "function train_step, argument #4 'x': shape f32[-1, 4] has a negative "
       "or too large dimension"},
      {[](Manifest &m) { m.functions[0].args[4].init = InitSpec::zeros(); },
       "function train_step, argument #4 'x': inputs have no init"},
      {[](Manifest &m) { m.functions[0].args[4].role = Role::Loss; },
       "function train_step, argument #4 'x': role \"loss\" is a result role"},
      {[](Manifest &m) { m.functions[0].symbol = "train_step"; },
       "function train_step: entry symbol \"train_step\" must be an identifier "
       "starting with mpt_"},
      {[](Manifest &m) { m.functions.push_back(m.functions[0]); },
       "function \"train_step\" appears twice"},
      {[](Manifest &m) { m.target = "tpu"; },
       "unknown target \"tpu\" (expected \"cpu\" or \"cuda\")"},
      {[](Manifest &m) { m.functions.clear(); },
       "the artifact has no functions"},
  };
  for (const Case &c : cases) {
    Manifest m = sample();
    c.edit(m);
    Status st = m.validate();
    EXPECT_EQ(st.message(), c.message);
  }
}

TEST(SignatureTest, IntegerConstantsMustFitTheirType) {
  // Checked against the type's range before anything casts the double
  // (only |v| <= 2^53 was checked: 300 for an i8 was undefined behaviour).
  auto withConstant = [](DType t, double v) {
    Manifest m = sample();
    m.functions[0].args[3].dtype = t;
    m.functions[0].results[3].dtype = t;
    m.functions[0].args[3].init = InitSpec::constant(v);
    return m.validate();
  };
  const char *at = "function train_step, argument #3 'loss_scale.scale': ";
  EXPECT_EQ(withConstant(DType::I8, 300).message(),
            std::string(at) + "constant 300.0 is not an integer of type i8 "
                              "(-128..127)");
  EXPECT_EQ(withConstant(DType::I8, -129).message(),
            std::string(at) + "constant -129.0 is not an integer of type i8 "
                              "(-128..127)");
  EXPECT_TRUE(withConstant(DType::I8, -128).ok());
  EXPECT_TRUE(withConstant(DType::I8, 127).ok());
  EXPECT_EQ(withConstant(DType::I32, 4294967296.0).message(),
            std::string(at) + "constant 4294967296.0 is not an integer of "
                              "type i32 (-2147483648..2147483647)");
  EXPECT_TRUE(withConstant(DType::I32, -2147483648.0).ok());
  EXPECT_FALSE(withConstant(DType::I32, 2147483648.0).ok());
  EXPECT_EQ(withConstant(DType::I1, 2).message(),
            std::string(at) + "constant 2.0 is not an integer of type i1 (0 "
                              "or 1)");
  EXPECT_TRUE(withConstant(DType::I1, 1).ok());
  EXPECT_FALSE(withConstant(DType::I1, -1).ok());
  EXPECT_TRUE(withConstant(DType::I64, 9007199254740992.0).ok());
  EXPECT_FALSE(withConstant(DType::I64, 1e19).ok());
  EXPECT_FALSE(withConstant(DType::I64, std::nan("")).ok());
  EXPECT_FALSE(withConstant(DType::I32, INFINITY).ok());
}

TEST(SignatureTest, JsonErrorsNameTheField) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"[]", "the signature table must be a JSON object"},
      {R"({"format": "onnx", "version": 1})",
       "signature table: format is \"onnx\", expected \"mpt-artifact\""},
      {R"({"format": "mpt-artifact", "version": 2, "target": "cpu", "functions": []})",
       "signature table version 2 is newer than this runtime reads (1); update "
       "mpt"},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu"})",
       "signature table: missing \"functions\""},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu", "functions": [
          {"name": "f", "args": [{"name": "a", "role": "parameter", "dtype": "f32", "shape": []}], "results": []}]})",
       "function f, argument #0: unknown role \"parameter\""},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu", "functions": [
          {"name": "f", "args": [{"name": "a", "role": "param", "dtype": "f32", "shape": [1.5]}], "results": []}]})",
       "function f, argument #0: shape entries must be non-negative integers"},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu", "functions": [
          {"name": "f", "args": [{"name": "a", "role": "param", "dtype": "f32", "shape": [],
            "init": {"dist": "uniform", "low": 0, "high": 1, "seed": "-3"}}], "results": []}]})",
       "function f, argument #0.init: seed \"-3\" is not an unsigned 64-bit "
       "integer"},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu", "functions": [
          {"name": "f", "args": [{"name": "a", "role": "param", "dtype": "f32", "shape": [],
            "init": {"dist": "normal"}}], "results": []}]})",
       "function f, argument #0.init: unknown dist \"normal\" (expected zeros, "
       "constant, uniform or cast_of)"},
      {R"({"format": "mpt-artifact", "version": 1, "target": "cpu", "functions": [
          {"name": "f", "args": [{"name": "a", "role": "param", "dtype": "f32", "shape": 3}], "results": []}]})",
       "function f, argument #0: \"shape\" must be a array, not a number"},
      {"{", "signature table: JSON line 1, column 2: expected a string key in "
            "object"},
  };
  for (const Case &c : cases) {
    Expected<Manifest> m = Manifest::fromJsonText(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.message(), c.message);
  }
}

TEST(SignatureTest, NamesThatCouldLeaveADirectoryAreRefused) {
  // Input names become DIR/train/<name>.npy and --dump-data files: a name
  // with a path in it would read or write outside DIR.
  std::string why = " (names become file names of data and dumps)";
  struct Case {
    std::string name, message;
  } cases[] = {
      {"../../../x", "argument #4 '../../../x': the name holds a path "
                     "separator ('/' or '\\')"},
      {"a/b", "argument #4 'a/b': the name holds a path separator ('/' or "
              "'\\')"},
      {"a\\b", "argument #4 'a\\x5cb': the name holds a path separator ('/' "
               "or '\\')"},
      {"..", "argument #4 '..': the name holds '..'"},
      {"x..y", "argument #4 'x..y': the name holds '..'"},
      {".", "argument #4 '.': the name is '.'"},
      {std::string("x\0y", 3),
       "argument #4 'x\\x00y': the name holds a control character"},
      {"x\ny", "argument #4 'x\\x0ay': the name holds a control character"},
      {"\x1b[2J", "argument #4 '\\x1b[2J': the name holds a control "
                  "character"},
      {std::string(201, 'x'), "argument #4 '" + std::string(201, 'x') +
                                  "': the name is longer than 200 bytes"},
  };
  for (const Case &c : cases) {
    Manifest m = sample();
    m.functions[0].args[4].name = c.name;
    EXPECT_EQ(m.validate().message(),
              "function train_step, " + c.message + why);
  }
  // Result names too; ordinary names (dots, UTF-8) stay allowed.
  Manifest m = sample();
  m.functions[0].results[5].name = "../found_inf";
  EXPECT_EQ(m.validate().message(),
            "function train_step, result #5 '../found_inf': the name holds a "
            "path separator ('/' or '\\')" +
                why);
  m = sample();
  m.functions[0].args[4].name = "layer1.0.conv\xc3\xa9.x";
  m.functions[0].args[3].name = std::string(200, 'y');
  m.functions[0].results[3].updates = std::string(200, 'y');
  EXPECT_TRUE(m.validate().ok()) << m.validate().message();
  // Free-form strings cannot carry control characters to a terminal.
  m = sample();
  m.options.push_back({"k", "\x1b]0;title\x07"});
  EXPECT_EQ(m.validate().message(), "option \"k\" = \"\\x1b]0;title\\x07\" "
                                    "holds a control character");
  m = sample();
  m.precision = "f16\r";
  EXPECT_EQ(m.validate().message(),
            "precision \"f16\\x0d\" holds a control character");
  // And the JSON reader applies the same rules.
  Expected<Manifest> parsed = Manifest::fromJsonText(
      R"({"format": "mpt-artifact", "version": 1, "target": "cpu",
          "functions": [{"name": "f", "args": [
            {"name": "x/../../y", "role": "input", "dtype": "f32",
             "shape": [1]}], "results": []}]})");
  EXPECT_EQ(parsed.message(),
            "function f, argument #0 'x/../../y': the name holds a path "
            "separator ('/' or '\\')" +
                why);
}
