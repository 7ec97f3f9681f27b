// Gate expressions: TARGET.METRIC OP NUMBER[unit] [for DURATION], joined by "and".
#include <gtest/gtest.h>

#include "support/text_errors.h"

#include "drconsole/diagnostic.h"
#include "drconsole/gate.h"

using namespace drconsole;

TEST(Gate, ParsesOneConditionWithUnitAndHold) {
    GateExpr g = parse_gate("pg-primary.up == 0 for 3m");
    ASSERT_EQ(g.all_of.size(), 1u);
    const auto& c = g.all_of[0];
    EXPECT_EQ(c.target, "pg-primary");
    EXPECT_EQ(c.metric, "up");
    EXPECT_EQ(c.op, CompareOp::eq);
    EXPECT_EQ(c.value, 0);
    ASSERT_TRUE(c.held_for);
    EXPECT_EQ(*c.held_for, Millis(180'000));
}

TEST(Gate, NormalisesUnitsAndJoinsWithAnd) {
    GateExpr g = parse_gate("pg-standby.lag_s < 2m and pg-standby.lag_bytes <= 16MiB and mm2.lag_s<30");
    ASSERT_EQ(g.all_of.size(), 3u);
    EXPECT_EQ(g.all_of[0].value, 120);
    EXPECT_EQ(g.all_of[0].literal, "2m");
    EXPECT_EQ(g.all_of[1].op, CompareOp::le);
    EXPECT_EQ(g.all_of[1].value, 16.0 * 1024 * 1024);
    EXPECT_EQ(g.all_of[2].target, "mm2");
    EXPECT_EQ(g.all_of[2].offset, std::string("pg-standby.lag_s < 2m and pg-standby.lag_bytes <= 16MiB and ").size());
}

TEST(Gate, ComparesReadingsAgainstThresholds) {
    EXPECT_TRUE(compare(29.9, CompareOp::lt, 30));
    EXPECT_FALSE(compare(30, CompareOp::lt, 30));
    EXPECT_TRUE(compare(30, CompareOp::le, 30));
    EXPECT_TRUE(compare(1, CompareOp::ne, 0));
    EXPECT_TRUE(compare(31, CompareOp::gt, 30));
    EXPECT_TRUE(compare(30, CompareOp::ge, 30));
}

TEST(Gate, RefusesWithTheOffsetOfTheBadToken) {
    auto offset_of = [](const char* text) { return test::error_offset([&] { parse_gate(text); }); };
    EXPECT_EQ(offset_of(""), 0u);
    EXPECT_EQ(offset_of("pg < 30"), 2u);              // no .METRIC
    EXPECT_EQ(offset_of("pg.lag_s 30"), 9u);          // no comparison
    EXPECT_EQ(offset_of("pg.lag_s < fast"), 11u);     // no number
    EXPECT_EQ(offset_of("pg.lag_s < 30 or x.y < 1"), 14u);
    EXPECT_EQ(offset_of("pg.lag_s < 30 for"), 17u);   // for without duration
    EXPECT_EQ(offset_of("pg.lag_s < 30parsecs"), 13u);
}
