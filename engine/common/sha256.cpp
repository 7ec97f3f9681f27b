// SHA-256 through OpenSSL's EVP interface, and whole-file reads.
#include "drconsole/sha256.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace drconsole {

struct Sha256Stream::Context {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256Stream::Sha256Stream() : ctx_(std::make_unique<Context>()) {
    if (!ctx_->md || EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed in libcrypto");
}

Sha256Stream::~Sha256Stream() = default;

Sha256Stream& Sha256Stream::add(std::string_view data) {
    if (EVP_DigestUpdate(ctx_->md.get(), data.data(), data.size()) != 1) throw std::runtime_error("SHA-256 failed in libcrypto");
    return *this;
}

std::string Sha256Stream::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_->md.get(), digest, &length) != 1 || EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed in libcrypto");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}

std::string sha256_hex(std::string_view data) { return Sha256Stream().add(data).hex(); }

}  // namespace drconsole
