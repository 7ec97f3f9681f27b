// Durations: the forms runbooks write, and the ones they must not.
#include <gtest/gtest.h>

#include "support/text_errors.h"

namespace test = drconsole::test;

#include "drconsole/diagnostic.h"
#include "drconsole/duration.h"

using drconsole::format_duration;
using drconsole::Millis;
using drconsole::parse_duration;

TEST(Duration, ParsesEachUnitAndCombinations) {
    EXPECT_EQ(parse_duration("0s"), Millis(0));
    EXPECT_EQ(parse_duration("45s"), Millis(45'000));
    EXPECT_EQ(parse_duration("10m"), Millis(600'000));
    EXPECT_EQ(parse_duration("1h30m"), Millis(5'400'000));
    EXPECT_EQ(parse_duration("1m30s"), Millis(90'000));
    EXPECT_EQ(parse_duration("250ms"), Millis(250));
    EXPECT_EQ(parse_duration("2h0m5s"), Millis(7'205'000));
}

TEST(Duration, RefusesWithTheOffsetOfTheBadPart) {
    auto offset_of = [](const char* text) { return test::error_offset([&] { parse_duration(text); }); };
    EXPECT_EQ(offset_of("10"), 2u);          // no unit
    EXPECT_EQ(offset_of("10 minutes"), 2u);  // space
    EXPECT_EQ(offset_of("m10"), 0u);         // no number
    EXPECT_EQ(offset_of("5s10m"), 4u);       // units out of order
    EXPECT_EQ(offset_of("-1s"), 0u);
    EXPECT_EQ(offset_of(""), 0u);
    EXPECT_EQ(offset_of("1d"), 1u);
}

TEST(Duration, FormatsToWhatParsesBack) {
    for (long ms : {0L, 1L, 999L, 1000L, 59'000L, 60'000L, 90'000L, 3'600'000L, 5'400'250L}) {
        std::string text = format_duration(Millis(ms));
        EXPECT_EQ(parse_duration(text), Millis(ms)) << text;
    }
    EXPECT_EQ(format_duration(Millis(5'400'000)), "1h30m");
    EXPECT_EQ(format_duration(Millis(0)), "0s");
}
