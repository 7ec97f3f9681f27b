// Every invalid runbook in tests/runbooks/invalid is refused with its exact expected first error.
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "drconsole/runbook.h"
#include "support/process.h"

namespace fs = std::filesystem;
using namespace drconsole;

namespace {

std::map<std::string, std::string> expected_errors() {
    std::map<std::string, std::string> expected;
    std::ifstream in(test::source_path("tests/runbooks/invalid/expected.txt"));
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        expected[line.substr(0, line.find(':'))] = line;
    }
    return expected;
}

}  // namespace

TEST(InvalidCorpus, EachFileGivesItsExpectedFirstError) {
    auto expected = expected_errors();
    ASSERT_GE(expected.size(), 25u);
    fs::path dir = test::source_path("tests/runbooks/invalid");
    std::size_t checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".md") continue;
        std::string name = entry.path().filename().string();
        ASSERT_TRUE(expected.count(name)) << name << " has no line in expected.txt";
        RunbookResult result = load_runbook(entry.path());
        EXPECT_FALSE(result.runbook) << name << " was accepted";
        std::string first;
        for (const auto& d : result.diagnostics) {
            if (d.severity == Severity::error) {
                first = d.str();
                break;
            }
        }
        EXPECT_EQ(first, dir.string() + "/" + expected[name]) << name;
        ++checked;
    }
    EXPECT_EQ(checked, expected.size());
}

TEST(InvalidCorpus, TheCommandLineRefusesEachWithExitStatus2) {
    auto expected = expected_errors();
    for (const auto& [name, line] : expected) {
        auto r = test::run_drconsole({"validate", test::source_path("tests/runbooks/invalid/" + name)});
        EXPECT_EQ(r.exit_code, 2) << name;
        EXPECT_NE(r.err.find(line.substr(name.size())), std::string::npos) << name << ": " << r.err;
        EXPECT_EQ(r.out, "") << name;
    }
}
