// UTF-8 checks, positions, and text made safe for a terminal.
#include <gtest/gtest.h>

#include "drconsole/clock.h"
#include "drconsole/sha256.h"
#include "drconsole/text.h"

using namespace drconsole;

TEST(Text, FindsTheFirstInvalidUtf8Byte) {
    EXPECT_FALSE(first_invalid_utf8("plain ascii"));
    EXPECT_FALSE(first_invalid_utf8("primary \xE2\x86\x92 secondary"));
    EXPECT_EQ(first_invalid_utf8("ab\xE9" "cd"), std::optional<std::size_t>(2));
    EXPECT_EQ(first_invalid_utf8("ok\xE2\x86"), std::optional<std::size_t>(2));  // truncated sequence
    EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), std::optional<std::size_t>(0));     // overlong
    EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), std::optional<std::size_t>(0)); // surrogate
}

TEST(Text, PositionsCountCharactersNotBytes) {
    std::string text = "line one\n\xE2\x86\x92x";  // second line: arrow then x
    SourcePos pos = position_of(text, text.size() - 1);
    EXPECT_EQ(pos.line, 2);
    EXPECT_EQ(pos.column, 2);
}

TEST(Text, EscapesControlAndBidiCharacters) {
    EXPECT_EQ(safe_text("red \x1b[31malert"), "red \\x1b[31malert");
    EXPECT_EQ(safe_text("a\rb"), "a\\x0db");
    EXPECT_EQ(safe_text("a\nb"), "a\\x0ab");
    EXPECT_EQ(safe_text("a\nb", true), "a\nb");
    EXPECT_EQ(safe_text("orders\tlast_id", true), "orders\tlast_id") << "psql-style columns of command output";
    EXPECT_EQ(safe_text("host\tname"), "host\\x09name");
    EXPECT_EQ(safe_text("x\xE2\x80\xAEy"), "x\\u{202e}y");  // RIGHT-TO-LEFT OVERRIDE
    EXPECT_EQ(safe_text("\xC2\x9B"), "\\x9b");               // C1 CSI
    EXPECT_EQ(safe_text("bad\xFF"), "bad\\xff");
    EXPECT_EQ(safe_text("caf\xC3\xA9 \xE2\x86\x92 ok"), "caf\xC3\xA9 \xE2\x86\x92 ok");
}

TEST(Text, NamesWithHiddenOrControlCharactersAreRefused) {
    EXPECT_FALSE(name_problem("maria"));
    EXPECT_FALSE(name_problem("Zoë Ünal"));
    EXPECT_FALSE(name_problem("\xE6\x9D\x8E\xE9\x9B\xB7"));  // 李雷
    for (const char* bad : {"ad\xE2\x80\x8Bmin", "\xEF\xBB\xBFmaria", "ma\x1Bria", "ma\xC2\x9Bria", "maria\xE2\x80\xAE", "", " maria", "ma\xFFria",
                            "maria\xC2\xA0", "ma\xE2\x80\xAFria"})
        EXPECT_TRUE(name_problem(bad)) << bad;
    EXPECT_EQ(*name_problem("ad\xE2\x80\x8Bmin"), "it holds U+200B, a control or invisible character that would make it look like another name");
}

TEST(Text, FindsCharactersThatMakeALineReadOtherwise) {
    EXPECT_FALSE(find_deceptive_character("tabs\tand CRLF\r\n and \xE2\x86\x92 arrows, zero\xE2\x80\x8Dwidth joiners"));
    auto rlo = find_deceptive_character("ab\xE2\x80\xAE" "cd");
    ASSERT_TRUE(rlo);
    EXPECT_EQ(rlo->offset, 2u);
    EXPECT_NE(rlo->message.find("U+202E"), std::string::npos) << rlo->message;
    EXPECT_EQ(find_deceptive_character("x\x1B[2J")->offset, 1u);
    EXPECT_EQ(find_deceptive_character("x\xE2\x80\xA8")->offset, 1u);
    EXPECT_EQ(find_deceptive_character("\xE2\x81\xA9")->offset, 0u);
}

TEST(Text, CountsWithTheirNoun) {
    EXPECT_EQ(counted(1, "phase"), "1 phase");
    EXPECT_EQ(counted(0, "note"), "0 notes");
    EXPECT_EQ(counted(3, "comms update"), "3 comms updates");
    EXPECT_EQ(counted(2, "batch", "batches"), "2 batches");
}

TEST(Text, Sha256MatchesTheKnownVector) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Clock, FormatsUtcAndOffsets) {
    EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(format_utc(1'790'000'000'123'456), "2026-09-21T14:13:20.123456Z");
    EXPECT_EQ(format_offset(0), "T+00:00");
    EXPECT_EQ(format_offset(754'000'000), "T+12:34");
    EXPECT_EQ(format_offset(3'723'000'000), "T+1:02:03");
    EXPECT_EQ(format_offset(-30'000'000), "T-00:30");
    // Past a day: days, hours and minutes, not "T+75:15:00".
    EXPECT_EQ(format_offset(86'399'000'000), "T+23:59:59");
    EXPECT_EQ(format_offset((2 * 86'400 + 3 * 3600 + 15 * 60 + 59) * 1'000'000LL), "T+2d 03:15");
    EXPECT_EQ(format_offset(-86'400'000'000), "T-1d 00:00");
    EXPECT_EQ(format_elapsed(-5), "00:00");
}

TEST(Text, ALineIndexGivesWhatPositionOfGivesAtEveryByte) {
    const std::string text = "{\n  \"a\": \"é\",\r\n\n  \"b\": [1,\n2]\n}";
    LineIndex index(text);
    for (std::size_t i = 0; i <= text.size() + 2; ++i) {
        SourcePos want = position_of(text, std::min(i, text.size())), got = index.position(i);
        EXPECT_EQ(got.line, want.line) << "byte " << i;
        EXPECT_EQ(got.column, want.column) << "byte " << i;
    }
    EXPECT_EQ(LineIndex("").position(0).line, 1);
}
