// SHA-256 through OpenSSL's EVP interface, hex out: private to build/ (signatures, cache keys).
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace culprit::build {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Update(const void* bytes, size_t size) { EVP_DigestUpdate(ctx_.get(), bytes, size); }
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  /// Fixed-width little-endian, so that no two (name, size) sequences hash alike.
  void UpdateU64(uint64_t v) {
    unsigned char le[8];
    for (int i = 0; i < 8; ++i) le[i] = (v >> (8 * i)) & 0xff;
    Update(le, sizeof(le));
  }
  /// Lower-case hex of the digest; the object is spent afterwards.
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 0xf];
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace culprit::build
