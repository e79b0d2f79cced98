// Expected failures are values (a bad field, a full disk, a forged card), not
// exceptions: Expected<T> holds either a T or an Error with a kind and a
// bilingual message the UI can show as it is.
#pragma once
#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "kiosk/base/text.hpp"

namespace kiosk {

struct Error {
  std::string code;     // machine-readable kind, e.g. "disk_full", "invalid_phone"
  Text message;         // for the worker / technician, both languages
  std::string field;    // the form field or content path it belongs to, if any
  std::string detail;   // technical detail for logs; never personal data
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
