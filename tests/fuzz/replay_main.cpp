// Runs a fuzz target without libFuzzer, so that `make test` (g++, ASan, UBSan) exercises it:
//   fuzz_T_replay FILE|FOLDER…                 every committed seed and every input a fuzzing run found;
//   fuzz_T_replay --mutate SECONDS FILE|FOLDER… then mutates those inputs at random for SECONDS.
// The mutation run is blind (no coverage feedback: that is libFuzzer's, in `make fuzz`); it
// catches what the parsers do with bit flips, cut and repeated slices, splices and JSON,
// Markdown and template tokens. Its seed is printed; an input that crashes is written to
// fuzz-crash-T-SEED before the sanitizer ends the process, to be added to the corpus.
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::string current;           // the input being run, for the death callback
char crash_path[256] = "";     // where the death callback writes it

void write_current_input() {
    if (!*crash_path) return;
    FILE* f = std::fopen(crash_path, "wb");
    if (!f) return;
    std::fwrite(current.data(), 1, current.size(), f);
    std::fclose(f);
    std::fprintf(stderr, "\nthe input that crashed is in %s\n", crash_path);
}

void run(const std::string& bytes) {
    current = bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(current.data()), current.size());
}

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Tokens the parsers act on: a mutation that inserts one reaches deeper than a random byte.
const char* const kTokens[] = {"{{", "}}", "${", "}", "{", "[", "]", "\"", "\\", "\\u", "\\u0000", "//", "/*", "*/", ":", ",",
                               "\n", "\r\n", "\t", "```", "```run\n", "```sql target=", "```http target=", "- [ ] ", "## ",
                               "{#", " role=", " gate=\"", " for=", " rpo=", " confirm", "<Enter>", "<Poll>", "<Wait 1s>",
                               "1e99999", "-1", "99999999999999999999", "0.5s", "5m", "< 1s", "lag_s", "\xe2\x80\xae",
                               "\xc2\x9b", "\xff", "\x00", "{{incident.id}}", "\"kind\": \"postgres\"", "\"targets\": {"};

std::string mutate(std::string s, const std::vector<std::string>& pool, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    int rounds = 1 + static_cast<int>(pick(4));
    for (int r = 0; r < rounds; ++r) {
        std::size_t at = pick(s.size() + 1);
        switch (pick(7)) {
            case 0:  // flip a bit
                if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << pick(8));
                break;
            case 1:  // a random byte
                if (!s.empty()) s[at % s.size()] = static_cast<char>(pick(256));
                break;
            case 2: {  // a token
                std::string token = kTokens[pick(std::size(kTokens))];
                if (token.empty()) token.push_back('\0');
                s.insert(at, token);
                break;
            }
            case 3:  // cut a slice
                if (!s.empty()) s.erase(at % s.size(), 1 + pick(std::min<std::size_t>(64, s.size())));
                break;
            case 4: {  // repeat a slice (long lines, deep nesting)
                if (s.empty()) break;
                std::size_t from = at % s.size(), len = 1 + pick(std::min<std::size_t>(32, s.size() - from));
                std::string slice = s.substr(from, len), times;
                for (std::size_t n = 1 + pick(200); n > 0; --n) times += slice;
                s.insert(from, times);
                break;
            }
            case 5: {  // splice a slice of another input
                const std::string& other = pool[pick(pool.size())];
                if (other.empty()) break;
                std::size_t from = pick(other.size());
                s.insert(at, other.substr(from, 1 + pick(std::min<std::size_t>(256, other.size() - from))));
                break;
            }
            default:  // swap two halves of a line
                if (std::size_t nl = s.find('\n', at); nl != std::string::npos && nl > at) std::swap(s[at], s[nl - 1]);
                break;
        }
    }
    if (s.size() > 65536) s.resize(65536);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 0;
    int first = 1;
    if (argc > 2 && std::strcmp(argv[1], "--mutate") == 0) seconds = std::atof(argv[2]), first = 3;
    std::vector<std::string> pool;
    for (int i = first; i < argc; ++i) {
        std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file()) pool.push_back(slurp(e.path()));
        } else if (std::filesystem::is_regular_file(p)) {
            pool.push_back(slurp(p));
        } else {
            std::fprintf(stderr, "%s: no such file or folder\n", argv[i]);
            return 2;
        }
    }
    if (pool.empty()) {
        std::fprintf(stderr, "no inputs\n");
        return 1;
    }
    for (const auto& bytes : pool) run(bytes);
    std::printf("%zu inputs replayed, none crashed\n", pool.size());
    if (seconds <= 0) return 0;

    std::uint64_t seed = std::random_device{}();
    std::mt19937_64 rng(seed);
    std::string name = std::filesystem::path(argv[0]).filename().string();
    std::snprintf(crash_path, sizeof crash_path, "fuzz-crash-%s-%llu", name.c_str(), static_cast<unsigned long long>(seed));
    __sanitizer_set_death_callback(write_current_input);
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::size_t runs = 0;
    while (std::chrono::steady_clock::now() < until) {
        for (int batch = 0; batch < 64; ++batch, ++runs) run(mutate(pool[rng() % pool.size()], pool, rng));
    }
    std::printf("%zu mutated inputs in %.0f s (seed %llu), none crashed\n", runs, seconds, static_cast<unsigned long long>(seed));
    return 0;
}
