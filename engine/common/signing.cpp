// Ed25519 through OpenSSL's EVP interface: keys from PEM files, signatures as base64.
#include "drconsole/signing.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "drconsole/diagnostic.h"
#include "drconsole/sha256.h"

namespace drconsole {
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct FileClose {
    void operator()(FILE* f) const { std::fclose(f); }
};

Pkey read_pem(const std::filesystem::path& path, bool private_key) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw InputError(fmt::format("{}: cannot read the {} key", path.string(), private_key ? "signing" : "public"));
    Pkey key(private_key ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr) : PEM_read_PUBKEY(f.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        throw InputError(fmt::format("{}: not an Ed25519 {} key in PEM form (make one with 'drconsole keygen')", path.string(),
                                     private_key ? "private" : "public"));
    return key;
}

std::string fingerprint_of(EVP_PKEY* key) {
    unsigned char raw[32];
    std::size_t n = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &n) != 1) throw std::runtime_error("cannot read an Ed25519 public key");
    return "ed25519:" + sha256_hex(std::string_view(reinterpret_cast<const char*>(raw), n)).substr(0, 16);
}

std::string base64(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0 || text.size() > 1024) return std::nullopt;
    std::vector<unsigned char> out(text.size() / 4 * 3);
    int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (len < 0) return std::nullopt;
    std::size_t padding = text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
    out.resize(static_cast<std::size_t>(len) - padding);
    return out;
}

void write_pem(const std::filesystem::path& path, mode_t mode, EVP_PKEY* key, bool private_key) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        throw InputError(fmt::format("{}: cannot create it: {}", path.string(),
                                     errno == EEXIST ? "it exists (a key is never overwritten)" : std::strerror(errno)));
    std::unique_ptr<FILE, FileClose> f(::fdopen(fd, "wb"));
    if (!f) {
        ::close(fd);
        throw InputError(fmt::format("{}: cannot write", path.string()));
    }
    int ok = private_key ? PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) : PEM_write_PUBKEY(f.get(), key);
    if (ok != 1 || std::fflush(f.get()) != 0 || ::fsync(fd) != 0) throw InputError(fmt::format("{}: cannot write", path.string()));
}

}  // namespace

struct SigningKey::Impl {
    Pkey key;
};
SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

SigningKey SigningKey::load(const std::filesystem::path& pem) { return SigningKey(std::make_unique<Impl>(Impl{read_pem(pem, true)})); }

std::string SigningKey::sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char sig[64];
    std::size_t n = sizeof sig;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig, &n, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("Ed25519 signing failed");
    return base64(sig, n);
}

std::string SigningKey::fingerprint() const { return fingerprint_of(impl_->key.get()); }

struct VerifyKey::Impl {
    Pkey key;
};

VerifyKey SigningKey::public_key() const {
    unsigned char raw[32];
    std::size_t n = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(impl_->key.get(), raw, &n) != 1) throw std::runtime_error("cannot read an Ed25519 public key");
    Pkey pub(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw, n));
    if (!pub) throw std::runtime_error("cannot read an Ed25519 public key");
    return VerifyKey(std::make_unique<VerifyKey::Impl>(VerifyKey::Impl{std::move(pub)}));
}
VerifyKey::VerifyKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VerifyKey::~VerifyKey() = default;
VerifyKey::VerifyKey(VerifyKey&&) noexcept = default;
VerifyKey& VerifyKey::operator=(VerifyKey&&) noexcept = default;

VerifyKey VerifyKey::load(const std::filesystem::path& pem) { return VerifyKey(std::make_unique<Impl>(Impl{read_pem(pem, false)})); }

bool VerifyKey::verify(std::string_view message, std::string_view signature_base64) const {
    auto sig = unbase64(signature_base64);
    if (!sig || sig->size() != 64) return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), sig->data(), sig->size(), reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string VerifyKey::fingerprint() const { return fingerprint_of(impl_->key.get()); }

std::string generate_signing_key(const std::filesystem::path& private_pem) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) throw std::runtime_error("Ed25519 key generation failed");
    Pkey key(raw);
    std::filesystem::path public_pem = private_pem.string() + ".pub";
    if (std::filesystem::exists(public_pem)) throw InputError(fmt::format("{}: exists; keys are never overwritten", public_pem.string()));
    write_pem(private_pem, 0600, key.get(), true);
    write_pem(public_pem, 0644, key.get(), false);
    return fingerprint_of(key.get());
}

}  // namespace drconsole
