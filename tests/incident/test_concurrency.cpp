// Two processes appending to one incident 1000 times each lose nothing and keep one chain.
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

TEST(Concurrency, TwoProcessesAppendingInterleaveSafely) {
    test::TempDir dir;
    std::filesystem::path db = dir / "j.db";
    { Journal journal(db); Incident::start(journal, test::drill_request()); }
    constexpr int kEach = 1000;
    std::vector<pid_t> children;
    for (const char* who : {"alice", "bob"}) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 0;
            try {
                Journal journal(db);
                Incident incident = Incident::attach(journal, 1);
                for (int i = 0; i < kEach; ++i) incident.add_note(std::string(who) + " " + std::to_string(i), "", {"ic", who});
            } catch (...) {
                code = 1;
            }
            _exit(code);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer failed";
    }
    Journal journal(db);
    std::vector<Event> events = journal.events(1);
    ASSERT_EQ(events.size(), 3u + 2 * kEach);
    std::set<std::string> notes;
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
        if (events[i].kind == "note") notes.insert(events[i].payload["text"].get<std::string>());
    }
    EXPECT_EQ(notes.size(), 2u * kEach) << "every note from both writers is there once";
    EXPECT_TRUE(notes.count("alice 999") && notes.count("bob 0"));
    ChainReport r = journal.verify(1).at(0);
    EXPECT_TRUE(r.intact) << r.problem;
    EXPECT_EQ(r.count, 3 + 2 * kEach);
}
