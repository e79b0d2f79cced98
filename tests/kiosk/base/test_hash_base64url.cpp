// SHA-256 hex and base64url: the one copy of each in kiosk/base.
#include <doctest/doctest.h>

#include <string>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/hash.hpp"

using namespace kiosk;

TEST_CASE("sha256_hex in the case the stored data needs") {
  CHECK(sha256_hex("abc", HexCase::Upper) == "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  CHECK(sha256_hex("", HexCase::Upper) == "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
  CHECK(sha256_hex("11010519491231002X", HexCase::Upper) ==
        "426695A0EFDB59B9EAEDAF0B5CA3EDDF013CC2A7F9E283437704EA605F421E6D");
  // The hub's hashes of tokens, codes and bodies are stored lower case.
  CHECK(sha256_hex("abc", HexCase::Lower) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("base64url") {
  CHECK(base64url_decode("") == "");
  CHECK(base64url_decode("YWJj") == "abc");
  CHECK(base64url_decode("YWI") == "ab");
  CHECK(base64url_decode("-_8") == std::string("\xfb\xff", 2));
  CHECK_FALSE(base64url_decode("YWJj="));
  CHECK_FALSE(base64url_decode("YW+j"));
  CHECK_FALSE(base64url_decode("Y"));
  CHECK_FALSE(base64url_decode("YWJ"));  // non-zero trailing bits ("YWI" is canonical)
  auto key = base64url_decode("0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc");
  REQUIRE(key);
  CHECK(key->size() == 32);
}
