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

}  // namespace drconsole
