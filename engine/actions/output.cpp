// Capturing output: the first kOutputCap bytes are kept; the SHA-256 covers all of it.
#include "actions/output.h"

#include "drconsole/text.h"

namespace drconsole {

CapturedOutput::CapturedOutput() : sha_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr); }

CapturedOutput::~CapturedOutput() { EVP_MD_CTX_free(sha_); }

void CapturedOutput::add(std::string_view bytes) {
    EVP_DigestUpdate(sha_, bytes.data(), bytes.size());
    std::size_t room = kOutputCap > kept_.size() ? kOutputCap - kept_.size() : 0;
    if (bytes.size() > room) truncated_ = true;
    kept_.append(bytes.substr(0, room));
}

void CapturedOutput::finish(ActionResult& r) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(sha_, digest, &n);
    static constexpr char kHex[] = "0123456789abcdef";
    r.output_sha256.clear();
    for (unsigned int i = 0; i < n; ++i) {
        r.output_sha256 += kHex[digest[i] >> 4];
        r.output_sha256 += kHex[digest[i] & 0xF];
    }
    // The journal stores valid UTF-8: bytes that are not become U+FFFD.
    std::string text;
    for (std::size_t i = 0; i < kept_.size();) append_utf8(text, next_code_point(kept_, i));
    r.output = std::move(text);
    r.truncated = truncated_;
}

namespace {

using Redactions = std::vector<std::pair<std::string, std::string>>;

std::string redacted(std::string_view text, const Redactions& redactions) {
    std::string out(text);
    for (const auto& [secret, shown] : redactions) {
        if (secret.empty()) continue;
        std::string next;
        std::size_t from = 0;
        for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, from)) {
            next.append(out, from, at - from);
            next += shown;
            from = at + secret.size();
        }
        if (from == 0) continue;
        next.append(out, from, std::string::npos);
        out = std::move(next);
    }
    return out;
}

void redact_json(nlohmann::json& j, const Redactions& redactions) {
    if (j.is_string()) j = redacted(j.get<std::string>(), redactions);
    else if (j.is_structured())
        for (auto& child : j) redact_json(child, redactions);
}

}  // namespace

void redact_secrets(ActionResult& r, const Redactions& redactions) {
    r.output = redacted(r.output, redactions);
    if (r.truncated) {
        // The cap may have cut a secret: its first characters at the very end are dropped.
        for (const auto& [secret, shown] : redactions)
            for (std::size_t n = std::min(secret.size() - (secret.empty() ? 0 : 1), r.output.size()); n > 0; --n)
                if (r.output.compare(r.output.size() - n, n, secret, 0, n) == 0) {
                    r.output.resize(r.output.size() - n);
                    break;
                }
    }
    r.error = redacted(r.error, redactions);
    redact_json(r.detail, redactions);
}

}  // namespace drconsole
