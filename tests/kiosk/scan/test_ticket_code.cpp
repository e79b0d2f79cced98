// The ticket screen's QR code is read back to the right request.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "kiosk/scan/codes.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "synth.hpp"

using namespace kiosk::scan;
using namespace kiosk::card;

TEST_CASE("make and parse a ticket code") {
  TicketCode t{"0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a", "F-0427"};
  auto text = make_ticket_code(t);
  CHECK(text == "GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0427");
  CHECK(parse_ticket_code(text) == t);
  CHECK(parse_ticket_code("ghreq1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a:f-0427") == t);
  CHECK(parse_ticket_code(text + "\r\n") == t);  // a scanner's line ending
  CHECK(classify_code(text) == CodeKind::Ticket);
}

TEST_CASE("what is not a ticket code") {
  CHECK(make_ticket_code({"not-a-uuid", "F-1"}).empty());
  CHECK(make_ticket_code({"0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a", ""}).empty());
  CHECK(make_ticket_code({"0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a", "F 1"}).empty());
  for (const char* s : {"", "GHREQ1:", "GHREQ1::F-1", "GHREQ1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a",
                        "GHREQ1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a:", "GHREQ2:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a:F-1",
                        "GHREQ1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9g:F-1", "GHREQ1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a:F-1:x",
                        "GHREQ1:0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a:F-12345678901234567"}) {
    CAPTURE(s);
    CHECK_FALSE(parse_ticket_code(s).has_value());
  }
}

TEST_CASE("a ticket, a member card and anything else are told apart") {
  const char* card =
      "eyJhbGciOiJFZERTQSIsImtpZCI6ImRlbW8tMjAyNiIsInR5cCI6ImdoLW1lbWJlciJ9.eyJpc3MiOiJDTi0yMi0wMSJ9.AAAA";
  CHECK(classify_code(card) == CodeKind::MemberCard);
  CHECK(classify_code("https://example.org/member/123") == CodeKind::Other);
  CHECK(classify_code("hello world") == CodeKind::Other);
  CHECK(classify_code("GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0427") == CodeKind::Ticket);
}

TEST_CASE("ticket QR round trip: make -> encode -> draw -> photograph -> decode -> parse") {
  TicketCode t{"0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a", "T-0001"};
  auto qr = encode_qr(make_ticket_code(t));
  REQUIRE(qr.ok());
  // Alphanumeric mode keeps the symbol small: version 3 (29 modules) at M.
  CHECK(qr->size - 2 * qr->quiet_zone <= 29);
  Image img = render_qr(*qr, 6);
  auto clean = decode_code(img.view());
  REQUIRE(clean.has_value());
  CHECK(parse_ticket_code(clean->text) == t);
  // A phone photo of the ticket screen.
  synth::Look look{"", 1, 6, 30, 230, 0.3, 70, 3};
  Image photo = synth::place(img, 640, 480, synth::tilted(330, 250, 220, 12, 0.1), look);
  auto read = decode_code(photo.view());
  REQUIRE(read.has_value());
  auto back = parse_ticket_code(read->text);
  REQUIRE(back.has_value());
  CHECK(back->request_id == t.request_id);
  CHECK(back->ticket == t.ticket);
}
