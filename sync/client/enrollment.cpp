#include "sync/client/enrollment.hpp"

#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/install/files.hpp"
#include "sync/client/cycle_report.hpp"

namespace kiosk::sync {

Expected<EnrollResponse> enroll_kiosk(Install& install, const std::string& hub_url,
                                      const std::string& code, const std::string& ca_file,
                                      bool allow_plain_http_loopback, TransportOptions t) {
  if (auto st = check_hub_url(hub_url, allow_plain_http_loopback); !st) return st.error();
  std::string ca_copy;
  if (!ca_file.empty()) {
    bool exists = false;
    std::string pem = read_whole_file(ca_file, &exists);
    if (!exists || pem.find("BEGIN CERTIFICATE") == std::string::npos)
      return Error{ErrorKind::BadCa, tr("sync.bad_ca"), "--ca", "not a PEM certificate file"};
    ca_copy = install.root() + "/hub-ca.pem";
    if (auto st = write_file_atomic(ca_copy, pem, 0600); !st) return st.error();
  }
  HubTransport transport(HubEndpoint{hub_url, ca_copy, allow_plain_http_loopback, ""}, t);
  EnrollRequest req{normalize_enroll_code(code), KIOSK_VERSION};
  HubReply r = transport.post(kPathEnroll, to_json(req));
  if (r.kind != NetKind::Ok) {
    const std::string c = reply_error(r);
    const ErrorKind kind = error_kind_named(c).value_or(ErrorKind::HubError);
    std::string key = kind == ErrorKind::InvalidCode ? "sync.enroll.invalid_code"
                      : kind == ErrorKind::Revoked   ? "sync.revoked"
                                                     : "sync.error." + r.error;
    return Error{kind, tr(key), "", r.detail};
  }
  auto e = parse_enroll_response(r.body);
  if (!e) return Error{ErrorKind::BadResponse, tr("sync.error.bad_response"), "", e.error().detail};
  Enrollment rec{hub_url,   ca_copy,  allow_plain_http_loopback, e->kiosk_id,
                 e->kiosk_name, e->token, e->box_public_key,    e->hash_key};
  if (auto st = install.record_enrollment(rec); !st) return st.error();
  log::event(log::Level::Info, "sync", "enrolled", {{"kiosk_id", e->kiosk_id}});
  return e;
}

}  // namespace kiosk::sync
