// Ed25519 signatures (OpenSSL libcrypto) for checkpoints and bundles. The private key lives in
// a PEM file that drconsole never copies: not into the journal, a report or a bundle.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace drconsole {

class VerifyKey;

class SigningKey {
public:
    // Reads a PEM private key ("drconsole keygen" writes one). Throws InputError naming the file.
    static SigningKey load(const std::filesystem::path& pem);
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;

    std::string sign(std::string_view message) const;  // base64
    std::string fingerprint() const;                    // of its public key: see VerifyKey
    VerifyKey public_key() const;

private:
    struct Impl;
    explicit SigningKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

class VerifyKey {
public:
    // Reads a PEM public key (KEY.pub from "drconsole keygen"). Throws InputError naming the file.
    static VerifyKey load(const std::filesystem::path& pem);
    ~VerifyKey();
    VerifyKey(VerifyKey&&) noexcept;
    VerifyKey& operator=(VerifyKey&&) noexcept;

    bool verify(std::string_view message, std::string_view signature_base64) const;
    // "ed25519:" and the first 16 hex digits of the SHA-256 of the raw public key.
    std::string fingerprint() const;

private:
    friend class SigningKey;
    struct Impl;
    explicit VerifyKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes a new key pair: `private_pem` (mode 0600, refused if it exists) and `private_pem`.pub.
// Returns the fingerprint.
std::string generate_signing_key(const std::filesystem::path& private_pem);

}  // namespace drconsole
