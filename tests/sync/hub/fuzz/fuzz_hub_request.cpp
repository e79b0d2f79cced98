// libFuzzer target for what the hub parses from anyone who can reach it
// (request bodies: enroll, upload, heartbeat; the status query's ticket and
// code checks) and what the kiosk parses from the hub (replies). No input
// may crash, hang or break the parsers' promises. Built with Debian's clang
// by run_fuzz.sh (ctest: test_sync_hub_fuzz), seeded from corpus/.
//
// The first byte picks the parser; the rest is the body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sync/protocol/protocol.hpp"

using namespace kiosk;
using namespace kiosk::sync;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// A refusal is a kind the hub can answer with, never anything else.
void check_refusal(const Error& e) {
  check(e.kind == ErrorKind::BadJson || e.kind == ErrorKind::BadField || e.kind == ErrorKind::TooDeep);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 8;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (mode) {
    case 0: {
      auto b = parse_upload_batch(body);
      if (!b) return check_refusal(b.error()), 0;
      // What the hub accepted, written out canonically, reads back the same.
      auto again = parse_upload_batch(to_json(*b));
      check(again.ok() && again->requests.size() == b->requests.size());
      for (const auto& r : b->requests) {
        if (r.created_at_ms < 0) continue;  // marked invalid for the hub
        auto w = parse_wire_request(wire_request_json(r));
        check(w.ok() && to_json(*w) == to_json(r));
      }
      break;
    }
    case 1: {
      auto e = parse_enroll_request(body);
      if (!e) return check_refusal(e.error()), 0;
      std::string n = normalize_enroll_code(e->code);
      check(n.find('-') == std::string::npos && n.find(' ') == std::string::npos);
      break;
    }
    case 2: {
      auto h = parse_heartbeat(body);
      if (!h) return check_refusal(h.error()), 0;
      check(h->queue_depth >= 0 && h->quarantined >= 0);
      check(h->last_sync_error.size() <= static_cast<size_t>(kMaxHeartbeatErrorChars) * 4);
      auto again = parse_heartbeat(to_json(*h));
      check(again.ok() && to_json(*again) == to_json(*h));
      break;
    }
    case 3: {
      auto p = parse_status_page(body);
      if (!p) return check_refusal(p.error()), 0;
      check(parse_status_page(to_json(*p)).ok());
      break;
    }
    case 4: {
      auto r = parse_upload_response(body);
      if (!r) return check_refusal(r.error()), 0;
      for (const auto& o : r->results) check(o.result != ItemResult::Rejected || !o.reason.empty());
      break;
    }
    case 5: {
      auto e = parse_enroll_response(body);
      if (e) check(!e->token.empty());
      break;
    }
    case 6:
      if (auto e = parse_hub_error(body)) check(parse_hub_error(to_json(*e)).has_value());
      break;
    default:
      // Tickets: valid ones are short, and have no control characters.
      if (is_valid_ticket(body)) {
        check(!body.empty() && body.size() <= static_cast<size_t>(kMaxTicketChars) * 4);
        for (unsigned char c : body) check(c >= 0x20 && c != 0x7f);
      }
      check(is_uuid_v7(body) == (body.size() == 36 && is_uuid_v7(std::string(body))));
      break;
  }
  return 0;
}
