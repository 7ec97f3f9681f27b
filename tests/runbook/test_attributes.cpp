// Attribute blocks at the end of a line.
#include <gtest/gtest.h>

#include "support/text_errors.h"

namespace test = drconsole::test;

#include "drconsole/diagnostic.h"
#include "runbook/attributes.h"

using drconsole::runbook::find_attribute_block;

TEST(Attributes, ReadsIdKeysQuotedValuesAndFlags) {
    std::string line = R"(Promote the standby {#pg-promote role=db gate="pg.lag_s < 30s" confirm})";
    auto block = find_attribute_block(line);
    ASSERT_TRUE(block);
    EXPECT_EQ(block->start, line.find('{'));
    ASSERT_EQ(block->items.size(), 4u);
    EXPECT_EQ(block->find("id")->value, "pg-promote");
    EXPECT_EQ(block->find("role")->value, "db");
    EXPECT_EQ(block->find("gate")->value, "pg.lag_s < 30s");
    EXPECT_TRUE(block->find("gate")->quoted);
    EXPECT_EQ(block->find("gate")->value_offset, line.find("pg.lag_s"));
    EXPECT_TRUE(block->find("confirm")->flag);
}

TEST(Attributes, UnescapesQuotesInsideValues) {
    auto block = find_attribute_block(R"(Step {confirm="Type \"yes\" to go"})");
    ASSERT_TRUE(block);
    EXPECT_EQ(block->find("confirm")->value, "Type \"yes\" to go");
}

TEST(Attributes, LinesWithoutABlockHaveNone) {
    EXPECT_FALSE(find_attribute_block("Declare SEV-1, open the bridge"));
    EXPECT_FALSE(find_attribute_block("Restart {{service}}"));             // a template value, not attributes
    EXPECT_FALSE(find_attribute_block("Check the {curly} text in the middle"));
}

TEST(Attributes, TheTrailingBlockWinsOverBracesInTheText) {
    auto block = find_attribute_block("Check {foo} settings {role=db}");
    ASSERT_TRUE(block);
    EXPECT_EQ(block->find("role")->value, "db");
}

TEST(Attributes, MalformedBlocksAreRefusedWithAnOffset) {
    auto offset_of = [](const std::string& line) { return test::error_offset([&] { find_attribute_block(line); }); };
    EXPECT_EQ(offset_of("Step {role=db"), 5u);                  // not closed
    EXPECT_EQ(offset_of("Step {role=db @x}"), 14u);             // stray character
    EXPECT_EQ(offset_of(R"(Step {gate="a < 1})"), 11u);         // quote not closed
    EXPECT_EQ(offset_of("Step {.class}"), 6u);                  // classes unsupported
    EXPECT_EQ(offset_of("Step {role=}"), 11u);                  // empty value
}
