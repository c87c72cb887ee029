//===- JsonTest.cpp - The runtime's JSON parser and printer ---------------===//

#include "mpt-runtime/Json.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mpt::rt;

TEST(JsonTest, ParsesEveryKind) {
  Expected<Json> j = Json::parse(
      R"( {"a": null, "b": true, "c": false, "d": -1.5e3, "e": "x\ny\u00e9\ud83d\ude00",
           "f": [1, [2, {}], []], "g": {"h": 0}} )");
  ASSERT_TRUE(j.ok()) << j.message();
  EXPECT_TRUE(j->find("a")->isNull());
  EXPECT_TRUE(j->find("b")->asBool());
  EXPECT_FALSE(j->find("c")->asBool());
  EXPECT_EQ(j->find("d")->asDouble(), -1500.0);
  EXPECT_EQ(j->find("e")->asString(), "x\ny\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(j->find("f")->items().size(), 3u);
  EXPECT_EQ(j->find("g")->find("h")->asDouble(), 0.0);
  EXPECT_EQ(j->find("missing"), nullptr);
}

TEST(JsonTest, IntegersStayExactBeyondDoublePrecision) {
  // Seeds use all 64 bits; 2^64 - 1 is not representable as a double.
  Expected<Json> j = Json::parse("[18446744073709551615, 9223372036854775808, "
                                 "-9223372036854775808, 12.0, 1e3, -1]");
  ASSERT_TRUE(j.ok());
  uint64_t u = 0;
  int64_t i = 0;
  EXPECT_TRUE(j->items()[0].getUInt64(u));
  EXPECT_EQ(u, 18446744073709551615ull);
  EXPECT_FALSE(j->items()[0].getInt64(i));
  EXPECT_TRUE(j->items()[1].getUInt64(u));
  EXPECT_EQ(u, 9223372036854775808ull);
  EXPECT_TRUE(j->items()[2].getInt64(i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(j->items()[3].getInt64(i)) << "12.0 is not written as an integer";
  EXPECT_FALSE(j->items()[4].getInt64(i));
  EXPECT_FALSE(j->items()[5].getUInt64(u));
  EXPECT_EQ(Json::unsignedInteger(18446744073709551615ull).dump(),
            "18446744073709551615");
  // The source text survives a round trip.
  EXPECT_EQ(j->dump(), "[18446744073709551615,9223372036854775808,"
                       "-9223372036854775808,12.0,1e3,-1]");
}

TEST(JsonTest, PrintsShortestRoundTripDoublesAndNonFiniteAsStrings) {
  EXPECT_EQ(Json::number(0.1).dump(), "0.1");
  EXPECT_EQ(Json::number(1.0).dump(), "1.0");
  EXPECT_EQ(Json::number(static_cast<float>(0.1)).dump(), "0.10000000149011612");
  EXPECT_EQ(Json::number(NAN).dump(), "\"NaN\"");
  EXPECT_EQ(Json::number(INFINITY).dump(), "\"Infinity\"");
  EXPECT_EQ(Json::number(-INFINITY).dump(), "\"-Infinity\"");
  double d = 0.30000000000000004;
  Expected<Json> back = Json::parse(Json::number(d).dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->asDouble(), d);
}

TEST(JsonTest, EscapesAndIndents) {
  Json o = Json::object();
  o.set("s", Json::string("a\"b\\c\x01"));
  o.set("l", Json::array().push(Json::integer(1)).push(Json::integer(2)));
  Json rows = Json::array();
  rows.push(Json::object().set("k", Json::integer(3)));
  o.set("rows", rows);
  EXPECT_EQ(o.dump(), R"({"s":"a\"b\\c\u0001","l":[1,2],"rows":[{"k":3}]})");
  EXPECT_EQ(o.dump(2), "{\n  \"s\": \"a\\\"b\\\\c\\u0001\",\n  \"l\": [1, 2],\n"
                       "  \"rows\": [\n    {\"k\": 3}\n  ]\n}");
  // set() replaces.
  o.set("l", Json::null());
  EXPECT_TRUE(o.find("l")->isNull());
  EXPECT_EQ(o.members().size(), 3u);
}

TEST(JsonTest, ErrorsNameLineAndColumn) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"{\"a\": 1,\n \"b\": }", "JSON line 2, column 7: unexpected character '}'"},
      {"[1, 2", "JSON line 1, column 6: unterminated array"},
      {"{\"a\": 1, \"a\": 2}", "JSON line 1, column 10: duplicate key \"a\""},
      {"[1,]", "JSON line 1, column 4: unexpected character ']'"},
      {"01", "JSON line 1, column 2: unexpected text after the JSON value"},
      {"\"\\ud800\"", "JSON line 1, column 8: unpaired surrogate in \\u escape"},
      {"NaN", "JSON line 1, column 1: unexpected character 'N'"},
      {"", "JSON line 1, column 1: unexpected end of input"},
      {"\"a\tb\"", "JSON line 1, column 4: control character in string"},
  };
  for (const Case &c : cases) {
    Expected<Json> j = Json::parse(c.text);
    ASSERT_FALSE(j.ok()) << c.text;
    EXPECT_EQ(j.message(), c.message) << c.text;
  }
  std::string deep(1000, '[');
  EXPECT_NE(Json::parse(deep).message().find("nesting deeper than 200"),
            std::string::npos);
}
