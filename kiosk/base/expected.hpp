// Expected failures are values (a bad field, a full disk, a forged card), not
// exceptions: Expected<T> holds either a T or an Error with a kind and a
// bilingual message the UI can show as it is.
#pragma once
#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "kiosk/base/text.hpp"

namespace kiosk {

// Every kind of expected failure, with the stable name it has wherever it
// leaves the process (CLI JSON, logs, the wire, string-table keys). Code
// decides from the kind; the name is only ever written out, never compared.
// A new kind goes here, at the end of its group; a name never changes.
#define KIOSK_ERROR_KINDS(X)                         \
  /* general */                                      \
  X(Io, "io")                                        \
  X(Usage, "usage")                                  \
  X(BadOption, "bad_option")                         \
  X(NotFound, "not_found")                           \
  X(Busy, "busy")                                    \
  /* the request store */                            \
  X(DiskFull, "disk_full")                           \
  X(ReadOnly, "read_only")                           \
  X(StoreDamaged, "store_damaged")                   \
  X(StoreTooNew, "store_too_new")                    \
  X(StoreMissing, "store_missing")                   \
  X(StoreBusy, "store_busy")                         \
  X(Duplicate, "duplicate")                          \
  X(SlotFull, "slot_full")                           \
  X(BadRequest, "bad_request")                       \
  X(UnknownService, "unknown_service")               \
  /* install settings and content */                 \
  X(Config, "config")                                \
  X(ConfigBadValue, "config_bad_value")              \
  X(ConfigUnreadable, "config_unreadable")           \
  X(ConfigMalformed, "config_malformed")             \
  X(ConfigUnknownKey, "config_unknown_key")          \
  X(NoContent, "no_content")                         \
  X(ContentBroken, "content_broken")                 \
  /* command line */                                 \
  X(AnswersUnreadable, "answers_unreadable")         \
  X(AnswersNotJson, "answers_not_json")              \
  X(NoCode, "no_code")                               \
  X(CardRefused, "card_refused")                     \
  /* member cards and issuer keys */                 \
  X(BadKid, "bad_kid")                               \
  X(CryptoUnavailable, "crypto_unavailable")         \
  X(BadSeed, "bad_seed")                             \
  X(BadClaims, "bad_claims")                         \
  X(BadTrustedKey, "bad_trusted_key")                \
  X(KeyFileWrite, "key_file_write")                  \
  X(KeyFileRead, "key_file_read")                    \
  X(KeyFileExposed, "key_file_exposed")              \
  X(KeyFileExists, "key_file_exists")                \
  /* the touch UI's platform */                      \
  X(NoDisplay, "no_display")                         \
  /* scanner */                                      \
  X(CameraAbsent, "camera_absent")                   \
  X(CameraBusy, "camera_busy")                       \
  X(CameraFailed, "camera_failed")                   \
  X(NoImages, "no_images")                           \
  X(ImageUnreadable, "image_unreadable")             \
  X(ImageWriteFailed, "image_write_failed")          \
  X(BadScanSource, "bad_scan_source")                \
  X(QrTooLong, "qr_too_long")                        \
  /* sync: wire format, enrollment, transport */     \
  X(BadJson, "bad_json")                             \
  X(BadField, "bad_field")                           \
  X(TooDeep, "too_deep")                             \
  X(BadResponse, "bad_response")                     \
  X(NotEnrolled, "not_enrolled")                     \
  X(TokenUnsafe, "token_unsafe")                     \
  X(BadCa, "bad_ca")                                 \
  X(BadUrl, "bad_url")                               \
  X(PlainHttpRefused, "plain_http_refused")          \
  X(InvalidCode, "invalid_code")                     \
  X(Unauthorized, "unauthorized")                    \
  X(Revoked, "revoked")                              \
  X(Rejected, "rejected")                            \
  X(Offline, "offline")                              \
  X(Timeout, "timeout")                              \
  X(TlsFailed, "tls_failed")                         \
  X(ConnectionLost, "connection_lost")               \
  X(Stopped, "stopped")                              \
  X(NoMemory, "no_memory")                           \
  X(HubBusy, "hub_busy")                             \
  X(HubError, "hub_error")                           \
  X(HubMismatch, "hub_mismatch")                     \
  /* the hub */                                      \
  X(Bind, "bind")                                    \
  X(QuotaExceeded, "quota_exceeded")                 \
  X(RateLimited, "rate_limited")

enum class ErrorKind {
#define KIOSK_ERROR_KIND_ENUM(kind, name) kind,
  KIOSK_ERROR_KINDS(KIOSK_ERROR_KIND_ENUM)
#undef KIOSK_ERROR_KIND_ENUM
};

// The kind's stable name, e.g. "disk_full".
const std::string& to_string(ErrorKind kind);

// The kind a name stands for (what a peer sent), if it is one.
std::optional<ErrorKind> error_kind_named(std::string_view name);

struct Error {
  ErrorKind kind = ErrorKind::Io;
  Text message;         // for the worker / technician, both languages
  std::string field;    // the form field or content path it belongs to, if any
  std::string detail;   // technical detail for logs; never personal data

  // The kind's stable name, for output only.
  const std::string& name() const { return to_string(kind); }
};

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { assert(ok()); return std::get<0>(v_); }
  const T& value() const { assert(ok()); return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Expected<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace kiosk
