// Captured action output: kept up to a cap, hashed whole, made valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "drconsole/actions.h"

namespace drconsole {

class CapturedOutput {
public:
    CapturedOutput();
    ~CapturedOutput();
    CapturedOutput(const CapturedOutput&) = delete;
    CapturedOutput& operator=(const CapturedOutput&) = delete;

    void add(std::string_view bytes);
    // Stores the kept text (invalid UTF-8 replaced), the truncation flag and the hash in `r`.
    void finish(ActionResult& r);

private:
    std::string kept_;
    bool truncated_ = false;
    EVP_MD_CTX* sha_;
};

// Replaces every known secret value (TemplateValues::redactions) in the result's output, error
// and detail with how the journal shows it ("<from $NAME>"); output cut at the cap loses a
// secret's first characters at its end too. The output's SHA-256 stays that of what was printed.
void redact_secrets(ActionResult& r, const std::vector<std::pair<std::string, std::string>>& redactions);

}  // namespace drconsole
