// A commit that cannot reach the disk is reported, and nothing unrecorded is claimed.
//
// The disk is made "full" for one child process with RLIMIT_FSIZE: its writes past the
// limit fail with EFBIG, which SQLite reports like a full disk. This is the real write
// path failing, not a stub.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

TEST(DiskFailure, AFailedCommitThrowsAndOnlyAcknowledgedEventsExist) {
    test::TempDir dir;
    std::filesystem::path db = dir / "j.db";
    { Journal journal(db); Incident::start(journal, test::drill_request()); }
    std::filesystem::path acked = dir / "acked.txt";

    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Child: append notes until a commit fails; report what was acknowledged.
        signal(SIGXFSZ, SIG_IGN);
        std::int64_t last_acked = 0;
        int code = 3;  // 3: never failed
        try {
            Journal journal(db);
            Incident incident = Incident::attach(journal, 1);
            last_acked = incident.state().last_seq;
            auto size = std::filesystem::file_size(db) + std::filesystem::file_size(db.string() + "-wal");
            rlimit limit{static_cast<rlim_t>(size + 64 * 1024), static_cast<rlim_t>(size + 64 * 1024)};
            setrlimit(RLIMIT_FSIZE, &limit);
            for (int i = 0; i < 100000; ++i) {
                try {
                    last_acked = incident.add_note(std::string(512, 'x') + std::to_string(i), "", {"ic", "alice"}).seq;
                } catch (const JournalError&) {
                    code = 0;  // reported as an error: the caller will show NOT RECORDED
                    break;
                }
            }
        } catch (...) {
            code = 4;
        }
        rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
        setrlimit(RLIMIT_FSIZE, &unlimited);
        FILE* f = fopen(acked.c_str(), "w");
        if (f) {
            fprintf(f, "%lld\n", static_cast<long long>(last_acked));
            fclose(f);
        }
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0) << "the child never saw a failed commit (3) or failed early (4)";
    long long last_acked = 0;
    FILE* f = fopen(acked.c_str(), "r");
    ASSERT_TRUE(f);
    ASSERT_EQ(fscanf(f, "%lld", &last_acked), 1);
    fclose(f);
    EXPECT_GT(last_acked, 3);

    Journal journal(db);
    std::vector<Event> events = journal.events(1);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().seq, last_acked) << "every acknowledged event is there, and no unacknowledged one";
    ChainReport r = journal.verify(1).at(0);
    EXPECT_TRUE(r.intact) << r.problem;
    // The journal goes on working once there is room again.
    Incident incident = Incident::attach(journal, 1);
    EXPECT_EQ(incident.add_note("disk has room again", "", {"ic", "alice"}).seq, last_acked + 1);
}
