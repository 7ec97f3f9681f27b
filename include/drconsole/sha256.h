// SHA-256 (OpenSSL libcrypto) as lowercase hex.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace drconsole {

std::string sha256_hex(std::string_view data);

// SHA-256 of data given in pieces: the same hex as sha256_hex() of the pieces joined, without
// joining them (an event's canonical bytes around a large payload, a batch of sample lines).
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    Sha256Stream& add(std::string_view data);
    std::string hex();  // the digest of everything added; the stream starts again empty

private:
    struct Context;
    std::unique_ptr<Context> ctx_;
};

}  // namespace drconsole
