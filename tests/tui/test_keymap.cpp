// One binding table: the ? overlay, the footer and the README key list all come from it.
#include <gtest/gtest.h>

#include "drconsole/diagnostic.h"
#include "support/process.h"
#include "tui/console_run.h"
#include "tui/keymap.h"

using namespace drconsole;
using namespace drconsole::tui;

TEST(Keymap, EveryKeyMapsToOneAction) {
    std::map<std::pair<int, char32_t>, Action> seen;
    for (const auto& b : bindings())
        for (const auto& k : b.keys) {
            auto key = std::pair{static_cast<int>(k.code), k.ch};
            EXPECT_FALSE(seen.count(key)) << "a key is bound twice: " << b.label;
            seen[key] = b.action;
            EXPECT_EQ(action_for(k), b.action);
        }
    EXPECT_EQ(action_for(Key::of(U'z')), std::nullopt);
}

TEST(Keymap, TheReadmeKeyListIsTheGeneratedOne) {
    std::string readme = test::slurp(test::source_path("README.md"));
    auto begin = readme.find("<!-- keys:begin -->\n");
    auto end = readme.find("<!-- keys:end -->");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    begin += std::string("<!-- keys:begin -->\n").size();
    EXPECT_EQ(readme.substr(begin, end - begin), keys_markdown()) << "regenerate it with: drconsole keys";
    auto cli = test::run_drconsole({"keys"});
    EXPECT_EQ(cli.out, keys_markdown());
}

TEST(Keymap, TheHelpOverlayListsEveryBinding) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    ASSERT_EQ(test::console_keys(dir, "?\n").exit_code, 0);
    std::string screen = test::slurp(dir / "screen.txt");
    for (const auto& b : bindings()) {
        EXPECT_NE(screen.find(std::string(b.label)), std::string::npos) << b.label;
        EXPECT_NE(screen.find(std::string(b.help).substr(0, 30)), std::string::npos) << b.help;
    }
}

TEST(Keymap, TheFooterShowsTheFooterBindings) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    ASSERT_EQ(test::console_keys(dir, "", "200x60").exit_code, 0);
    std::string screen = test::slurp(dir / "screen.txt");
    std::string footer = screen.substr(screen.rfind('\n', screen.size() - 2) + 1);
    for (const auto& b : bindings())
        if (b.in_footer) {
            EXPECT_NE(footer.find(std::string(b.name)), std::string::npos) << b.name << " missing from: " << footer;
        }
}

TEST(KeyScript, ReadsNamedKeysTextAndDirectives) {
    auto items = parse_key_script("# comment\nab<Enter>\n<Advance 90s><Resize 80x24><WaitFor ready>", "k");
    ASSERT_EQ(items.size(), 6u);
    EXPECT_EQ(items[0].key, Key::of(U'a'));
    EXPECT_EQ(items[2].key.code, Key::Code::enter);
    EXPECT_EQ(items[3].advance, drconsole::Millis(90'000));
    EXPECT_EQ(items[4].width, 80);
    EXPECT_EQ(items[5].text, "ready");
    EXPECT_THROW(parse_key_script("<Nope>", "k"), drconsole::InputError);
}

TEST(KeyScript, ReadsTheLiveSystemDirectivesWithTheirLines) {
    auto items = parse_key_script("<Sleep 3s><Exec lab  fail primary-region>\n<IfShown gate  fail>gwhy<Enter>\n<WaitUpTo 90s completed pg-promote>", "k");
    ASSERT_EQ(items.size(), 9u);
    EXPECT_EQ(items[0].kind, ScriptItem::Kind::sleep);
    EXPECT_EQ(items[0].advance, drconsole::Millis(3'000));
    EXPECT_EQ(items[1].kind, ScriptItem::Kind::exec);
    EXPECT_EQ(items[1].args, (std::vector<std::string>{"lab", "fail", "primary-region"}));
    EXPECT_EQ(items[2].kind, ScriptItem::Kind::if_shown);
    EXPECT_EQ(items[2].text, "gate  fail") << "spaces inside the text are kept";
    EXPECT_EQ(items[2].line, 1u);
    EXPECT_EQ(items[6].line, 1u) << "what <IfShown> would skip is on its line";
    EXPECT_EQ(items[8].kind, ScriptItem::Kind::wait_for);
    EXPECT_EQ(items[8].advance, drconsole::Millis(90'000));
    EXPECT_EQ(items[8].text, "completed pg-promote");
    EXPECT_EQ(items[8].line, 2u);
    try {
        parse_key_script("\n<WaitUpTo 90s>", "k.keys");
        ADD_FAILURE() << "a WaitUpTo without text was accepted";
    } catch (const drconsole::InputError& e) {
        EXPECT_STREQ(e.what(), "k.keys:2:1: error: write <WaitUpTo 60s TEXT>");
    }
    EXPECT_THROW(parse_key_script("<Sleep soon>", "k"), drconsole::InputError);
}
